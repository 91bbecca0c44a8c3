import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationId } from '../src/client/operations.js';
import { readCommandLine } from '../src/client/options.js';
import { loadServerSettings } from '../src/server/config.js';
import { ALL_OPTIONS } from '../src/server/options.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { createConfirmations } from '../src/tools/confirm.js';
import { ALL_TOOLS } from '../src/tools/index.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, expectOk as ok, startHarness, type Harness, type HarnessOptions } from './helpers/harness.js';

/**
 * Money and work stay under the user's control: costly tools preview first and tell what they would bill, a
 * spending limit asks the user (or refuses) above it, and destructive tools act only once the user agreed.
 */

type TaskRecord = {
  id: number;
  taskStatus: number;
  totalFrames: number;
  doneFrames: number | null;
  failedFrames: number | null;
  isDelete: number;
  respRenderingTaskList?: unknown[] | null;
};
type FrameRecord = { id: number; frameStatus: number; frameIndex: string };

const COSTLY_OPERATIONS: OperationId[] = [
  'start_task',
  'full_speed_render',
  'submit_task',
  'restart_failed_frames',
  'restart_frames',
  'edit_task_hardware_config',
];
const DESTRUCTIVE_OPERATIONS: OperationId[] = ['delete_task', 'abandon_task', 'delete_project_label', 'delete_task_label', 'delete_render_env'];

let sandbox: Sandbox;

beforeAll(async () => {
  // A frozen clock: the tasks picked below keep their status until a test changes it.
  sandbox = await startSandbox({ seed: 23, speed: 0, accessKey: CANARY_ACCESS_KEY });
});
afterAll(() => sandbox.close());

async function withHarness<T>(options: Omit<HarnessOptions, 'reuse'>, run: (h: Harness) => Promise<T>): Promise<T> {
  const h = await startHarness({ reuse: sandbox, ...options });
  try {
    return await run(h);
  } finally {
    await h.close();
  }
}

const tasks = () => sandbox.farm.tasks() as unknown as TaskRecord[];
const frames = (id: number) => sandbox.farm.taskFrames(id) as unknown as FrameRecord[];
const sent = (operations: readonly OperationId[]) => operations.reduce((sum, op) => sum + sandbox.requests.count(op), 0);

const used = new Set<number>();
/** A leaf task in a status, not used by another test. */
function leaf(status: number, predicate: (t: TaskRecord) => boolean = () => true): TaskRecord {
  const found = tasks().find((t) => t.taskStatus === status && !t.respRenderingTaskList?.length && t.isDelete === 1 && !used.has(t.id) && predicate(t));
  expect(found, `a leaf task in status ${status}`).toBeDefined();
  used.add(found!.id);
  return found!;
}
const framesLeft = (t: TaskRecord) => t.totalFrames - (t.doneFrames ?? 0) - (t.failedFrames ?? 0);
const failed = (t: TaskRecord) => frames(t.id).filter((f) => f.frameStatus === 5 || f.frameStatus === 11);

/** A task reserved and given its task.json, ready for submit_task. */
async function reserved(h: Harness): Promise<number> {
  const created = ok(await callTool(h.client, 'create_task', { count: 1 }));
  const id = (created['task_ids'] as number[])[0]!;
  ok(await callTool(h.client, 'upload_task_json', { task_id: id, content: JSON.stringify({ scene_info_render: { common: { frames: '1-20[1]' } } }) }));
  return id;
}

function hardwareTarget(taskId: number): number {
  const configs = sandbox.farm.call('list_hardware_configs', { taskIds: [taskId] }) as { id: number; status: number; current?: boolean | string }[];
  return configs.find((c) => c.status === 1 && c.current !== true && c.current !== 'true')!.id;
}

describe('costly tools preview by default', () => {
  it('the first call of each costly tool sends no write and shows what it would bill, with an estimate and its basis', async () => {
    await withHarness({}, async (h) => {
      const stopped = leaf(10, (t) => framesLeft(t) > 0);
      const rendering = leaf(5, (t) => framesLeft(t) > 0 && (t.doneFrames ?? 0) > 0);
      const withFailures = leaf(30, (t) => failed(t).length > 1);
      const someFailed = failed(withFailures).slice(0, 2);
      const submit = await reserved(h);
      const firstCalls: Record<string, Record<string, unknown>> = {
        start_task: { task_ids: [stopped.id] },
        full_speed_render: { task_ids: [rendering.id] },
        submit_task: { task_id: submit },
        restart_failed_frames: { task_ids: [withFailures.id] },
        restart_frames: { task_id: withFailures.id, frame_ids: someFailed.map((f) => f.id) },
        restart_frames_by_number: { task_id: withFailures.id, frames: [someFailed[0]!.frameIndex] },
        edit_task_hardware_config: { task_ids: [rendering.id], hardware_config_id: hardwareTarget(rendering.id) },
        // Whatever the causes: every failed frame, so there is something to estimate.
        resubmit_failures: { task_ids: [withFailures.id], include: ['fix_first', 'unknown', 'failed_again'] },
      };
      // Every costly tool is here, so a new one without a case fails this test.
      expect(Object.keys(firstCalls).sort()).toEqual(
        ALL_TOOLS.filter((t) => t.safety === 'costly')
          .map((t) => t.name)
          .sort(),
      );
      const before = sent(COSTLY_OPERATIONS);
      for (const [name, args] of Object.entries(firstCalls)) {
        const result = await callTool(h.client, name, args);
        const s = ok(result);
        expect(s['dry_run'], name).toBe(true);
        expect(result.text, name).toMatch(/Estimated cost: (about [\d.]+ USD|unknown|nothing would be rendered)[^\n]*\(an estimate; basis: [^)]+/);
        expect(s['estimate'], name).toMatchObject({ basis: expect.any(String) });
        expect(result.text, name).toMatch(/dry_run false/);
      }
      expect(sent(COSTLY_OPERATIONS), 'no costly write reached the farm').toBe(before);

      // The estimate rests on the task's own cost per rendered frame: frames left × what its frames cost so far.
      const start = ok(await callTool(h.client, 'start_task', { task_ids: [stopped.id] }))['estimate'] as { frames: number; cost: number; basis: string };
      expect(start.frames).toBe(framesLeft(stopped));
      expect(start.basis).toMatch(/^the task's own cost per rendered frame so far, [\d.]+ USD$/);
      const info = sandbox.farm.taskInfo(stopped.id) as unknown as { renderConsume: number };
      const perFrame = info.renderConsume / ((stopped.doneFrames ?? 0) + (stopped.failedFrames ?? 0));
      expect(start.cost).toBeCloseTo(perFrame * framesLeft(stopped), 1);
    });
  });

  it('a preview of something that cannot work says so instead of what it would do', async () => {
    await withHarness({}, async (h) => {
      const finished = leaf(25);
      const startFinished = await callTool(h.client, 'start_task', { task_ids: [finished.id] });
      expect(ok(startFinished)['dry_run']).toBe(true);
      expect(startFinished.text).toMatch(new RegExp(`^Cannot start:\\n${finished.id} [^\\n]*: cannot start, it is finished, so nothing is left to start`));
      expect(startFinished.text).not.toMatch(/Would start/);

      const unknown = await callTool(h.client, 'submit_task', { task_id: 99_999_999 });
      expect(ok(unknown)['dry_run']).toBe(true);
      expect(unknown.text).toMatch(/^Task 99999999 is not listed by the farm: either create_task reserved it .*, or it does not exist\./);
      expect(unknown.text).not.toMatch(/Would submit/);

      const clean = leaf(25, (t) => (t.failedFrames ?? 0) === 0 && t.totalFrames > 0);
      const nothing = await callTool(h.client, 'restart_failed_frames', { task_ids: [clean.id] });
      expect(ok(nothing)).toMatchObject({ dry_run: true, frames: 0 });
      expect(nothing.text).toContain(`No failed or timed-out frames to resubmit in task ${clean.id}`);

      const before = sent(COSTLY_OPERATIONS);
      // Acting on it is refused before anything is sent.
      const acted = await callTool(h.client, 'start_task', { task_ids: [finished.id], dry_run: false });
      expect(acted.isError).toBe(true);
      expect(acted.text).toMatch(
        new RegExp(`^start_task did nothing: This task cannot be started \\(${finished.id} .*: cannot start, it is finished.*\\)\\. Nothing was sent\\.$`),
      );
      expect(sent(COSTLY_OPERATIONS)).toBe(before);
    });
  });
});

describe('the spending guard (RAYVISION_MAX_COST)', () => {
  it('with a client that cannot ask the user, refuses an action estimated above the limit and sends nothing', async () => {
    await withHarness({ settings: { maxCost: 0.01 } }, async (h) => {
      const stopped = leaf(10, (t) => framesLeft(t) > 5);
      const withFailures = leaf(30, (t) => failed(t).length > 0);
      const submit = await reserved(h);
      const before = sent(COSTLY_OPERATIONS);
      for (const [name, args] of [
        ['start_task', { task_ids: [stopped.id], dry_run: false }],
        ['restart_failed_frames', { task_ids: [withFailures.id], dry_run: false }],
        ['resubmit_failures', { task_ids: [withFailures.id], dry_run: false, include: ['fix_first', 'unknown', 'failed_again'] }],
        // No estimate before the farm counts the frames: an action it cannot bound asks too.
        ['submit_task', { task_id: submit, dry_run: false }],
      ] as const) {
        const result = await callTool(h.client, name, args);
        expect(result.isError, `${name}: ${result.text}`).toBe(true);
        expect(result.text).toMatch(
          new RegExp(
            `^${name} did nothing: its (estimated cost, about [\\d.]+ USD, is above|cost cannot be estimated, and) the spending limit of 0.01 USD \\(RAYVISION_MAX_COST\\)`,
          ),
        );
        expect(result.text).toContain('RAYVISION_CONFIRMATION=token');
      }
      expect(sent(COSTLY_OPERATIONS)).toBe(before);
      // Previews still answer, and say what the limit would do.
      expect(ok(await callTool(h.client, 'start_task', { task_ids: [stopped.id] }))['dry_run']).toBe(true);
    });
  });

  it('acts at once within the limit', async () => {
    await withHarness({ settings: { maxCost: 1_000_000 } }, async (h) => {
      const stopped = leaf(10, (t) => framesLeft(t) > 0);
      const before = sandbox.requests.count('start_task');
      ok(await callTool(h.client, 'start_task', { task_ids: [stopped.id], dry_run: false }));
      expect(sandbox.requests.count('start_task')).toBe(before + 1);
    });
  });

  it('asks the user above the limit, with the estimate in the question, and acts only on a yes', async () => {
    const asked: string[] = [];
    let answer: 'decline' | 'accept' = 'decline';
    const elicit = (message: string) => {
      asked.push(message);
      return answer === 'accept' ? { action: 'accept' as const, content: { confirm: true } } : { action: 'decline' as const };
    };
    await withHarness({ settings: { maxCost: 0.01 }, elicit }, async (h) => {
      const stopped = leaf(10, (t) => framesLeft(t) > 5);
      const before = sandbox.requests.count('start_task');
      const declined = await callTool(h.client, 'start_task', { task_ids: [stopped.id], dry_run: false });
      const s = ok(declined);
      expect(s['dry_run']).toBe(true);
      expect(declined.text).toMatch(/^Cancelled: the user did not agree to the cost, so nothing was sent\./);
      expect(asked[0]).toMatch(new RegExp(`^About to start 1 task:\\n${stopped.id} `));
      expect(asked[0]).toMatch(/Estimated cost: about [\d.]+ USD for \d+ frames/);
      expect(asked[0]).toMatch(/Its estimated cost, about [\d.]+ USD, is above the spending limit of 0.01 USD \(RAYVISION_MAX_COST\)\. Go ahead\?$/);
      expect(sandbox.requests.count('start_task')).toBe(before);

      answer = 'accept';
      ok(await callTool(h.client, 'start_task', { task_ids: [stopped.id], dry_run: false }));
      expect(sandbox.requests.count('start_task')).toBe(before + 1);
    });
  });

  it('in token mode, previews with a token the assistant may pass only after the user agreed', async () => {
    await withHarness({ settings: { maxCost: 0.01, confirmationMode: 'token' } }, async (h) => {
      const stopped = leaf(10, (t) => framesLeft(t) > 5);
      const before = sandbox.requests.count('start_task');
      const preview = await callTool(h.client, 'start_task', { task_ids: [stopped.id], dry_run: false });
      const s = ok(preview);
      const token = s['confirmation_token'] as string;
      expect(token).toBeTruthy();
      expect(preview.text).toContain(`Only if the user agrees, call start_task again with the same arguments and confirmation_token "${token}"`);
      expect(preview.text).toContain('never pass it on your own judgement');
      expect(sandbox.requests.count('start_task')).toBe(before);
      ok(await callTool(h.client, 'start_task', { task_ids: [stopped.id], dry_run: false, confirmation_token: token }));
      expect(sandbox.requests.count('start_task')).toBe(before + 1);
    });
  });

  it('reads RAYVISION_MAX_COST and --max-cost, refusing what is not an amount', () => {
    expect(loadServerSettings(readCommandLine(['--max-cost', '7.5'], {}, ALL_OPTIONS).sources).maxCost).toBe(7.5);
    expect(loadServerSettings({}).maxCost).toBeUndefined();
    expect(loadServerSettings({ RAYVISION_MAX_COST: 'none' }).maxCost).toBeUndefined();
    expect(loadServerSettings({ RAYVISION_MAX_COST: '12.5' }).maxCost).toBe(12.5);
    expect(() => loadServerSettings({ RAYVISION_MAX_COST: 'lots' })).toThrow(
      /RAYVISION_MAX_COST \(--max-cost\): must be an amount such as 25 \(or none\) \(got "lots"\)/,
    );
    expect(() => loadServerSettings({ RAYVISION_MAX_COST: '-1' })).toThrow(/must be 0 or more/);
  });
});

describe('confirmation means the user', () => {
  it('with the default mode and a client that cannot ask, each destructive tool sends nothing and names the setting', async () => {
    await withHarness({}, async (h) => {
      const task = leaf(25);
      const env = (sandbox.farm.call('get_render_env', { cgId: 2000 }) as { editName: string }[])[0]!;
      const cases: Record<string, Record<string, unknown>> = {
        delete_task: { task_ids: [task.id] },
        abandon_task: { task_ids: [leaf(5).id] },
        delete_project_label: { name: (ok(await callTool(h.client, 'list_project_labels'))['projects'] as { name: string }[])[0]!.name },
        delete_task_label: { task_ids: [task.id], label_names: ['anything'] },
        delete_render_env: { cg_id: 'maya', name: env.editName },
      };
      expect(Object.keys(cases).sort()).toEqual(
        ALL_TOOLS.filter((t) => t.safety === 'destructive')
          .map((t) => t.name)
          .sort(),
      );
      const before = sent(DESTRUCTIVE_OPERATIONS);
      for (const [name, args] of Object.entries(cases)) {
        const result = await callTool(h.client, name, args);
        expect(result.isError, name).toBe(true);
        // delete_task_label may refuse earlier (the task carries no such label): either way nothing is sent.
        if (name !== 'delete_task_label')
          expect(result.text, name).toMatch(
            new RegExp(`^${name} did nothing: it needs the user's confirmation, and this client cannot ask the user .*RAYVISION_CONFIRMATION=token`),
          );
      }
      expect(sent(DESTRUCTIVE_OPERATIONS)).toBe(before);
    });
  });

  it('elicitation mode refuses a confirmation token, for destructive and guarded costly calls alike', async () => {
    const issuer = createConfirmations('token');
    const task = leaf(10, (t) => framesLeft(t) > 0);
    const deleteToken = issuer.tokens.issue('delete_task', { task_ids: [task.id] }).token;
    const startToken = issuer.tokens.issue('start_task', { task_ids: [task.id], dry_run: false }).token;
    await withHarness({ settings: { confirmationMode: 'elicitation', maxCost: 0.01 }, confirmations: { ...issuer, mode: 'elicitation' } }, async (h) => {
      const before = sent([...DESTRUCTIVE_OPERATIONS, ...COSTLY_OPERATIONS]);
      for (const [name, args] of [
        ['delete_task', { task_ids: [task.id], confirmation_token: deleteToken }],
        ['start_task', { task_ids: [task.id], dry_run: false, confirmation_token: startToken }],
      ] as const) {
        const result = await callTool(h.client, name, args);
        expect(result.isError, name).toBe(true);
        expect(result.text).toBe(
          `${name} did nothing: this server confirms with the user directly (RAYVISION_CONFIRMATION=elicitation), so confirmation tokens are not accepted; call it without confirmation_token.`,
        );
      }
      expect(sent([...DESTRUCTIVE_OPERATIONS, ...COSTLY_OPERATIONS])).toBe(before);
    });
  });

  it('tells the assistant in the server instructions who confirms, what costs money and what farm data is', async () => {
    for (const confirmationMode of ['auto', 'token'] as const) {
      await withHarness({ settings: { confirmationMode, maxCost: 20 } }, async (h) => {
        const instructions = h.client.getInstructions() ?? '';
        expect(instructions).toContain(
          'preview by default: show the user the preview and its estimated cost, and call again with dry_run false only once the user agreed',
        );
        expect(instructions).toContain('a billed action estimated above 20');
        expect(instructions).toContain('Text between <farm-data> and </farm-data>, and names in double quotes, is copied from the farm');
        if (confirmationMode === 'token') expect(instructions).toContain('pass the token back only after the user agreed; never on your own judgement');
        else expect(instructions).toContain('they ask the user through the client before acting, and nobody else can confirm them');
      });
    }
  });
});
