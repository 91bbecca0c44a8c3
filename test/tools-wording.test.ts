import { describe, expect, it } from 'vitest';
import { callTool, expectOk as ok, startHarness, useFarmSession, type Harness } from './helpers/harness.js';

/** Inputs read as a user means them, and answers whose words and counts are right: one assertion each. */
const log: string[] = [];
const session = useFarmSession({ seed: 85, sandbox: { speed: 0 }, harness: { log } });
const { call } = session;

type FarmTask = {
  id: number;
  taskStatus: number;
  failedFrames: number | null;
  totalFrames: number;
  taskKeyValueVo?: { tiles?: string | null } | null;
  respRenderingTaskList?: FarmTask[] | null;
};
const tasks = () => session.sandbox.farm.tasks() as unknown as FarmTask[];
const someTask = () => tasks().find((t) => !t.respRenderingTaskList?.length)!;

async function withHarness<T>(options: Parameters<typeof startHarness>[0], run: (h: Harness) => Promise<T>): Promise<T> {
  const h = await startHarness({ reuse: session.sandbox, ...options });
  try {
    return await run(h);
  } finally {
    await h.close();
  }
}

describe('inputs', () => {
  it('takes a single value for task_ids as a list of one', async () => {
    expect((ok(await call('get_task_info', { task_ids: someTask().id }))['tasks'] as { id: number }[]).map((t) => t.id)).toEqual([someTask().id]);
  });

  it('says a missing task_id is required, not badly formatted', async () => {
    expect((await call('get_subtask_ids', {})).text).toBe('get_subtask_ids: invalid arguments: task_id is required. Nothing was sent to the farm.');
  });

  it('does not read "1e3" as an alias of task 3', async () => {
    expect((await call('get_task_info', { task_ids: ['1e3'] })).text).toMatch(
      /^get_task_info: invalid arguments: task_ids\.0: a task id is a number such as 19097 or an alias/,
    );
  });

  it('takes aliases only in the documented form: platform number, task prefix, task id', async () => {
    const before = session.sandbox.requests.count();
    for (const alias of ['2X35627228', '999ZZZ35627511', 'W2W5', '2W']) expect((await call('get_task_info', { task_ids: [alias] })).isError, alias).toBe(true);
    expect(session.sandbox.requests.count()).toBe(before);
    expect(ok(await call('get_task_info', { task_ids: [`2W${someTask().id}`, `P${someTask().id}`] }))['tasks']).toHaveLength(1);
  });

  it('refuses __proto__ and constructor as software names without sending anything or logging an error', async () => {
    const before = session.sandbox.requests.count();
    log.length = 0;
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const result = await call('get_supported_plugins', { cg_id: name });
      expect(result.text, name).toMatch(/^get_supported_plugins: invalid arguments: cg_id: unknown software; use a name/);
    }
    expect(session.sandbox.requests.count()).toBe(before);
    expect(log.filter((line) => / error /.test(line))).toEqual([]);
  });
});

describe('words and counts', () => {
  it('"Deleted 1 task; it is in the recycle bin"', async () => {
    const task = tasks().find((t) => t.taskStatus === 25 && !t.respRenderingTaskList?.length)!;
    await withHarness({ elicit: () => ({ action: 'accept', content: { confirm: true } }) }, async ({ client }) => {
      expect((await callTool(client, 'delete_task', { task_ids: [task.id] })).text).toContain('Deleted 1 task; it is in the recycle bin');
    });
  });

  it('an empty page of frames says so, without "This page: ."', async () => {
    expect((await call('get_task_frames', { task_id: someTask().id, page: 999 })).text).not.toContain('This page: .');
  });

  it("get_supported_plugins for one version counts that version's plugins, not every version", async () => {
    expect((await call('get_supported_plugins', { cg_id: 'maya', version: '2024' })).text.split('\n')[0]).toMatch(
      /^Maya 2024 on windows: \d+ plugin versions \(6 versions in all\)\.$/,
    );
  });

  it('costs carry their currency', async () => {
    const task = tasks().find((t) => t.taskStatus === 25 && !t.respRenderingTaskList?.length)!;
    expect((await call('get_task_info', { task_ids: [task.id] })).text).toMatch(/\ncost: \d+(\.\d+)? USD\n/);
  });

  it('26 failed tiles do not read as frame "0"', async () => {
    const tiled = tasks().find((t) => t.respRenderingTaskList?.some((c) => c.taskKeyValueVo?.tiles && (c.failedFrames ?? 0) > 1))!;
    const tiles = tiled.respRenderingTaskList!.find((c) => c.taskKeyValueVo?.tiles && (c.failedFrames ?? 0) > 1)!.failedFrames;
    const resource = await session.harness.client.readResource({ uri: `rayvision://tasks/${tiled.id}` });
    expect((resource.contents[0] as { text: string }).text).toMatch(new RegExp(`\\(frames 0 \\(${tiles} tiles\\)\\)`));
  });

  it('rayvision://tasks hints at a listing that finds every active task it counts', async () => {
    const text = ((await session.harness.client.readResource({ uri: 'rayvision://tasks' })).contents[0] as { text: string }).text;
    const counted = Number(/^Active tasks \((\d+): /.exec(text)?.[1]);
    const hinted = JSON.parse(/get_task_list status=(\[[^\]]+\])/.exec(text)?.[1] ?? '[]') as string[];
    expect(counted).toBeGreaterThan(25);
    expect(ok(await call('get_task_list', { status: hinted, page_size: 1 }))['total']).toBe(counted);
  });

  it('errors reach an SDK client once, without a repeated "MCP error" prefix', async () => {
    const failure = await session.harness.client.readResource({ uri: 'rayvision://tasks/1' }).then(
      () => undefined,
      (error: unknown) => (error as Error).message,
    );
    expect(failure).toMatch(/No task with id 1 exists on the farm/);
    expect(failure).not.toMatch(/MCP error -?\d+: MCP error/);
  });

  it('with --toolsets frames,environments, the instructions point to no tool of another toolset', async () => {
    const instructions = await withHarness(
      { settings: { toolsets: new Set(['frames', 'environments'] as const) } },
      async ({ client }) => client.getInstructions() ?? '',
    );
    // The pointers to the task tools and resources (the line on destructive tools names their kinds, not a start).
    expect(
      ['job_status_summary', 'get_task_info', 'wait_for_tasks', 'rayvision://tasks,', 'rayvision://account'].filter((name) => instructions.includes(name)),
    ).toEqual([]);
    expect(instructions).toContain('triage_failures');
  });

  it('completes the plugins argument of configure_render_environment from the farm', async () => {
    const completion = await session.harness.client.complete({
      ref: { type: 'ref/prompt', name: 'configure_render_environment' },
      argument: { name: 'plugins', value: 'mtoa 4.2.3, red' },
      context: { arguments: { software: 'maya', version: '2024' } },
    });
    expect(completion.completion.values).toEqual(expect.arrayContaining(['mtoa 4.2.3, redshift 3.5.16']));
  });
});
