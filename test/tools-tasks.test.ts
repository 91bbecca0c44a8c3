import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

// Token mode: each destructive tool shows its preview, and the test plays the user who agrees by passing the token.
const session = useFarmSession({ seed: 11, harness: { settings: { confirmationMode: 'token' } } });
const { call } = session;

type Task = { id: number; alias?: string; status: string; layers?: number; total?: number; failed?: number };

async function tasksWithStatus(status: string, pageSize = 20): Promise<Task[]> {
  const s = ok(await call('get_task_list', { status: [status], page_size: pageSize }));
  return s['tasks'] as Task[];
}

async function taskInfo(id: number): Promise<Record<string, unknown>> {
  const s = ok(await call('get_task_info', { task_ids: [id] }));
  return (s['tasks'] as Record<string, unknown>[])[0]!;
}

/** Tasks used by one test only, so tests do not disturb each other. */
const used = new Set<number>();
async function freshTask(status: string, predicate: (task: Task) => boolean = () => true): Promise<Task> {
  const task = (await tasksWithStatus(status, 100)).find((t) => !used.has(t.id) && predicate(t));
  expect(task, `a ${status} task in the sandbox`).toBeDefined();
  used.add(task!.id);
  return task!;
}

describe('task reads', () => {
  it('get_task_list pages compactly and filters by status', async () => {
    const result = await call('get_task_list', { page_size: 5 });
    const s = ok(result);
    expect(s['tasks']).toHaveLength(5);
    expect(s['total']).toBeGreaterThanOrEqual(300);
    expect(s['more']).toBe((s['total'] as number) - 5);
    expect(result.text.split('\n')).toContain('id\talias\tscene\tstatus\tdone\tfailed\ttotal\tsubmitted\tcost (USD)');
    expect(result.text).toMatch(/more: pass page=2\./);
    const rendering = await tasksWithStatus('rendering');
    expect(rendering.length).toBeGreaterThan(0);
    expect(rendering.every((t) => t.status === 'rendering')).toBe(true);
  });

  it('get_task_info accepts the console alias and reports unknown ids', async () => {
    const [task] = await tasksWithStatus('finished');
    const result = await call('get_task_info', { task_ids: [task!.alias ?? `2W${task!.id}`, 999_999_999] });
    const s = ok(result);
    expect((s['tasks'] as Task[]).map((t) => t.id)).toEqual([task!.id]);
    expect(s['missing']).toEqual([999_999_999]);
    expect(result.text).toContain(`Task ${task!.id}`);
    expect(result.text).toContain('Not found on the farm: 999999999.');

    const none = await call('get_task_info', { task_ids: [999_999_998] });
    expect(ok(none)).toEqual({ tasks: [], missing: [999_999_998] });
  });

  it('get_subtask_ids lists the child tasks of a parent, and the task itself otherwise', async () => {
    const list = ok(await call('get_task_list', { page_size: 100 }))['tasks'] as Task[];
    const parent = list.find((t) => (t.layers ?? 0) > 1);
    expect(parent, 'a parent task on the first page').toBeDefined();
    const info = await taskInfo(parent!.id);
    const children = (info['children'] as Task[]).map((c) => c.id);
    const s = ok(await call('get_subtask_ids', { task_id: parent!.id }));
    expect(s).toEqual({ task_id: parent!.id, subtask_ids: children });

    const single = list.find((t) => !t.layers)!;
    expect(ok(await call('get_subtask_ids', { task_id: single.id }))['subtask_ids']).toEqual([single.id]);

    const missing = await call('get_subtask_ids', { task_id: 999_999_999 });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/No task with id 999999999/);
  });

  it('get_analysis_error_detail explains known codes and names unknown ones', async () => {
    const result = await call('get_analysis_error_detail', { codes: ['15000', 987654], language: 'english' });
    const s = ok(result);
    const errors = s['errors'] as { code: string; description?: string; severity?: string }[];
    expect(errors.map((e) => e.code)).toEqual(['15000']);
    expect(errors[0]!.description).toBeTruthy();
    expect(s['unknown']).toEqual(['987654']);
    expect(result.text).toMatch(/^15000 \((error|warning|unknown severity)\): /);
    expect(result.text).toContain('No explanation on the farm for: 987654.');
    expect(ok(await call('get_analysis_error_detail', { codes: ['987654'] }))).toEqual({ errors: [], unknown: ['987654'] });
  });
});

describe('task control', () => {
  it('stop_task stops a rendering task and start_task (dry run first) resumes it', async () => {
    const task = await freshTask('rendering');
    ok(await call('stop_task', { task_ids: [task.id] }));
    expect(['stopped', 'user_stopped']).toContain((await taskInfo(task.id))['status']);

    const before = session.sandbox.requests.count('start_task');
    // A first call previews by default.
    const dry = await call('start_task', { task_ids: [task.id] });
    expect(ok(dry)['dry_run']).toBe(true);
    expect(dry.text).toMatch(/^Would start 1 task:/);
    expect(session.sandbox.requests.count('start_task')).toBe(before);

    ok(await call('start_task', { task_ids: [task.id], dry_run: false }));
    expect(session.sandbox.requests.count('start_task')).toBe(before + 1);
    expect(['waiting', 'rendering', 'finished', 'finished_with_failures']).toContain((await taskInfo(task.id))['status']);
  });

  it('abandon_task returns confirmation_required first and abandons only with the token', async () => {
    const task = await freshTask('rendering');
    const before = session.sandbox.requests.count('abandon_task');
    const preview = await call('abandon_task', { task_ids: [task.id] });
    expect(ok(preview)['status']).toBe('confirmation_required');
    expect(preview.text).toContain(`${task.id}`);
    expect(session.sandbox.requests.count('abandon_task')).toBe(before);
    expect((await taskInfo(task.id))['status']).toBe('rendering');

    const done = await call('abandon_task', { task_ids: [task.id], confirmation_token: preview.structured!['confirmation_token'] });
    expect(ok(done)['status']).toBe('done');
    expect(session.sandbox.requests.count('abandon_task')).toBe(before + 1);
    expect((await taskInfo(task.id))['status']).toBe('abandoned');
  });

  it('delete_task moves a task into the recycle bin after confirmation', async () => {
    const task = await freshTask('finished');
    const preview = await call('delete_task', { task_ids: [task.id] });
    expect(ok(preview)['status']).toBe('confirmation_required');
    ok(await call('delete_task', { task_ids: [task.id], confirmation_token: preview.structured!['confirmation_token'] }));
    expect((await taskInfo(task.id))['deleted']).toBe(true);
    const bin = ok(await call('get_task_list', { deleted: true, keyword: String(task.id), page_size: 100 }))['tasks'] as Task[];
    expect(bin.map((t) => t.id)).toContain(task.id);
  });

  it('set_task_overtime_stop, update_task_priority and update_task_limit change what get_task_info shows', async () => {
    const task = await freshTask('rendering');
    const overtime = await call('set_task_overtime_stop', { task_ids: [task.id], stop_after_seconds: 1800 });
    expect(ok(overtime)).toMatchObject({ task_ids: [task.id], stop_after_seconds: 1800 });
    expect(overtime.text).toContain('after 30m00s');
    ok(await call('update_task_priority', { task_id: task.id, priority: 60 }));
    ok(await call('update_task_limit', { task_id: task.id, node_limit: 7 }));
    const info = await taskInfo(task.id);
    expect(info).toMatchObject({ stop_after: '30m00s', priority: 60, node_limit: 7 });
  });

  it('full_speed_render previews with dry_run without a write, then switches', async () => {
    const task = await freshTask('rendering');
    const before = session.sandbox.requests.count('full_speed_render');
    const dry = await call('full_speed_render', { task_ids: [task.id] });
    expect(ok(dry)['dry_run']).toBe(true);
    expect(session.sandbox.requests.count('full_speed_render')).toBe(before);
    const done = await call('full_speed_render', { task_ids: [task.id], dry_run: false });
    expect(ok(done)['dry_run']).toBe(false);
    expect(done.text).toMatch(new RegExp(`^Switched 1 task to full speed \\(${task.id}\\)\\.`));
    expect(session.sandbox.requests.count('full_speed_render')).toBe(before + 1);
  });

  it('refuses invalid input before anything reaches the farm', async () => {
    const before = session.sandbox.requests.count();
    for (const [name, args] of [
      ['stop_task', { task_ids: ['shot12'] }],
      ['stop_task', { task_ids: [] }],
      ['update_task_priority', { task_id: 1, priority: 1000 }],
      ['set_task_overtime_stop', { task_ids: [1], stop_after_seconds: 5 }],
      ['upload_task_json', { task_id: 1, content: '{not json' }],
    ] as const) {
      const result = await call(name, args);
      expect(result.isError, name).toBe(true);
      expect(result.structured).toBeUndefined();
    }
    expect(session.sandbox.requests.count()).toBe(before);
  });
});

describe('submitting a task', () => {
  it('create_task → upload_task_json → submit_task (dry run first), and a second submit is refused', async () => {
    const created = await call('create_task', { count: 1, labels: ['mcp-test'] });
    const s = ok(created);
    const [id] = s['task_ids'] as number[];
    expect(id).toBeGreaterThan(0);
    expect((s['aliases'] as string[])[0]).toMatch(new RegExp(`${id}$`));
    expect(created.text).toMatch(/^Reserved 1 task id: \d+/);

    const upload = await call('upload_task_json', { task_id: id, content: JSON.stringify({ software_config: { cg_name: 'Maya', cg_version: '2023' } }) });
    expect(ok(upload)).toMatchObject({ task_id: id, file_name: 'task.json' });

    const before = session.sandbox.requests.count('submit_task');
    const dry = await call('submit_task', { task_id: id });
    expect(ok(dry)['dry_run']).toBe(true);
    expect(session.sandbox.requests.count('submit_task')).toBe(before);

    ok(await call('submit_task', { task_id: id, dry_run: false }));
    expect(session.sandbox.requests.count('submit_task')).toBe(before + 1);
    expect((await taskInfo(id!))['status']).not.toBe('unknown');

    // Submitted once: a preview says it cannot work, and a second submission is refused before anything is sent.
    const preview = await call('submit_task', { task_id: id });
    expect(ok(preview)['dry_run']).toBe(true);
    expect(preview.text).toMatch(new RegExp(`^Cannot submit: ${id} `));
    const again = await call('submit_task', { task_id: id, dry_run: false });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(new RegExp(`^submit_task did nothing: Task ${id} was submitted already \\(it is \\w+\\).* Nothing was sent\\.$`));
    expect(session.sandbox.requests.count('submit_task')).toBe(before + 1);
  });
});
