import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/**
 * Why frames fail in the sandbox, over HTTP: failed (5) and timed-out (11) frames, error codes of two kinds that
 * get_analysis_error_detail explains and the render log names, what a resubmission does to each kind, and how a
 * client sees that a frame already failed again after one (`recommitFlag`).
 */

type Row = Record<string, unknown>;
type Paged = { total: number; items: Row[] };
const START = Date.UTC(2026, 4, 11, 6, 0);
const FIX = /Resubmitting without fixing this fails again\./;
const RETRY = /Resubmitting the frame usually fixes it\./;

const sandboxes: Sandbox[] = [];
const connectors: Connector[] = [];
async function farmOf(seed = 1): Promise<{ sandbox: Sandbox; connector: Connector }> {
  const sandbox = await startSandbox({ seed, speed: 0, startTime: START });
  const connector = new Connector(sandbox.connectorConfig(), { retryBaseMs: 5 });
  sandboxes.push(sandbox);
  connectors.push(connector);
  return { sandbox, connector };
}

let connector: Connector;
/** The default farm's 20 newest tasks with failures, read once (no test changes that farm). */
let recent: WithFailures[];
beforeAll(async () => {
  ({ connector } = await farmOf());
  recent = await newestWithFailures(connector, 20);
});
afterAll(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await Promise.all(sandboxes.map((s) => s.close()));
});

const isFailed = (frame: Row) => frame.frameStatus === 5 || frame.frameStatus === 11;

async function framesOf(c: Connector, taskId: number): Promise<Row[]> {
  const frames: Row[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = (await c.call('get_task_frames', { taskId, pageNum, pageSize: 100 })) as Paged;
    frames.push(...page.items);
    if (frames.length >= page.total || page.items.length === 0) return frames;
  }
}

async function logOf(c: Connector, frameId: number): Promise<string[]> {
  return ((await c.call('get_render_log', { id: frameId, pageNum: 1, pageSize: 500 })) as { items: string[] }).items;
}

/** The code of the `ERROR <code>: ...` line of a failed frame's log. */
async function codeOf(c: Connector, frameId: number): Promise<string> {
  const errors = (await logOf(c, frameId)).filter((line) => /^ERROR \d+: /.test(line));
  expect(errors, `log of frame ${frameId}`).toHaveLength(1);
  return /^ERROR (\d+):/.exec(errors[0]!)![1]!;
}

async function explain(c: Connector, codes: readonly string[]): Promise<Map<string, Row>> {
  const details = (await c.call('get_analysis_error_detail', { codes: [...codes], language: 1 })) as Row[];
  return new Map(details.map((detail) => [String(detail.code), detail]));
}

type WithFailures = { task: Row; failed: { frame: Row; code: string }[] };

/** The newest tasks with failed frames, newest first, with their failed frames' codes (a spread sample of each task's). */
async function newestWithFailures(c: Connector, count: number, sample = 40): Promise<WithFailures[]> {
  const page = (await c.call('get_task_list', { pageNum: 1, pageSize: 200 })) as Paged;
  const tasks = page.items.filter((task) => (task.failedFrames as number) > 0).slice(0, count);
  const out: WithFailures[] = [];
  for (const task of tasks) {
    const leaves = (task.respRenderingTaskList as Row[] | null) ?? [task];
    const frames: Row[] = [];
    for (const leaf of leaves) frames.push(...(await framesOf(c, leaf.id as number)).filter(isFailed));
    const chosen = frames.length <= sample ? frames : Array.from({ length: sample }, (_, i) => frames[Math.floor((i * frames.length) / sample)]!);
    const failed: WithFailures['failed'] = [];
    for (const frame of chosen) failed.push({ frame, code: await codeOf(c, frame.id as number) });
    out.push({ task, failed });
  }
  return out;
}

async function settle(c: Connector, s: Sandbox, id: number): Promise<Row> {
  for (let hours = 0; hours < 24 * 14; hours++) {
    const task = ((await c.call('get_task_info', { taskIds: [id] })) as Paged).items[0]!;
    if (![0, 5, 8].includes(task.taskStatus as number)) return task;
    s.farm.advance(3600);
  }
  throw new Error(`task ${id} did not settle`);
}

describe('failed and timed-out frames', () => {
  it('has frames stopped by the render timeout (11) next to failed ones (5), each with its ERROR line', async () => {
    const failed = recent.flatMap((entry) => entry.failed);
    const timedOut = failed.filter(({ frame }) => frame.frameStatus === 11);
    expect(timedOut.length).toBeGreaterThan(0);
    expect(failed.some(({ frame }) => frame.frameStatus === 5)).toBe(true);
    for (const { frame, code } of timedOut) {
      expect(code).toBe('50001');
      expect(frame.isOverTime).toBe(1);
    }
    const [detail] = (await connector.call('get_analysis_error_detail', { code: '50001', language: 1 })) as Row[];
    expect(detail).toMatchObject({ code: '50001', isRepair: 0, desDescriptionCn: 'Frame exceeded the render timeout' });
    expect(detail!.desSolutionCn).toMatch(RETRY);
  });

  it('explains every code failed frames carry as one of two kinds, and the log gives the software’s words before it', async () => {
    const codes = [...new Set(recent.flatMap((entry) => entry.failed.map((f) => f.code)))];
    const details = await explain(connector, codes);
    expect([...details.keys()].sort()).toEqual([...codes].sort());
    for (const [code, detail] of details) {
      const persistent = FIX.test(String(detail.desSolutionCn));
      expect(persistent || RETRY.test(String(detail.desSolutionCn)) || code === '15000', `code ${code}`).toBe(true);
      expect(detail.isRepair, `code ${code}`).toBe(persistent ? 1 : 0);
    }
    const { frame } = recent[0]!.failed[0]!;
    const log = await logOf(connector, frame.id as number);
    const at = log.findIndex((line) => line.startsWith('ERROR '));
    expect(log[at - 1]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \S/);
    expect(log.at(-1)).toMatch(/exit code 1$/);
  });

  it('gives the default farm, among its 20 newest tasks with failures, one whose failures are all a missing asset and one whose are all transient', async () => {
    const details = await explain(connector, [...new Set(recent.flatMap((entry) => entry.failed.map((f) => f.code)))]);
    const missingAsset = recent.filter(({ failed }) => failed.every(({ code }) => details.get(code)!.desDescriptionCn === 'Missing asset file'));
    expect(missingAsset.length).toBeGreaterThan(0);
    expect(missingAsset[0]!.failed.length).toBeGreaterThan(10);
    const transient = recent.filter(({ failed }) => failed.every(({ code }) => details.get(code)!.isRepair === 0));
    expect(transient.length).toBeGreaterThan(0);
    // Both kinds of causes appear in the farm's data, with the words a person would look for.
    const words = [...details.values()].map((detail) => String(detail.desDescriptionCn)).join(' | ');
    for (const word of [/missing asset/i, /texture/i, /render timeout/i, /node lost/i]) expect(words).toMatch(word);
  });
});

describe('resubmission', () => {
  it('fails causes a retry cannot fix again, with the same code; transient ones render; the same way on every farm of the seed', async () => {
    const outcomes: string[][] = [];
    for (const { sandbox: s, connector: c } of [await farmOf(), await farmOf()]) {
      const candidates = await newestWithFailures(c, 20);
      const details = await explain(c, [...new Set(candidates.flatMap((entry) => entry.failed.map((f) => f.code)))]);
      const simple = candidates.filter(({ task }) => task.respRenderingTaskList === null && task.taskStatus === 30 && (task.failedFrames as number) > 0);
      const missingAsset = simple.find(({ failed }) => failed.every(({ code }) => details.get(code)!.desDescriptionCn === 'Missing asset file'))!;
      const transient = simple.find(
        ({ failed }) => failed.every(({ code }) => details.get(code)!.isRepair === 0) && failed.every(({ frame }) => frame.recommitFlag === 0),
      )!;
      // Every failed frame of the two, not a sample.
      for (const entry of [missingAsset, transient]) {
        const frames = (await framesOf(c, entry.task.id as number)).filter(isFailed);
        entry.failed = [];
        for (const frame of frames) entry.failed.push({ frame, code: await codeOf(c, frame.id as number) });
      }
      await c.call('restart_failed_frames', { taskIds: [missingAsset.task.id, transient.task.id], status: [5, 11] });
      const seen: string[] = [];
      for (const { task, failed } of [missingAsset, transient]) {
        await settle(c, s, task.id as number);
        const frames = new Map((await framesOf(c, task.id as number)).map((frame) => [frame.id, frame]));
        let rendered = 0;
        for (const { frame: before, code } of failed) {
          const frame = frames.get(before.id)!;
          expect(frame.recommitFlag).toBe(1);
          if (frame.frameStatus === 4) rendered++;
          else seen.push(`${String(frame.id)}:${await codeOf(c, frame.id as number)}`);
          if (task === missingAsset.task) {
            expect(frame.frameStatus).toBe(5);
            expect(await codeOf(c, frame.id as number)).toBe(code);
          }
        }
        if (task === transient.task) expect(rendered).toBeGreaterThanOrEqual(failed.length * 0.8);
        seen.push(`${String(task.id)} rendered ${rendered} of ${failed.length}`);
      }
      outcomes.push(seen);
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('resubmitting chosen frames by id does the same: a missing asset fails again', async () => {
    const { sandbox: s, connector: c } = await farmOf();
    const details = await explain(c, [...new Set(recent.flatMap((entry) => entry.failed.map((f) => f.code)))]);
    const { task, failed } = recent.find(({ failed }) => failed.every(({ code }) => details.get(code)!.desDescriptionCn === 'Missing asset file'))!;
    const chosen = failed.slice(0, 3);
    await c.call('restart_frames', { taskId: task.id, selectAll: 0, ids: chosen.map(({ frame }) => frame.id) });
    await settle(c, s, task.id as number);
    const frames = new Map((await framesOf(c, task.id as number)).map((frame) => [frame.id, frame]));
    for (const { frame, code } of chosen) {
      expect(frames.get(frame.id)).toMatchObject({ frameStatus: 5, recommitFlag: 1 });
      expect(await codeOf(c, frame.id as number)).toBe(code);
    }
  });
});

describe('a frame that already failed again after a resubmission', () => {
  it('shows recommitFlag 1 with its failure (the log says attempt 2), next to frames the same resubmission rendered', async () => {
    const entry = recent.find(({ failed }) => failed.some(({ frame }) => (frame.recommitFlag as number) > 0))!;
    expect(entry).toBeDefined();
    const frames = await framesOf(connector, entry.task.id as number);
    const failedAgain = frames.filter((frame) => isFailed(frame) && frame.recommitFlag === 1);
    const renderedOnRetry = frames.filter((frame) => frame.frameStatus === 4 && frame.recommitFlag === 1);
    expect(failedAgain.length).toBeGreaterThan(0);
    expect(renderedOnRetry.length).toBeGreaterThan(0);
    const details = await explain(connector, [...new Set(entry.failed.map(({ code }) => code))]);
    for (const { frame, code } of entry.failed.filter(({ frame }) => frame.recommitFlag === 1)) {
      expect(details.get(code)!.desSolutionCn).toMatch(FIX);
      expect((await logOf(connector, frame.id as number)).some((line) => / attempt 2$/.test(line))).toBe(true);
    }
    // The frames rendered twice were billed twice: their fees add up to the task's cost.
    const fees = frames.reduce((sum, frame) => sum + ((frame.feeAmount as number | null) ?? 0) + ((frame.couponFee as number | null) ?? 0), 0);
    expect(fees).toBeCloseTo(entry.task.renderConsume as number, 2);
    // The operation log holds that resubmission.
    const log = (await connector.call('get_task_operation_log', { platform: 2, pageNum: 1, pageSize: 200, startDate: '', endDate: '' })) as Paged;
    expect(log.items.some((item) => item.buttonName === 'btn_restart' && item.taskIds === JSON.stringify([`2W${String(entry.task.id)}`]))).toBe(true);

    // Resubmitted once more, the frame that failed again fails a third time: recommitFlag 2.
    const { sandbox: s, connector: c } = await farmOf();
    await c.call('restart_frames', { taskId: entry.task.id, selectAll: 0, ids: [failedAgain[0]!.id] });
    await settle(c, s, entry.task.id as number);
    const third = (await framesOf(c, entry.task.id as number)).find((frame) => frame.id === failedAgain[0]!.id)!;
    expect(third).toMatchObject({ frameStatus: 5, recommitFlag: 2 });
  });
});
