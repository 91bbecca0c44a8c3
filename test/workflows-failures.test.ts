import type { CallToolResult, Progress } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRangeOf } from '../src/client/api/index.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, expectOk as ok, startHarness, type Harness } from './helpers/harness.js';

type TaskRecord = { id: number; taskStatus: number; failedFrames: number | null; isDelete: number; respRenderingTaskList?: TaskRecord[] | null };
type FrameRecord = { id: number; frameStatus: number; frameIndex: string; frameBlock: string };
type Cause = { code: string; frames: number; tasks: number[]; description?: string; fix?: string };
type TaskRow = { id: number; failed: number; causes: string[]; frames: string };

/** Statuses that can hold failed frames, as the API documents them (not as the code under test lists them). */
const FAILABLE = [0, 5, 8, 10, 15, 20, 23, 30, 40, 45, 70];

let sandbox: Sandbox;
let h: Harness;
const bodies: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  // A frozen clock: the farm changes only through the calls the tests make, so counts read from it stay true.
  sandbox = await startSandbox({
    seed: 61,
    speed: 0,
    accessKey: CANARY_ACCESS_KEY,
    inspect: ({ path, body }) => void bodies.push({ path, body: JSON.parse(body) as Record<string, unknown> }),
  });
  h = await startHarness({ reuse: sandbox });
});
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

const call = (name: string, args: Record<string, unknown> = {}) => callTool(h.client, name, args);
const tasks = () => sandbox.farm.tasks() as unknown as TaskRecord[];
const frames = (id: number) => sandbox.farm.taskFrames(id) as unknown as FrameRecord[];
// Failed (5) and timed out (11): both count as failed frames.
const failedFrames = (id: number) => frames(id).filter((f) => f.frameStatus === 5 || f.frameStatus === 11);
const sentTo = (operation: 'restart_failed_frames') => bodies.filter((b) => b.path === h.connector.pathOf(operation)).map((b) => b.body);

/** Error codes in the render logs of a task's failed frames, read from the farm itself. */
function logCodes(taskId: number): Set<string> {
  const codes = new Set<string>();
  for (const frame of failedFrames(taskId)) {
    const log = sandbox.farm.call('get_render_log', { id: frame.id, pageNum: 1, pageSize: 1000 }) as { items: string[] };
    for (const line of log.items) {
      const code = /^ERROR (\d+):/.exec(line)?.[1];
      if (code) codes.add(code);
    }
  }
  return codes;
}

/** Frame numbers of a task's failed frames, from the farm's frame indexes. */
function failedNumbers(taskId: number): number[] {
  return failedFrames(taskId)
    .flatMap((f) => {
      const range = frameRangeOf(f)!;
      const out: number[] = [];
      for (let n = range.start; n <= range.end; n += range.step) out.push(n);
      return out;
    })
    .sort((a, b) => a - b);
}

/** `3, 7-9, 12` → [3, 7, 8, 9, 12]; a still's tiles (`0 (26 tiles)`) are its frame number. */
function expand(text: string): number[] {
  return text.split(', ').flatMap((part) => {
    const [a, b] = part.replace(/ \(\d+ tiles\)$/, '').split('-').map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
  });
}

describe('triage_failures', () => {
  it('scans the statuses that can hold failed frames, groups the failures by the codes in the render logs and explains them', async () => {
    const progress: Progress[] = [];
    const raw = (await h.client.callTool({ name: 'triage_failures', arguments: { limit: 8 } }, { onprogress: (p) => void progress.push(p) })) as CallToolResult;
    const text = (raw.content[0] as { text: string }).text;
    const s = ok({ text, structured: raw.structuredContent as Record<string, unknown>, isError: raw.isError === true, raw });
    const candidates = tasks().filter((t) => FAILABLE.includes(t.taskStatus));
    const withFailures = candidates.filter((t) => (t.failedFrames ?? 0) > 0);
    expect(s['scanned']).toBe(candidates.length);
    expect(s['with_failures']).toBe(withFailures.length);
    expect(text.split('\n')[0]).toBe(`Scanned ${candidates.length} tasks that can hold failed frames; ${withFailures.length} have failed frames.`);

    const rows = s['tasks'] as TaskRow[];
    expect(rows.map((r) => r.id)).toEqual(withFailures.slice(0, 8).map((t) => t.id));
    for (const row of rows) {
      expect(row.failed).toBe(failedFrames(row.id).length);
      const real = logCodes(row.id);
      for (const code of row.causes) expect(real.has(code), `${code} in the logs of task ${row.id}`).toBe(true);
      if (!row.frames.includes('more ranges')) expect(expand(row.frames)).toEqual([...new Set(failedNumbers(row.id))]);
    }
    const causes = s['causes'] as Cause[];
    expect(causes.length).toBeGreaterThan(0);
    for (const cause of causes) {
      expect(cause.description, cause.code).toBeTruthy();
      expect(cause.fix, cause.code).toBeTruthy();
      expect(text).toContain(`\n${cause.code}\t${cause.frames}\t${cause.tasks.length}\t`);
    }
    // Every explanation comes from the farm's own error-code lookup.
    const detail = sandbox.farm.call('get_analysis_error_detail', { codes: [causes[0]!.code], language: 1 }) as { desDescriptionCn: string }[];
    expect(causes[0]!.description).toBe(detail[0]!.desDescriptionCn);
    expect(text).toContain(`${withFailures.length - 8} more tasks with failed frames were not analysed`);
    expect(text).toContain(`resubmit_failures {"task_ids":[${rows.map((r) => r.id).join(',')}]}`);

    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
    expect(progress.at(-1)!.message).toBe('analysed 8 of 8 tasks with failed frames');
  });

  it('reads the logs of at most 10 failed frames per task, and says it sampled', async () => {
    const big = tasks().find((t) => !t.respRenderingTaskList?.length && failedFrames(t.id).length > 20)!;
    expect(big, 'a task with more than 20 failed frames').toBeDefined();
    const logsBefore = sandbox.requests.count('get_render_log');
    const result = await call('triage_failures', { task_ids: [`2W${big.id}`] });
    const s = ok(result);
    expect(sandbox.requests.count('get_render_log') - logsBefore).toBe(10);
    expect((s['causes'] as Cause[]).reduce((sum, c) => sum + c.frames, 0)).toBe(10);
    expect(result.text).toContain(`Causes come from the render logs of 10 of ${failedFrames(big.id).length} failed frames (up to 10 sampled per task).`);
    expect(result.text.split('\n')[0]).toBe('1 task of 1 given has failed frames.');
  });

  it('reads a layered task through its child tasks', async () => {
    const parent = tasks().find((t) => (t.respRenderingTaskList?.length ?? 0) > 1 && (t.failedFrames ?? 0) > 0)!;
    const s = ok(await call('triage_failures', { task_ids: [parent.id] }));
    const row = (s['tasks'] as TaskRow[])[0]!;
    expect(row.id).toBe(parent.id);
    expect(row.failed).toBe(parent.respRenderingTaskList!.reduce((sum, child) => sum + failedFrames(child.id).length, 0));
  });
});

describe('resubmit_failures', () => {
  it('previews by default: tasks, counts and frame numbers, and sends no write', async () => {
    const targets = tasks()
      .filter((t) => t.taskStatus === 30 && !t.respRenderingTaskList?.length && failedFrames(t.id).length < 12)
      .slice(0, 2);
    const writes = sandbox.requests.count('restart_failed_frames');
    const result = await call('resubmit_failures', { task_ids: targets.map((t) => t.id) });
    const s = ok(result);
    expect(sandbox.requests.count('restart_failed_frames')).toBe(writes);
    expect(s['dry_run']).toBe(true);
    const rows = s['tasks'] as { id: number; outcome: string; frames: number; detail: string }[];
    for (const [i, task] of targets.entries()) {
      expect(rows[i]).toMatchObject({ id: task.id, outcome: 'would_resubmit', frames: failedFrames(task.id).length });
      expect(expand(rows[i]!.detail)).toEqual([...new Set(failedNumbers(task.id))]);
    }
    expect(s['frames']).toBe(targets.reduce((sum, t) => sum + failedFrames(t.id).length, 0));
    expect(result.text).toMatch(/^Dry run: nothing was resubmitted\. Call again with dry_run false to resubmit \d+ failed frames of 2 tasks \(billed\)\./);
    for (const task of targets) expect(failedFrames(task.id).length).toBeGreaterThan(0);
  });

  it('resubmits each task exactly once, reports each outcome, and refuses deleted and abandoned tasks', async () => {
    const leaves = tasks().filter((t) => t.taskStatus === 30 && !t.respRenderingTaskList?.length && (t.failedFrames ?? 0) > 0);
    const single = leaves[2]!;
    const parent = tasks().find((t) => (t.respRenderingTaskList?.length ?? 0) > 1 && t.respRenderingTaskList!.some((c) => (c.failedFrames ?? 0) > 0) && t.taskStatus !== 35)!;
    const child = parent.respRenderingTaskList!.find((c) => (c.failedFrames ?? 0) > 0)!;
    const toDelete = leaves[3]!;
    // Only unfinished tasks can be abandoned: a rendering one with failed frames.
    const toAbandon = tasks().find((t) => t.taskStatus === 5 && !t.respRenderingTaskList?.length && (t.failedFrames ?? 0) > 0)!;
    sandbox.farm.call('delete_task', { taskIds: [toDelete.id] });
    sandbox.farm.call('abandon_task', { taskIds: [toAbandon.id] });
    const writesBefore = sentTo('restart_failed_frames').length;

    const result = await call('resubmit_failures', {
      task_ids: [single.id, `2W${single.id}`, parent.id, child.id, toDelete.id, toAbandon.id, 99999999],
      dry_run: false,
    });
    const s = ok(result);
    const sent = sentTo('restart_failed_frames').slice(writesBefore);
    expect(sent.map((body) => body['taskIds'])).toEqual(expect.arrayContaining([[single.id], [parent.id]]));
    expect(sent).toHaveLength(2);
    const outcome = (id: number) => (s['tasks'] as { id: number; outcome: string; detail?: string }[]).find((t) => t.id === id)!;
    expect(outcome(single.id).outcome).toBe('resubmitted');
    expect(outcome(parent.id).outcome).toBe('resubmitted');
    expect(outcome(child.id)).toMatchObject({ outcome: 'skipped', detail: `covered by its parent task ${parent.id}` });
    expect(outcome(toDelete.id)).toMatchObject({ outcome: 'refused', detail: 'it is deleted (in the recycle bin)' });
    expect(outcome(toAbandon.id)).toMatchObject({ outcome: 'refused', detail: 'it is abandoned' });
    expect(outcome(99999999).outcome).toBe('not_found');
    expect(result.text).toMatch(/^Resubmitted \d+ failed frames of 2 tasks; 4 not resubmitted \(see outcome\)\./);

    // The farm now has those frames waiting again; the refused tasks kept theirs.
    expect(failedFrames(single.id)).toHaveLength(0);
    expect(failedFrames(child.id)).toHaveLength(0);
    expect(failedFrames(toDelete.id).length).toBeGreaterThan(0);

    // Nothing is left to resubmit: a second call sends nothing and says why.
    const again = await call('resubmit_failures', { task_ids: [single.id, parent.id], dry_run: false });
    expect(again.isError).toBe(true);
    expect(again.text).toBe(`Nothing was resubmitted: ${single.id} no failed frames; ${parent.id} no failed frames.`);
    expect(sentTo('restart_failed_frames').length).toBe(writesBefore + 2);
  });
});
