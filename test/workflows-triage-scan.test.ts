import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, expectOk as ok, startHarness, type Harness } from './helpers/harness.js';

/**
 * triage_failures over a long account history: it reads task-list pages newest first only until it has `limit`
 * tasks with failed frames, says truthfully how much of the history it read, and can still be cancelled mid-scan.
 */

type TaskRecord = { id: number; taskStatus: number; failedFrames: number | null };
type TaskRow = { id: number; failed: number };

/** Statuses that can hold failed frames, as the API documents them (not as the code under test lists them). */
const FAILABLE = [0, 5, 8, 10, 15, 20, 23, 30, 40, 45, 70];
const TASKS = 32_000;

let sandbox: Sandbox;
let h: Harness;
/** Set by a test to act when the farm receives a task-list request. */
let onTaskList: (() => void) | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 29,
    speed: 0,
    taskCount: TASKS,
    accessKey: CANARY_ACCESS_KEY,
    inspect: ({ path }) => {
      if (path.includes('getTaskList')) onTaskList?.();
    },
  });
  h = await startHarness({ reuse: sandbox });
}, 60_000);
afterAll(async () => {
  await h.close();
  await sandbox.close();
});

/** The farm's own list of the tasks that can hold failed frames, newest first. */
let failable: TaskRecord[] | undefined;
const candidates = () => (failable ??= (sandbox.farm.tasks() as unknown as TaskRecord[]).filter((t) => FAILABLE.includes(t.taskStatus)));

/** The task-list requests the farm receives during `run`. */
async function taskListRequests<T>(run: () => Promise<T>): Promise<{ result: T; requests: number }> {
  const before = sandbox.requests.count('get_task_list');
  const result = await run();
  return { result, requests: sandbox.requests.count('get_task_list') - before };
}

describe('triage_failures on a long history', () => {
  it('reads only the newest pages it needs, analyses the newest tasks with failed frames, and says how much it read', async () => {
    const all = candidates();
    const { result, requests } = await taskListRequests(() => callTool(h.client, 'triage_failures', {}));
    const s = ok(result);
    const scanned = s['scanned'] as number;
    // A few pages of 100 (those read, and at most two asked for ahead), not the whole history of thousands.
    expect(scanned).toBeLessThan(all.length / 10);
    expect(requests).toBeLessThanOrEqual(Math.ceil(scanned / 100) + 2);

    const read = all.slice(0, scanned);
    const withFailures = read.filter((t) => (t.failedFrames ?? 0) > 0);
    expect(s).toMatchObject({ total_failable: all.length, complete: false, with_failures: withFailures.length });
    expect((s['tasks'] as TaskRow[]).map((r) => r.id)).toEqual(withFailures.slice(0, 20).map((t) => t.id));
    // No page more than needed: the pages before the last one read held fewer than 20 tasks with failed frames.
    expect(all.slice(0, scanned - 100).filter((t) => (t.failedFrames ?? 0) > 0).length).toBeLessThan(20);
    expect(result.text.split('\n')[0]).toBe(
      `Scanned the newest ${scanned} of ${all.length} tasks that can hold failed frames; ${withFailures.length} have failed frames.`,
    );
    expect(result.text).toContain(
      `the older ${all.length - scanned} were not read: the scan stopped once 20 tasks with failed frames were found. To go further, narrow with since and until, raise limit, or pass task_ids.`,
    );
    if (withFailures.length > 20) expect(result.text).toContain(`${withFailures.length - 20} more of the tasks read have failed frames and were not analysed.`);
  });

  it('reads further pages for a larger limit, still stopping once it has them', async () => {
    const all = candidates();
    const { result, requests } = await taskListRequests(() => callTool(h.client, 'triage_failures', { limit: 100 }));
    const s = ok(result);
    const scanned = s['scanned'] as number;
    const withFailures = all.slice(0, scanned).filter((t) => (t.failedFrames ?? 0) > 0);
    expect((s['tasks'] as TaskRow[]).map((r) => r.id)).toEqual(withFailures.slice(0, 100).map((t) => t.id));
    // The page before the last one read held fewer than 100 tasks with failed frames: no page more than needed.
    expect(all.slice(0, scanned - 100).filter((t) => (t.failedFrames ?? 0) > 0).length).toBeLessThan(100);
    expect(requests).toBeLessThanOrEqual(Math.ceil(scanned / 100) + 2);
    expect(s).toMatchObject({ total_failable: all.length, complete: false });
  });

  it('stops paging when the client cancels mid-scan', async () => {
    // One connection: the page in flight hangs, the next waits in the queue; both must go when the call is cancelled.
    const single = await startHarness({ reuse: sandbox, connector: { concurrency: 1, timeoutMs: 60_000 } });
    try {
      let seen = 0;
      // The first page is answered, every later one hangs until the client gives up (the farm reports a request
      // before it picks a fault for it).
      onTaskList = () => {
        if (++seen === 2) sandbox.faults.add({ kind: 'hang', operation: 'get_task_list' });
      };
      const before = sandbox.requests.count('get_task_list');
      const controller = new AbortController();
      const pending = single.client.callTool({ name: 'triage_failures', arguments: { limit: 100 } }, { signal: controller.signal });
      pending.catch(() => undefined);
      while (sandbox.requests.count('get_task_list') - before < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      await expect(pending).rejects.toThrow();
      const asked = sandbox.requests.count('get_task_list') - before;
      sandbox.faults.clear();
      onTaskList = undefined;
      // The single connection is free again only if the hung page was aborted, and the queued page was never sent.
      const next = await callTool(single.client, 'get_frame_stats');
      expect(next.isError).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sandbox.requests.count('get_task_list') - before).toBe(asked);
      expect(asked).toBe(2);
    } finally {
      sandbox.faults.clear();
      onTaskList = undefined;
      await single.close();
    }
  }, 30_000);
});
