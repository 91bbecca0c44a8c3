import type { CallToolResult, Progress } from "@modelcontextprotocol/server";
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { taskStatusName } from '../src/tools/support/schema.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, expectOk as ok, startHarness, type Harness } from './helpers/harness.js';

type TaskRecord = {
  id: number;
  taskStatus: number;
  submitDate: number;
  totalFrames: number;
  doneFrames: number | null;
  failedFrames: number | null;
  abortFrames: number | null;
  respRenderingTaskList?: TaskRecord[] | null;
};

/** A frozen farm: it moves only when a test advances its clock, so expectations read from it stay true. */
async function frozenFarm(seed: number): Promise<{ sandbox: Sandbox; h: Harness }> {
  const sandbox = await startSandbox({ seed, speed: 0, accessKey: CANARY_ACCESS_KEY });
  return { sandbox, h: await startHarness({ reuse: sandbox }) };
}

const records = (sandbox: Sandbox) => sandbox.farm.tasks() as unknown as TaskRecord[];
const FINAL = new Set([10, 15, 20, 23, 25, 30, 35, 40, 45, 65, 70]);

describe('job_status_summary', () => {
  let sandbox: Sandbox;
  let h: Harness;
  beforeAll(async () => ({ sandbox, h } = await frozenFarm(51)));
  afterAll(async () => {
    await h.close();
    await sandbox.close();
  });

  it('counts every task by status, shows running tasks with percent and ETA, recent failures and the balance, on one screen', async () => {
    const result = await callTool(h.client, 'job_status_summary');
    const s = ok(result);
    const tasks = records(sandbox);
    const byStatus: Record<string, number> = {};
    for (const task of tasks) byStatus[taskStatusName(task.taskStatus)] = (byStatus[taskStatusName(task.taskStatus)] ?? 0) + 1;
    expect(s['total']).toBe(tasks.length);
    expect(s['counts']).toEqual(byStatus);
    const headline = result.text.split('\n')[0]!;
    expect(headline.startsWith(`${tasks.length} tasks: `)).toBe(true);
    const parts = headline.slice(headline.indexOf(': ') + 2, -1).split(', ');
    expect(new Set(parts)).toEqual(new Set(Object.entries(byStatus).map(([name, n]) => `${n} ${name}`)));
    const shownCounts = parts.map((part) => Number(part.split(' ')[0]));
    expect(shownCounts).toEqual([...shownCounts].sort((x, y) => y - x));

    // The newest 20 of each running status come back (in structured content); the text shows 10.
    const running = [5, 8].flatMap((code) => tasks.filter((t) => t.taskStatus === code).slice(0, 20));
    expect(tasks.filter((t) => t.taskStatus === 5).length).toBeGreaterThan(20);
    const shown = s['running'] as { id: number; percent: number; done: number; total: number; left?: string; eta?: string }[];
    expect(new Set(shown.map((r) => r.id))).toEqual(new Set(running.map((t) => t.id)));
    for (const r of shown) {
      const farm = sandbox.farm.taskInfo(r.id) as unknown as TaskRecord;
      const total = farm.totalFrames || (farm.respRenderingTaskList ?? []).reduce((sum, c) => sum + c.totalFrames, 0);
      expect(r.total).toBe(total);
      expect(r.percent).toBe(total ? Math.floor((100 * r.done) / total) : 0);
      if (r.done > 0) expect(r.eta).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    expect(shown.some((r) => r.left !== undefined)).toBe(true);
    expect(result.text).toMatch(/\nid\talias\tscene\tstatus\tdone\tfailed\ttotal\tpercent\tleft\teta\n/);

    const failures = tasks
      .filter((t) => [30, 45, 65].includes(t.taskStatus))
      .sort((a, b) => b.submitDate - a.submitDate)
      .slice(0, 5);
    expect((s['failures'] as { id: number }[]).map((f) => f.id)).toEqual(failures.map((t) => t.id));

    const profile = sandbox.farm.call('get_user_profile') as { usdbalance: number };
    expect(result.text).toContain(`Account: balance ${profile.usdbalance} USD`);
    // A positive balance: no task is stopped for arrears, and the summary does not invent any.
    expect(byStatus['arrears_stopped']).toBeUndefined();
    expect(result.text).not.toContain('arrears');
    expect(result.text.split('\n').length).toBeLessThanOrEqual(40);
  });

  it('on an account in arrears, says so and counts the tasks stopped for arrears', async () => {
    const owing = await startSandbox({ seed: 51, speed: 0, balance: -80, accessKey: CANARY_ACCESS_KEY });
    const harness = await startHarness({ reuse: owing });
    try {
      const stopped = records(owing).filter((t) => t.taskStatus === 20).length;
      expect(stopped).toBeGreaterThan(0);
      const result = await callTool(harness.client, 'job_status_summary');
      ok(result);
      expect(result.text).toContain('Account: balance -80 USD');
      expect(result.text).toContain('the account is in arrears');
      expect(result.text).toContain(`${stopped} tasks stopped for arrears`);
    } finally {
      await harness.close();
      await owing.close();
    }
  });

  it('counts only the tasks submitted since a date', async () => {
    const tasks = records(sandbox);
    const cut = tasks[60]!.submitDate;
    const day = new Date(cut + 8 * 3_600_000).toISOString().slice(0, 10);
    const since = Date.parse(`${day}T00:00:00+08:00`);
    const s = ok(await callTool(h.client, 'job_status_summary', { since: day }));
    expect(s['total']).toBe(tasks.filter((t) => t.submitDate >= since).length);
    const none = await callTool(h.client, 'job_status_summary', { since: '2099-01-01' });
    expect(ok(none)['total']).toBe(0);
    expect(none.text).toMatch(/^No tasks submitted since 2099-01-01 00:00:00\./);
  });
});

async function waitWithProgress(h: Harness, args: Record<string, unknown>, onProgress: (p: Progress) => void, signal?: AbortSignal) {
  return (await h.client.callTool({ name: 'wait_for_tasks', arguments: args }, {
    onprogress: onProgress,
    resetTimeoutOnProgress: true,
    timeout: 60_000,
    ...(signal ? { signal } : {}),
  })) as CallToolResult;
}

/** A rendering task that holds its own frames and still has frames to render. */
const renderingLeaf = (sandbox: Sandbox) =>
  records(sandbox).find((t) => t.taskStatus === 5 && !t.respRenderingTaskList?.length && t.totalFrames - (t.doneFrames ?? 0) - (t.failedFrames ?? 0) > 50)!;

describe('wait_for_tasks', () => {
  it.concurrent('reports increasing frame progress and returns when the task finishes', async () => {
    const { sandbox, h } = await frozenFarm(52);
    try {
      const task = renderingLeaf(sandbox);
      const seen: Progress[] = [];
      const result = await waitWithProgress(h, { task_ids: [task.id] }, (p) => {
        seen.push(p);
        // The farm renders between polls: a little after the first report, to the end after the second.
        sandbox.farm.advance(seen.length === 1 ? 120 : 10_000_000);
      });
      const text = (result.content[0] as { text: string }).text;
      expect(result.isError, text).toBeFalsy();
      const s = result.structuredContent as { finished: boolean; tasks: { id: number; status: string }[] };
      expect(s.finished).toBe(true);
      const farm = sandbox.farm.taskInfo(task.id) as unknown as TaskRecord;
      expect(FINAL.has(farm.taskStatus)).toBe(true);
      expect(s.tasks[0]).toMatchObject({ id: task.id, status: taskStatusName(farm.taskStatus) });
      expect(text).toMatch(/^The task reached a final state after \d+s:/);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
      expect(seen[0]!.progress).toBe((task.doneFrames ?? 0) + (task.failedFrames ?? 0) + (task.abortFrames ?? 0));
      expect(seen.at(-1)).toMatchObject({ progress: task.totalFrames, total: task.totalFrames });
      expect(seen.at(-1)!.message).toMatch(/ of \d+ frames; 1 of 1 task final$/);
    } finally {
      await h.close();
      await sandbox.close();
    }
  });

  it.concurrent('stops polling when the client cancels', async () => {
    const { sandbox, h } = await frozenFarm(53);
    try {
      const task = renderingLeaf(sandbox);
      const abort = new AbortController();
      const waiting = waitWithProgress(h, { task_ids: [task.id], max_wait_seconds: 300 }, () => abort.abort(), abort.signal);
      await expect(waiting).rejects.toThrow();
      const polls = sandbox.requests.count('get_task_info');
      await sleep(6_500);
      expect(sandbox.requests.count('get_task_info')).toBe(polls);
    } finally {
      await h.close();
      await sandbox.close();
    }
  });

  it.concurrent('gives a clear answer when the time limit passes first', async () => {
    const { sandbox, h } = await frozenFarm(54);
    try {
      const task = renderingLeaf(sandbox);
      const result = await callTool(h.client, 'wait_for_tasks', { task_ids: [task.id], max_wait_seconds: 5 });
      const s = ok(result);
      expect(s['finished']).toBe(false);
      expect(result.text).toMatch(new RegExp(`^Still not final after 5s: ${task.id}\\. Call wait_for_tasks again to keep waiting\\.`));
    } finally {
      await h.close();
      await sandbox.close();
    }
  });

  it.concurrent('returns at once for tasks already final, and refuses unknown ids before waiting', async () => {
    const { sandbox, h } = await frozenFarm(55);
    try {
      const finished = records(sandbox).filter((t) => t.taskStatus === 25).slice(0, 2);
      const before = sandbox.requests.count('get_task_info');
      const result = await callTool(h.client, 'wait_for_tasks', { task_ids: finished.map((t) => `2W${t.id}`) });
      expect(ok(result)['finished']).toBe(true);
      expect(result.text).toMatch(/^All 2 tasks reached a final state:/);
      expect(sandbox.requests.count('get_task_info')).toBe(before + 1);
      const unknown = await callTool(h.client, 'wait_for_tasks', { task_ids: [finished[0]!.id, 99999999] });
      expect(unknown.isError).toBe(true);
      expect(unknown.text).toBe('No task with id 99999999 exists on the farm; check the ids with get_task_list. Nothing was waited for.');
      const tooLong = await callTool(h.client, 'wait_for_tasks', { task_ids: [finished[0]!.id], max_wait_seconds: 3600 });
      expect(tooLong.isError).toBe(true);
      expect(sandbox.requests.count('get_task_info')).toBe(before + 2);
    } finally {
      await h.close();
      await sandbox.close();
    }
  });
});
