import type { CallToolResult, Progress } from '@modelcontextprotocol/server';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { TASK_STATUS_CODE, taskStatusName } from '../src/tools/support/schema.js';
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

  it('counts only the tasks submitted in a window, whatever offset it is given in', async () => {
    const tasks = records(sandbox);
    const from = tasks[80]!.submitDate;
    const to = tasks[20]!.submitDate;
    // The farm reads its bounds to the second: from the start of `from`'s second to the start of `to`'s.
    const inWindow = tasks.filter((t) => t.submitDate >= Math.floor(from / 1000) * 1000 && t.submitDate <= Math.floor(to / 1000) * 1000);
    for (const offset of [0, 480, -300]) {
      const s = ok(await callTool(h.client, 'job_status_summary', { since: at(from, offset), until: at(to, offset) }));
      expect(s['total'], at(from, offset)).toBe(inWindow.length);
    }
    const none = await callTool(h.client, 'job_status_summary', { since: '2099-01-01' });
    expect(ok(none)['total']).toBe(0);
    expect(none.text).toMatch(/^No tasks submitted since 2099-01-01T00:00:00Z\./);
  });

  it('says "rendering" only of rendering tasks: pre-rendering ones are counted apart', async () => {
    const result = await callTool(h.client, 'job_status_summary');
    const s = ok(result);
    const counts = s['counts'] as Record<string, number>;
    expect(counts['pre_rendering']).toBeGreaterThan(0);
    expect(result.text).toContain(`Rendering (${counts['rendering']}) and pre-rendering (${counts['pre_rendering']})`);
  });
});

/** `2026-11-27T18:07:47-05:00`: an instant written in a zone `offset` minutes from UTC, as a user would give it. */
function at(ms: number, offsetMinutes: number): string {
  const wall = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${wall}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describe('"how did my Friday renders do?"', () => {
  let sandbox: Sandbox;
  let h: Harness;
  beforeAll(async () => ({ sandbox, h } = await frozenFarm(53)));
  afterAll(async () => {
    await h.close();
    await sandbox.close();
  });

  it('is answered in one call, for the Friday of a user five hours behind UTC', async () => {
    const tasks = records(sandbox);
    const offset = -300;
    // The last Friday before the farm's newest task, as the user's calendar has it.
    let day = new Date(Math.max(...tasks.map((t) => t.submitDate)) + offset * 60_000);
    while (day.getUTCDay() !== 5) day = new Date(day.getTime() - 86_400_000);
    const date = day.toISOString().slice(0, 10);
    const start = Date.parse(`${date}T00:00:00-05:00`);
    const friday = tasks.filter((t) => t.submitDate >= start && t.submitDate <= start + 86_399_000);
    expect(friday.length).toBeGreaterThan(0);

    const requests = sandbox.requests.count();
    const result = await callTool(h.client, 'job_status_summary', { since: `${date}T00:00:00-05:00`, until: `${date}T23:59:59-05:00` });
    const s = ok(result);
    const byStatus: Record<string, number> = {};
    for (const task of friday) byStatus[taskStatusName(task.taskStatus)] = (byStatus[taskStatusName(task.taskStatus)] ?? 0) + 1;
    expect(s['total']).toBe(friday.length);
    expect(s['counts']).toEqual(byStatus);
    expect(result.text.split('\n')[0]).toMatch(new RegExp(`^${friday.length} tasks? submitted from ${new Date(start).toISOString().slice(0, 19)}Z to `));
    // One tool call; its requests go to the farm at once, and none is a second round trip for more of the same.
    expect(sandbox.requests.count() - requests).toBeLessThanOrEqual(Object.keys(TASK_STATUS_CODE).length + 1);
  });
});

async function waitWithProgress(h: Harness, args: Record<string, unknown>, onProgress: (p: Progress) => void, signal?: AbortSignal) {
  return (await h.client.callTool(
    { name: 'wait_for_tasks', arguments: args },
    {
      onprogress: onProgress,
      resetTimeoutOnProgress: true,
      timeout: 60_000,
      ...(signal ? { signal } : {}),
    },
  )) as CallToolResult;
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
      const finished = records(sandbox)
        .filter((t) => t.taskStatus === 25)
        .slice(0, 2);
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
