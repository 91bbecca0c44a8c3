import type { Progress } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 12 });
const { call } = session;

type Task = { id: number; status: string; software?: string; total?: number; failed?: number; done?: number; children?: Task[] };
type Frame = { id: number; frame?: string; status: string; error_code?: string };

async function taskInfo(id: number): Promise<Task> {
  return (ok(await call('get_task_info', { task_ids: [id] }))['tasks'] as Task[])[0]!;
}

/** Leaf tasks (the ones that hold frames) of the tasks with a status, with their counters. */
async function leaves(status: string): Promise<Task[]> {
  const tasks = ok(await call('get_task_list', { status: [status], page_size: 50 }))['tasks'] as Task[];
  const out: Task[] = [];
  for (const task of tasks) {
    const info = await taskInfo(task.id);
    out.push(...(info.children?.length ? info.children : [info]));
  }
  return out;
}

const used = new Set<number>();
async function freshLeaf(status: string, predicate: (task: Task) => boolean): Promise<Task> {
  const leaf = (await leaves(status)).find((t) => !used.has(t.id) && predicate(t));
  expect(leaf, `a leaf task of a ${status} task`).toBeDefined();
  used.add(leaf!.id);
  return leaf!;
}

/** A leaf with 2,000+ frames, shared by the read-only tests. */
let big: Task | undefined;
async function bigLeaf(): Promise<Task> {
  big ??= (await leaves('finished_with_failures')).find((t) => (t.total ?? 0) >= 2000 && (t.failed ?? 0) > 0);
  expect(big, 'a leaf task with 2,000+ frames').toBeDefined();
  return big!;
}

async function allFrames(taskId: number, status?: string[]): Promise<Frame[]> {
  const s = ok(await call('get_all_task_frames', { task_id: taskId, limit: 1000, ...(status ? { status } : {}) }));
  return s['frames'] as Frame[];
}

describe('reading frames', () => {
  it('get_task_frames shows one page in words, and filters by status within the page only', async () => {
    const leaf = await freshLeaf('finished_with_failures', (t) => (t.failed ?? 0) > 0 && (t.total ?? 0) > 20);
    const page = await call('get_task_frames', { task_id: leaf.id, page_size: 20 });
    const s = ok(page);
    expect(s['frames']).toHaveLength(20);
    expect(s['total']).toBe(leaf.total);
    expect(s['more']).toBe(leaf.total! - 20);
    expect(page.text).toMatch(new RegExp(`^Task ${leaf.id}: ${leaf.total} frames\\. This page: `));
    expect(page.text).toMatch(/\nid\tframe\tstatus/);
    expect(page.text).toContain('more: pass page=2.');
    for (const frame of s['frames'] as Frame[]) expect(['done', 'failed']).toContain(frame.status);

    const failedOnly = await call('get_task_frames', { task_id: leaf.id, page_size: 100, status: ['failed'] });
    const f = ok(failedOnly);
    expect((f['frames'] as Frame[]).every((frame) => frame.status === 'failed')).toBe(true);
    expect(failedOnly.text).toMatch(/applied within this page only/);
  });

  it('get_all_task_frames pages through 2,000+ frames with progress, counts by status and caps the list', async () => {
    const leaf = await bigLeaf();
    const before = session.sandbox.requests.count('get_task_frames');
    const progress: Progress[] = [];
    const raw = await session.harness.client.callTool(
      { name: 'get_all_task_frames', arguments: { task_id: leaf.id } },
      {
        onprogress: (p) => void progress.push(p),
      },
    );
    const s = raw.structuredContent as Record<string, unknown>;
    const counts = s['counts'] as Record<string, number>;
    expect(s['total']).toBe(leaf.total);
    expect(s['complete']).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(leaf.total);
    expect(counts['failed']).toBe(leaf.failed);
    expect(s['frames']).toHaveLength(100);
    const pages = Math.ceil(leaf.total! / 100);
    expect(session.sandbox.requests.count('get_task_frames') - before).toBe(pages);
    expect(progress.length).toBe(pages);
    expect(progress.at(-1)).toMatchObject({ progress: leaf.total, total: leaf.total });
    const text = (raw.content as { type: string; text?: string }[])[0]!.text!;
    expect(text).toMatch(/more not listed: pass status to narrow/);

    const failed = await allFrames(leaf.id, ['failed']);
    expect(failed).toHaveLength(leaf.failed!);
    expect(failed.every((frame) => frame.status === 'failed')).toBe(true);
  });

  it('get_all_task_frames stops paging when the request is cancelled', async () => {
    const leaf = await bigLeaf();
    const before = session.sandbox.requests.count('get_task_frames');
    const controller = new AbortController();
    const pending = session.harness.client.callTool(
      { name: 'get_all_task_frames', arguments: { task_id: leaf.id } },
      {
        signal: controller.signal,
        onprogress: () => controller.abort(),
      },
    );
    await expect(pending).rejects.toThrow();
    // Let the server see the cancellation and any page in flight finish.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(session.sandbox.requests.count('get_task_frames') - before).toBeLessThan(Math.ceil(leaf.total! / 100));
  });

  it('get_frame_stats counts frames across the account', async () => {
    const result = await call('get_frame_stats');
    const s = ok(result) as Record<string, number>;
    for (const key of ['rendering', 'done', 'failed', 'waiting', 'total']) expect(typeof s[key]).toBe('number');
    expect(s['total']).toBeGreaterThan(0);
    expect(s['done']! + s['failed']!).toBeLessThanOrEqual(s['total']!);
    expect(result.text).toMatch(/^Frames across all tasks: .*; \d+ in all\.$/);
  });

  it('get_frame_thumbnail gives paths for a done frame and refuses a frame that is not done', async () => {
    const leaf = await freshLeaf('rendering', (t) => (t.done ?? 0) > 0 && (t.total ?? 0) > (t.done ?? 0) + (t.failed ?? 0) + 5);
    const frames = await allFrames(leaf.id);
    const done = frames.find((frame) => frame.status === 'done')!;
    const thumb = ok(await call('get_frame_thumbnail', { frame_id: done.id }));
    expect((thumb['paths'] as string[]).length).toBeGreaterThan(0);
    const notDone = frames.find((frame) => frame.status !== 'done')!;
    const refused = await call('get_frame_thumbnail', { frame_id: notDone.id });
    expect(refused.isError).toBe(true);
    expect(refused.structured).toBeUndefined();
  });

  it('get_task_progress shows the blocks of a 3ds Max task', async () => {
    const tasks = ok(await call('get_task_list', { page_size: 100 }))['tasks'] as Task[];
    const max = tasks.find((t) => t.software === '3ds_max' && t.status !== 'waiting');
    expect(max, 'a 3ds Max task').toBeDefined();
    const result = await call('get_task_progress', { task_id: max!.id });
    const s = ok(result);
    expect(s['task_id']).toBe(max!.id);
    expect(Array.isArray(s['blocks'])).toBe(true);
    expect(result.text).toMatch(new RegExp(`^Progress of task ${max!.id}`));
  });
});

describe('resubmitting frames', () => {
  it('restart_failed_frames counts on dry_run without a write, then resubmits the failed frames', async () => {
    const leaf = await freshLeaf('finished_with_failures', (t) => (t.failed ?? 0) > 0 && (t.total ?? 0) < 2000);
    const before = session.sandbox.requests.count('restart_failed_frames');
    const dry = await call('restart_failed_frames', { task_ids: [leaf.id] });
    expect(ok(dry)).toMatchObject({ dry_run: true, frames: leaf.failed });
    expect(dry.text).toContain(`${leaf.failed} failed or timed-out frame`);
    expect(session.sandbox.requests.count('restart_failed_frames')).toBe(before);

    const failedIds = (await allFrames(leaf.id, ['failed', 'timed_out'])).map((frame) => frame.id);
    const done = await call('restart_failed_frames', { task_ids: [leaf.id], dry_run: false });
    expect(ok(done)).toMatchObject({ dry_run: false, frames: leaf.failed });
    expect(session.sandbox.requests.count('restart_failed_frames')).toBe(before + 1);
    const after = new Map((await allFrames(leaf.id)).map((frame) => [frame.id, frame.status]));
    expect(failedIds.filter((id) => after.get(id) === 'failed' || after.get(id) === 'timed_out')).toEqual([]);
  });

  it('restart_failed_frames refuses when there is nothing to resubmit, sending nothing', async () => {
    const leaf = await freshLeaf('finished', (t) => (t.failed ?? 0) === 0 && (t.total ?? 0) > 0);
    const before = session.sandbox.requests.count('restart_failed_frames');
    // The preview says there is nothing to resubmit (not an error), and the write is refused without a request.
    const dry = await call('restart_failed_frames', { task_ids: [leaf.id] });
    expect(ok(dry)).toMatchObject({ dry_run: true, frames: 0 });
    expect(dry.text).toContain(`Dry run: nothing was resubmitted. No failed or timed-out frames to resubmit in task ${leaf.id}.`);
    const result = await call('restart_failed_frames', { task_ids: [leaf.id], dry_run: false });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^No failed or timed-out frames to resubmit in task \d+; nothing was sent\.$/);
    expect(session.sandbox.requests.count('restart_failed_frames')).toBe(before);
  });

  it('restart_frames resubmits chosen frame ids after a dry run, and refuses an unclear choice', async () => {
    const leaf = await freshLeaf('finished_with_failures', (t) => (t.failed ?? 0) >= 2 && (t.total ?? 0) < 2000);
    const chosen = (await allFrames(leaf.id, ['failed'])).slice(0, 2).map((frame) => frame.id);
    const before = session.sandbox.requests.count('restart_frames');
    for (const args of [
      { task_id: leaf.id },
      { task_id: leaf.id, frame_ids: chosen, all_frames: true },
      { task_id: leaf.id, frame_ids: chosen, status: ['failed'] },
    ]) {
      const refused = await call('restart_frames', args);
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/nothing was sent/);
    }
    const dry = await call('restart_frames', { task_id: leaf.id, frame_ids: chosen });
    const d = ok(dry);
    expect((d['frames'] as Frame[]).map((frame) => frame.id)).toEqual(chosen);
    expect(session.sandbox.requests.count('restart_frames')).toBe(before);

    ok(await call('restart_frames', { task_id: leaf.id, frame_ids: chosen, dry_run: false }));
    expect(session.sandbox.requests.count('restart_frames')).toBe(before + 1);
    const after = new Map((await allFrames(leaf.id)).map((frame) => [frame.id, frame.status]));
    for (const id of chosen) expect(after.get(id)).not.toBe('failed');
  });

  it('restart_frames_by_number maps numbers and ranges to frame ids and names the ones that match nothing', async () => {
    // An animation (not the tiles of a still, where a number picks every tile): its frames have no block.
    let found: Task | undefined;
    let frames: (Frame & { block?: string })[] = [];
    for (const candidate of (await leaves('finished')).filter((t) => !used.has(t.id) && (t.total ?? 0) >= 5 && (t.total ?? 0) < 2000)) {
      frames = await allFrames(candidate.id);
      if (frames.every((frame) => !frame.block)) {
        found = candidate;
        break;
      }
    }
    expect(found, 'a finished animation task').toBeDefined();
    const leaf = found!;
    used.add(leaf.id);
    const [a, b, c] = frames.map((frame) => frame.frame!);
    const requested = [a!, `${b!.split('-')[0]}`, c!, '999999'];
    const before = session.sandbox.requests.count('restart_frames');
    const dry = await call('restart_frames_by_number', { task_id: leaf.id, frames: requested });
    const d = ok(dry);
    expect((d['frames'] as Frame[]).map((frame) => frame.id)).toEqual(frames.slice(0, 3).map((frame) => frame.id));
    expect(d['unmatched']).toEqual(['999999']);
    expect(dry.text).toContain(`No frame of task ${leaf.id} matches: 999999.`);
    expect(session.sandbox.requests.count('restart_frames')).toBe(before);

    const done = await call('restart_frames_by_number', { task_id: leaf.id, frames: requested, dry_run: false });
    expect(ok(done)).toMatchObject({ dry_run: false, count: 3 });
    expect(session.sandbox.requests.count('restart_frames')).toBe(before + 1);
    const after = new Map((await allFrames(leaf.id)).map((frame) => [frame.id, frame.status]));
    for (const frame of frames.slice(0, 3)) expect(after.get(frame.id)).not.toBe('done');

    const none = await call('restart_frames_by_number', { task_id: leaf.id, frames: ['999999'] });
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/nothing was resubmitted/);
    const bad = await call('restart_frames_by_number', { task_id: leaf.id, frames: ['7-x'] });
    expect(bad.isError).toBe(true);
    expect(session.sandbox.requests.count('restart_frames')).toBe(before + 1);
  });

  it('stop_task_frames stops chosen waiting frames', async () => {
    const leaf = await freshLeaf('rendering', (t) => (t.total ?? 0) - (t.done ?? 0) - (t.failed ?? 0) > 10);
    const waiting = (await allFrames(leaf.id, ['waiting'])).slice(-2).map((frame) => frame.id);
    expect(waiting).toHaveLength(2);
    const result = await call('stop_task_frames', { task_id: leaf.id, frame_ids: waiting });
    expect(ok(result)).toMatchObject({ task_id: leaf.id, count: 2 });
    const after = new Map((await allFrames(leaf.id)).map((frame) => [frame.id, frame.status]));
    for (const id of waiting) expect(after.get(id)).toBe('stopped');
  });
});
