import type { CallToolResult, Progress } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameRangeOf } from '../src/client/api/index.js';
import { isPersistent } from '../src/sandbox/farm/causes.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { taskStatusName } from '../src/tools/support/schema.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, expectOk as ok, startHarness, type Harness } from './helpers/harness.js';

type TaskRecord = {
  id: number;
  taskStatus: number;
  submitDate: number;
  failedFrames: number | null;
  isDelete: number;
  respRenderingTaskList?: TaskRecord[] | null;
};
type FrameRecord = { id: number; taskId: number; frameStatus: number; frameIndex: string; frameBlock: string; recommitFlag: number };
type Cause = { code: string; frames: number; tasks: number[]; retry: string; why: string; failed_again?: number; description?: string; fix?: string };
type TaskRow = { id: number; failed: number; causes: string[]; frames: string; resubmit: number; held: number };
type Outcome = { id: number; status?: string; outcome: string; frames: number; held?: Record<string, number>; detail?: string };

/** Statuses that can hold failed frames, as the API documents them (not as the code under test lists them). */
const FAILABLE = [0, 5, 8, 10, 15, 20, 23, 30, 40, 45, 70];

let sandbox: Sandbox;
let h: Harness;
const bodies: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  // A frozen clock: the farm changes only through the calls the tests make (and `advance`), so its truth holds.
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
const writes = () => sandbox.requests.count('restart_frames') + sandbox.requests.count('restart_failed_frames');

/** The error code a frame's render log names, read from the farm itself. */
function logCode(frameId: number): string {
  const log = sandbox.farm.call('get_render_log', { id: frameId, pageNum: 1, pageSize: 1000 }) as { items: string[] };
  return log.items.map((line) => /^ERROR (\d+):/.exec(line)?.[1]).find(Boolean) ?? 'unknown';
}

/** The farm's own truth about a failed frame: worth a retry unless its cause is persistent or it failed again. */
const worthRetry = (f: FrameRecord) => !isPersistent(Number(logCode(f.id))) && f.recommitFlag === 0;

/** Frame numbers of frames, from the farm's frame indexes. */
function numbers(list: readonly FrameRecord[]): number[] {
  return [
    ...new Set(
      list.flatMap((f) => {
        const range = frameRangeOf(f)!;
        const out: number[] = [];
        for (let n = range.start; n <= range.end; n += range.step) out.push(n);
        return out;
      }),
    ),
  ].sort((a, b) => a - b);
}

/** `3, 7-9, 12` → [3, 7, 8, 9, 12]; a still's tiles (`0 (26 tiles)`) are its frame number. */
function expand(text: string): number[] {
  return text.split(', ').flatMap((part) => {
    const [a, b] = part
      .replace(/ \(\d+ tiles\)$/, '')
      .split('-')
      .map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
  });
}

/** The purpose-made tasks every sandbox farm has (src/sandbox/farm/generate.ts), found once by what their logs say. */
let found: ReturnType<typeof findDesigned> | undefined;
const designed = () => (found ??= findDesigned());
function findDesigned() {
  const leaves = tasks().filter((t) => t.taskStatus === 30 && !t.respRenderingTaskList?.length && failedFrames(t.id).length > 0);
  const codesOf = (t: TaskRecord) => new Set(failedFrames(t.id).map((f) => logCode(f.id)));
  const missingAsset = leaves.find((t) => failedFrames(t.id).length > 20 && [...codesOf(t)].every((c) => c === '50004'))!;
  const transient = leaves.find((t) => failedFrames(t.id).some((f) => f.frameStatus === 11) && [...codesOf(t)].every((c) => !isPersistent(Number(c))))!;
  const resubmitted = leaves.find((t) => failedFrames(t.id).every((f) => f.recommitFlag >= 1))!;
  expect(missingAsset, 'a task whose failures are all a missing asset').toBeDefined();
  expect(transient, 'a task whose failures are all transient').toBeDefined();
  expect(resubmitted, 'a task whose failed frames already failed again').toBeDefined();
  return { missingAsset, transient, resubmitted };
}

/** `yyyy-MM-dd HH:mm:ss`, read either in the farm's zone or UTC: the windows below keep 12 h away from any task. */
const wallTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

describe('triage_failures', () => {
  it('counts every failed frame of each cause, says which a retry can fix, and suggests exactly the frames worth one', async () => {
    const progress: Progress[] = [];
    const raw = (await h.client.callTool({ name: 'triage_failures', arguments: { limit: 8 } }, { onprogress: (p) => void progress.push(p) })) as CallToolResult;
    const text = (raw.content[0] as { text: string }).text;
    const s = ok({ text, structured: raw.structuredContent as Record<string, unknown>, isError: raw.isError === true, raw });
    const candidates = tasks().filter((t) => FAILABLE.includes(t.taskStatus));
    // The scan reads the newest of them only, up to the page on which the 8th task with failed frames is found.
    const read = candidates.slice(0, s['scanned'] as number);
    const withFailures = read.filter((t) => (t.failedFrames ?? 0) > 0);
    expect(read.length).toBeLessThan(candidates.length);
    expect(withFailures.length).toBeGreaterThanOrEqual(8);
    expect(s).toMatchObject({ total_failable: candidates.length, complete: false, with_failures: withFailures.length });
    expect(text.split('\n')[0]).toBe(
      `Scanned the newest ${read.length} of ${candidates.length} tasks that can hold failed frames; ${withFailures.length} have failed frames.`,
    );

    const rows = s['tasks'] as TaskRow[];
    const analysed = withFailures.slice(0, 8);
    expect(rows.map((r) => r.id)).toEqual(analysed.map((t) => t.id));
    // The farm's truth: every failed frame's code from its own log, and whether its cause is persistent.
    const truth = new Map<string, number>();
    for (const row of rows) {
      const failed = failedFrames(row.id);
      expect(row.failed).toBe(failed.length);
      for (const f of failed) truth.set(logCode(f.id), (truth.get(logCode(f.id)) ?? 0) + 1);
      expect(new Set(row.causes)).toEqual(new Set(failed.map((f) => logCode(f.id))));
      expect(row.resubmit).toBe(failed.filter(worthRetry).length);
      expect(row.held).toBe(failed.length - row.resubmit);
      if (!row.frames.includes('more ranges')) expect(expand(row.frames)).toEqual(numbers(failed));
    }
    const causes = s['causes'] as Cause[];
    expect(new Map(causes.map((c) => [c.code, c.frames]))).toEqual(truth);
    for (const cause of causes) {
      expect(cause.retry, `${cause.code}: ${cause.why}`).toBe(isPersistent(Number(cause.code)) ? 'fix_first' : 'retry');
      expect(cause.description, cause.code).toBeTruthy();
      expect(cause.fix, cause.code).toBeTruthy();
      expect(text).toContain(
        `\n${cause.code}\t${cause.frames}\t${cause.tasks.length}\t${cause.retry === 'retry' ? 'worth a retry' : 'not fixed by a retry'}: `,
      );
    }
    // Every explanation comes from the farm's own error-code lookup.
    const detail = sandbox.farm.call('get_analysis_error_detail', { codes: [causes[0]!.code], language: 1 }) as { desDescriptionCn: string }[];
    expect(causes[0]!.description).toBe(detail[0]!.desDescriptionCn);
    expect(text).toContain(`${withFailures.length - 8} more of the tasks read have failed frames and were not analysed.`);
    expect(text).toContain(`the older ${candidates.length - read.length} were not read: the scan stopped once 8 tasks with failed frames were found.`);

    // The suggested call names exactly the tasks with frames worth a retry, and says how many frames it resubmits.
    const worth = rows.filter((r) => r.resubmit > 0);
    const frames = worth.reduce((sum, r) => sum + r.resubmit, 0);
    if (worth.length) expect(text).toContain(`Next: resubmit_failures {"task_ids":[${worth.map((r) => r.id).join(',')}]} resubmits the ${frames} frame`);
    expect(s['resubmit']).toMatchObject({ frames, held: rows.reduce((sum, r) => sum + r.held, 0) });

    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
    expect(progress.at(-1)!.message).toBe('analysed 8 of 8 tasks with failed frames');
  });

  it('holds back a missing asset and frames that failed again, and offers include for them', async () => {
    const { missingAsset, transient, resubmitted } = designed();
    const result = await call('triage_failures', { task_ids: [missingAsset.id, transient.id, `2W${resubmitted.id}`] });
    const s = ok(result);
    const row = (id: number) => (s['tasks'] as TaskRow[]).find((r) => r.id === id)!;
    expect(row(missingAsset.id)).toMatchObject({ failed: failedFrames(missingAsset.id).length, resubmit: 0, held: failedFrames(missingAsset.id).length });
    expect(row(transient.id)).toMatchObject({ resubmit: failedFrames(transient.id).length, held: 0 });
    expect(row(resubmitted.id)).toMatchObject({ resubmit: 0, held: failedFrames(resubmitted.id).length });
    const missing = (s['causes'] as Cause[]).find((c) => c.code === '50004')!;
    // All 255-odd frames of the cause are counted, not only the logs sampled.
    expect(missing).toMatchObject({ frames: failedFrames(missingAsset.id).length, retry: 'fix_first' });
    expect(missing.why).toMatch(/^a missing file/);
    expect(result.text).toContain(
      `Next: resubmit_failures {"task_ids":[${transient.id}]} resubmits the ${failedFrames(transient.id).length} frames worth a retry`,
    );
    expect(result.text).toContain(`resubmit_failures {"task_ids":[${missingAsset.id},${resubmitted.id}],"include":["fix_first"]}`);
    expect(result.text.split('\n')[0]).toBe('3 tasks of 3 given have failed frames.');
    // Two reasons: the total held, then each reason with its own count.
    const held = row(missingAsset.id).held + row(resubmitted.id).held;
    const [, total, ...counts] = /, and holds back (\d+): (\d+) because [^;]+; (\d+) because /.exec(result.text) ?? [];
    expect(Number(total)).toBe(held);
    expect(counts.reduce((sum, n) => sum + Number(n), 0)).toBe(held);
  });

  it('names a single reason for what it holds back without repeating the count', async () => {
    const { missingAsset, transient } = designed();
    const result = await call('triage_failures', { task_ids: [missingAsset.id, transient.id] });
    expect(result.text).toContain(`, and holds back ${failedFrames(missingAsset.id).length} because their cause is not fixed by a retry.`);
  });

  it('reads a layered task through its child tasks', async () => {
    const parent = tasks().find((t) => (t.respRenderingTaskList?.length ?? 0) > 1 && (t.failedFrames ?? 0) > 0)!;
    const s = ok(await call('triage_failures', { task_ids: [parent.id] }));
    const row = (s['tasks'] as TaskRow[])[0]!;
    expect(row.id).toBe(parent.id);
    expect(row.failed).toBe(parent.respRenderingTaskList!.reduce((sum, child) => sum + failedFrames(child.id).length, 0));
  });

  it('scans only the tasks submitted within since and until', async () => {
    const { missingAsset } = designed();
    const day = 86_400_000;
    const at = missingAsset.submitDate;
    const s = ok(await call('triage_failures', { since: wallTime(at - 2 * day), until: wallTime(at + 2 * day), limit: 100 }));
    // Fewer than 100 tasks with failed frames in the window: every page of it is read.
    expect(s).toMatchObject({ complete: true, total_failable: s['scanned'] });
    const scanned = new Set((s['tasks'] as TaskRow[]).map((r) => r.id));
    const failable = tasks().filter((t) => FAILABLE.includes(t.taskStatus) && (t.failedFrames ?? 0) > 0);
    for (const t of failable.filter((t) => Math.abs(t.submitDate - at) < 1.5 * day)) expect(scanned.has(t.id), `${t.id} inside`).toBe(true);
    for (const t of failable.filter((t) => Math.abs(t.submitDate - at) > 2.5 * day)) expect(scanned.has(t.id), `${t.id} outside`).toBe(false);
    expect(ok(await call('triage_failures', { until: '2001-01-01' }))['scanned']).toBe(0);
  });

  it('in read-only mode does not suggest resubmit_failures', async () => {
    const readOnly = await startHarness({ reuse: sandbox, settings: { readOnly: true } });
    try {
      const { transient } = designed();
      const result = await callTool(readOnly.client, 'triage_failures', { task_ids: [transient.id] });
      ok(result);
      expect(result.text).not.toContain('resubmit_failures {');
      expect(result.text).toContain("this server does not offer resubmit_failures, the farm's console can resubmit them");
    } finally {
      await readOnly.close();
    }
  });
});

describe('resubmit_failures', () => {
  it('previews by default: only the frames worth a retry, what it holds back and why, the estimate, and no write', async () => {
    const { missingAsset, transient, resubmitted } = designed();
    const before = writes();
    const result = await call('resubmit_failures', { task_ids: [missingAsset.id, transient.id, resubmitted.id] });
    const s = ok(result);
    expect(writes()).toBe(before);
    expect(s['dry_run']).toBe(true);
    const outcome = (id: number) => (s['tasks'] as Outcome[]).find((o) => o.id === id)!;
    expect(outcome(transient.id)).toMatchObject({ outcome: 'would_resubmit', frames: failedFrames(transient.id).length });
    expect(expand(outcome(transient.id).detail!)).toEqual(numbers(failedFrames(transient.id)));
    expect(outcome(missingAsset.id)).toMatchObject({ outcome: 'held', frames: 0, held: { fix_first: failedFrames(missingAsset.id).length } });
    expect(outcome(missingAsset.id).detail).toContain('(50004) held back because their cause is not fixed by a retry');
    // Frames that failed again are held: for their cause when a retry does not fix it, otherwise for failing again.
    const again = failedFrames(resubmitted.id);
    const persistent = again.filter((f) => isPersistent(Number(logCode(f.id)))).length;
    expect(outcome(resubmitted.id)).toMatchObject({ outcome: 'held', frames: 0 });
    expect(outcome(resubmitted.id).held).toEqual({
      ...(persistent ? { fix_first: persistent } : {}),
      ...(again.length > persistent ? { failed_again: again.length - persistent } : {}),
    });
    expect(s['frames']).toBe(failedFrames(transient.id).length);
    expect(s['held']).toBe(failedFrames(missingAsset.id).length + failedFrames(resubmitted.id).length);
    expect(s['estimate']).toMatchObject({ frames: failedFrames(transient.id).length, currency: 'USD' });
    expect(result.text).toMatch(/^Dry run: nothing was resubmitted\. Call again with dry_run false to resubmit \d+ failed frames of 1 task \(billed\)\./);
    expect(result.text).toMatch(/Estimated cost: about [\d.]+ USD for \d+ frames \(an estimate; basis: the task's own cost per rendered frame so far/);
    expect(result.text).toMatch(/Pass include \["fix_first"(,"failed_again")?\] to resubmit them anyway/);

    const released = ok(await call('resubmit_failures', { task_ids: [missingAsset.id], include: ['fix_first'] }));
    expect(released['frames']).toBe(failedFrames(missingAsset.id).length);
    expect(writes()).toBe(before);
  });

  it('resubmits each task once, one request per task holding the frames, and refuses deleted and abandoned tasks', async () => {
    const taken = new Set(Object.values(designed()).map((t) => t.id));
    const retryLeaf = (t: TaskRecord) => !t.respRenderingTaskList?.length && !taken.has(t.id) && failedFrames(t.id).some(worthRetry);
    const leaves = tasks().filter((t) => t.taskStatus === 30 && retryLeaf(t));
    const single = leaves[1]!;
    const parent = tasks().find(
      (t) => (t.respRenderingTaskList?.length ?? 0) > 1 && t.taskStatus !== 35 && t.respRenderingTaskList!.some((c) => failedFrames(c.id).some(worthRetry)),
    )!;
    const child = parent.respRenderingTaskList!.find((c) => failedFrames(c.id).length > 0)!;
    const toDelete = leaves[2]!;
    // Only unfinished tasks can be abandoned: a rendering one with failed frames.
    const toAbandon = tasks().find((t) => t.taskStatus === 5 && !t.respRenderingTaskList?.length && (t.failedFrames ?? 0) > 0)!;
    sandbox.farm.call('delete_task', { taskIds: [toDelete.id] });
    sandbox.farm.call('abandon_task', { taskIds: [toAbandon.id] });
    const parentLeaves = parent.respRenderingTaskList!.filter((c) => failedFrames(c.id).some(worthRetry)).map((c) => c.id);
    const seen = bodies.length;

    const result = await call('resubmit_failures', {
      task_ids: [single.id, `2W${single.id}`, parent.id, child.id, toDelete.id, toAbandon.id, 99999999],
      dry_run: false,
    });
    const s = ok(result);
    const sent = bodies
      .slice(seen)
      .filter((b) => b.path === h.connector.pathOf('restart_frames'))
      .map((b) => b.body['taskId']);
    expect(sent.sort()).toEqual([single.id, ...parentLeaves].sort());
    const outcome = (id: number) => (s['tasks'] as Outcome[]).find((t) => t.id === id)!;
    expect(outcome(single.id).outcome).toBe('resubmitted');
    expect(outcome(parent.id).outcome).toBe('resubmitted');
    expect(outcome(child.id)).toMatchObject({ outcome: 'skipped', detail: `covered by its parent task ${parent.id}` });
    expect(outcome(toDelete.id)).toMatchObject({ outcome: 'refused', detail: 'it is deleted (in the recycle bin)' });
    expect(outcome(toAbandon.id)).toMatchObject({ outcome: 'refused', detail: 'it is abandoned' });
    expect(outcome(99999999).outcome).toBe('not_found');
    expect(result.text).toMatch(/^Resubmitted \d+ failed frames of 2 tasks\./);
    expect(failedFrames(single.id).filter(worthRetry)).toHaveLength(0);
    expect(failedFrames(toDelete.id).length).toBeGreaterThan(0);
  });

  it('with a missing asset in the farm, resubmits only the frames worth a retry; a second preview offers nothing to re-bill', async () => {
    const { missingAsset, transient } = designed();
    const retryable = failedFrames(transient.id)
      .map((f) => f.id)
      .sort((a, b) => a - b);
    const missingBefore = failedFrames(missingAsset.id).map((f) => f.id);
    const seen = bodies.length;
    const done = await call('resubmit_failures', { task_ids: [missingAsset.id, transient.id], dry_run: false });
    const s = ok(done);
    const sent = bodies.slice(seen).filter((b) => b.path === h.connector.pathOf('restart_frames') || b.path === h.connector.pathOf('restart_failed_frames'));
    expect(sent.map((b) => b.body)).toEqual([{ taskId: transient.id, selectAll: 0, ids: expect.arrayContaining(retryable) }]);
    expect((sent[0]!.body['ids'] as number[]).length).toBe(retryable.length);
    // The farm re-renders the retryable frames; the missing-asset ones were not touched (not billed twice).
    expect(failedFrames(transient.id)).toHaveLength(0);
    expect(failedFrames(missingAsset.id).map((f) => f.id)).toEqual(missingBefore);
    // The table shows each task as the farm has it now.
    const row = (s['tasks'] as Outcome[]).find((o) => o.id === transient.id)!;
    expect(row).toMatchObject({
      outcome: 'resubmitted',
      frames: retryable.length,
      status: taskStatusName((sandbox.farm.taskInfo(transient.id) as unknown as TaskRecord).taskStatus),
    });
    expect(row.status).not.toBe('finished_with_failures');

    // Let the farm render them: a few fail again. Nothing left is worth billing again.
    sandbox.farm.advance(6 * 3600);
    const again = await call('resubmit_failures', { task_ids: [missingAsset.id, transient.id] });
    const a = ok(again);
    expect(again.isError).toBe(false);
    expect(a['frames']).toBe(0);
    expect(again.text).toMatch(/^Nothing to resubmit: no frame here is worth a retry as it is/);
    const failedAgain = failedFrames(transient.id).length;
    expect((a['tasks'] as Outcome[]).find((o) => o.id === transient.id)!.held?.['failed_again'] ?? 0).toBe(failedAgain);
    const writesBefore = writes();
    const real = await call('resubmit_failures', { task_ids: [missingAsset.id, transient.id], dry_run: false });
    expect(real.isError).toBe(false);
    expect(real.text).toMatch(/^Nothing to resubmit, so nothing was sent/);
    expect(writes()).toBe(writesBefore);
  });
});

describe('triage and resubmit, as a user would', () => {
  it('takes at most three calls: triage, the suggested preview, then the resubmission it previewed', async () => {
    const fresh = await startSandbox({ seed: 62, speed: 0, accessKey: CANARY_ACCESS_KEY });
    const user = await startHarness({ reuse: fresh });
    try {
      const triage = await callTool(user.client, 'triage_failures', {});
      ok(triage);
      const suggested = /Next: (resubmit_failures) (\{[^}]*\}) resubmits the (\d+) frames? worth a retry/.exec(triage.text);
      expect(suggested, triage.text).not.toBeNull();
      const args = JSON.parse(suggested![2]!) as Record<string, unknown>;
      const promised = Number(suggested![3]);
      const preview = await callTool(user.client, 'resubmit_failures', args);
      expect(ok(preview)['frames']).toBe(promised);
      const before = fresh.requests.count('restart_frames');
      const done = await callTool(user.client, 'resubmit_failures', { ...args, dry_run: false });
      expect(ok(done)['frames']).toBe(promised);
      expect(done.text).toMatch(new RegExp(`^Resubmitted ${promised} failed frames? of `));
      expect(fresh.requests.count('restart_frames')).toBeGreaterThan(before);
    } finally {
      await user.close();
      await fresh.close();
    }
  });
});
