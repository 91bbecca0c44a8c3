import { compressNumbers, countNumbers, frameRangeOf, tileOf, type FrameInfo, type TaskInfo } from '../../client/api/index.js';
import { RayvisionError } from '../../client/errors.js';
import type { ToolContext } from '../define.js';
import { explainErrorCodes, type ErrorDetail } from './error-codes.js';
import { tsv } from './format.js';
import { frameCounts } from './records.js';
import { readRenderLog } from './render-log.js';
import { farmData } from './sanitize.js';
import { VERDICT_WORDS, holdReason, judgeCause, type HoldReason, type Verdict } from './retry.js';
import { FAILED_FRAME_CODES } from './task-sets.js';

/**
 * Failed frames and their causes, shared by triage_failures, resubmit_failures and the task resource, so that what
 * triage says would be resubmitted is what resubmit_failures resubmits. Frames are read page by page (the API has
 * no status filter); a frame's cause is the error code its render log names. Logs are read frame by frame, within a
 * budget per task:
 * - the failed frames of one status (failed, timed out) are read in full when there are at most SAMPLE of them;
 * - beyond that, a sample of SAMPLE spread over them is read first; when every log in it names the same code, the
 *   other frames of that status are taken to share it (counted as inferred); otherwise the rest is read too, up to
 *   LOGS_PER_TASK logs per task, and frames past that are counted as not read (their cause unknown).
 */

/** Logs read per frame status before inferring the others' cause. */
export const SAMPLE = 20;
/** Logs read at most per task. */
export const LOGS_PER_TASK = 200;
/** Logs read at once in one call, so a triage of many tasks never floods the connector's queue. */
const LOG_CONCURRENCY = 8;

/** `unknown`: the render log names no error code, or could not be read. `not_read`: past the per-task budget. */
export const UNKNOWN_CAUSE = 'unknown';
export const NOT_READ = 'not_read';

/** The tasks that hold a task's frames: its child (layer or stage) tasks, or itself. */
export function leavesOf(task: TaskInfo): TaskInfo[] {
  return task.respRenderingTaskList?.length ? task.respRenderingTaskList : [task];
}

export interface FailedFrame {
  /** The task that holds the frame (a child task for a layered job). */
  taskId: number;
  frame: FrameInfo;
}

/** The failed (and timed-out) frames of a task, read from the child tasks whose counters report failures. */
export async function failedFramesOf(ctx: ToolContext, task: TaskInfo): Promise<{ failed: FailedFrame[]; complete: boolean }> {
  const leaves = leavesOf(task);
  const flagged = leaves.filter((leaf) => frameCounts(leaf).failed > 0);
  const read = await Promise.all((flagged.length ? flagged : leaves).map(async (leaf) => ({ leaf, ...(await ctx.api.frames.allAtOnce(leaf.id)) })));
  return {
    failed: read.flatMap(({ leaf, frames }) =>
      frames.filter((frame) => FAILED_FRAME_CODES.has(frame.frameStatus ?? -1)).map((frame) => ({ taskId: leaf.id, frame })),
    ),
    complete: read.every((r) => r.complete),
  };
}

/**
 * Frame numbers compressed to ranges (`3, 7-9, 12`), at most `max` ranges and a count of the rest. The tiles of a
 * still count as tiles of its frame (`0 (26 tiles)`), so 26 failed tiles never read as the single frame "0".
 */
export function frameNumbers(frames: readonly FrameInfo[], max = 12): string {
  const numbers: number[] = [];
  const unnumbered: string[] = [];
  const tiles = new Map<number, number>();
  for (const frame of frames) {
    const tile = tileOf(frame);
    if (tile !== undefined) tiles.set(tile, (tiles.get(tile) ?? 0) + 1);
    const range = frameRangeOf(frame);
    if (range && countNumbers(range) <= 10_000) for (let n = range.start; n <= range.end; n += range.step) numbers.push(n);
    else if (frame.frameIndex) unnumbered.push(frame.frameIndex);
  }
  const withTiles = (range: string) => (/^\d+$/.test(range) && tiles.has(Number(range)) ? `${range} (${tiles.get(Number(range))} tiles)` : range);
  const ranges = [...compressNumbers(numbers).map(withTiles), ...unnumbered];
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')} and ${ranges.length - max} more ranges` : ranges.join(', ');
}

/** What a frame's render log says about its failure. */
export interface Diagnosis {
  /** The error code the log names (`ERROR 15002: ...`), if any. */
  code?: string;
  /** The error line, and the software's own words on the line before it. */
  line?: string;
  context?: string;
}

/** Reads one failed frame's render log (first and last page, as get_render_log does) and keeps its last error. */
export async function diagnose(ctx: ToolContext, frameId: number): Promise<Diagnosis> {
  const { errors } = await readRenderLog(ctx, { frameId, page: 1, pageSize: 200, renderingType: 'render' });
  const at = errors.findLastIndex((e) => e.code !== undefined);
  const error = errors[at] ?? errors.at(-1);
  if (!error) return {};
  // The software's words sit on the line before the coded error; when that line reads as an error itself, it is
  // listed as one just before it.
  const before = at > 0 && errors[at - 1]!.code === undefined ? errors[at - 1]!.line : undefined;
  const context = error.context ?? before;
  return { ...(error.code ? { code: error.code } : {}), line: error.line, ...(context ? { context } : {}) };
}

/** Up to `count` items spread evenly over a list (first, ..., last), so a sample is not just the first frames. */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

/** Runs tasks at most `limit` at a time (one limiter per call, shared by all its tasks). */
export function limiter(limit = LOG_CONCURRENCY) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
export type Limiter = ReturnType<typeof limiter>;

/** One failed frame and its cause. */
export interface FrameCause extends FailedFrame {
  /** The error code, UNKNOWN_CAUSE or NOT_READ. */
  code: string;
  /** Its own log said so, or it shares the code every sampled frame of its status named. */
  inferred: boolean;
  timedOut: boolean;
  /** Resubmitted before and failed again (`recommitFlag` ≥ 1). */
  failedAgain: boolean;
}

export interface TaskFailures {
  task: TaskInfo;
  frames: FrameCause[];
  /** Render logs read. */
  logsRead: number;
  /** The software's words and the error line, per code, from the first log that named it. */
  examples: Map<string, Diagnosis>;
  complete: boolean;
}

/** The failed frames of a task and the cause of each (see the budget above). Unreadable logs count as unknown. */
export async function analyseFailures(ctx: ToolContext, task: TaskInfo, limit: Limiter = limiter()): Promise<TaskFailures> {
  const { failed, complete } = await failedFramesOf(ctx, task);
  const examples = new Map<string, Diagnosis>();
  const codes = new Map<FailedFrame, string>();
  let logsRead = 0;
  const read = (frames: readonly FailedFrame[]) =>
    Promise.all(
      frames.map((f) =>
        limit(async () => {
          let diagnosis: Diagnosis = {};
          try {
            diagnosis = await diagnose(ctx, f.frame.id);
          } catch (error) {
            if (!(error instanceof RayvisionError) || ctx.signal.aborted) throw error;
          }
          logsRead++;
          const code = diagnosis.code ?? UNKNOWN_CAUSE;
          codes.set(f, code);
          if (!examples.has(code) && (diagnosis.line || diagnosis.context)) examples.set(code, diagnosis);
        }),
      ),
    );
  const inferred = new Set<FailedFrame>();
  for (const status of FAILED_FRAME_CODES) {
    const group = failed.filter((f) => f.frame.frameStatus === status);
    const sample = spread(group, SAMPLE);
    await read(sample);
    if (group.length <= sample.length) continue;
    const sampled = new Set(sample.map((f) => codes.get(f)));
    const rest = group.filter((f) => !codes.has(f));
    if (sampled.size === 1 && !sampled.has(UNKNOWN_CAUSE)) {
      const [code] = sampled;
      for (const f of rest) {
        codes.set(f, code!);
        inferred.add(f);
      }
    } else {
      await read(rest.slice(0, Math.max(0, LOGS_PER_TASK - logsRead)));
    }
  }
  const frames = failed.map((f) => ({
    ...f,
    code: codes.get(f) ?? NOT_READ,
    inferred: inferred.has(f),
    timedOut: f.frame.frameStatus === 11,
    failedAgain: (f.frame.recommitFlag ?? 0) > 0,
  }));
  return { task, frames, logsRead, examples, complete };
}

/**
 * Explains error codes as get_analysis_error_detail does (one request for all of them). A farm that cannot explain
 * them leaves the causes unexplained rather than failing the workflow; the note says so.
 */
export async function explainCodes(ctx: ToolContext, codes: readonly string[]): Promise<{ explained: Map<string, ErrorDetail>; note?: string }> {
  const wanted = [...new Set(codes.filter((code) => code !== UNKNOWN_CAUSE && code !== NOT_READ))].slice(0, 50);
  const explained = new Map<string, ErrorDetail>();
  if (wanted.length === 0) return { explained };
  try {
    for (const entry of await explainErrorCodes(ctx, wanted)) explained.set(entry.code, entry);
    return { explained };
  } catch (error) {
    if (!(error instanceof RayvisionError) || ctx.signal.aborted) throw error;
    return { explained, note: `The error codes could not be explained: ${error.message}` };
  }
}

export type CauseSummary = {
  code: string;
  /** Every failed frame with this cause, inferred ones included. */
  frames: number;
  tasks: number[];
  /** Whether resubmitting helps, and why (support/retry.ts). */
  retry: Verdict;
  why: string;
  /** Frames whose cause was inferred from a sample of their status. */
  inferred?: number;
  /** Frames that had already been resubmitted and failed again. */
  failed_again?: number;
  severity?: string;
  description?: string;
  fix?: string;
  example?: string;
};

/** The causes of some tasks' failed frames, merged, most frames first, explained and judged. */
export async function judgeCauses(ctx: ToolContext, analyses: readonly TaskFailures[]): Promise<{ causes: CauseSummary[]; note?: string }> {
  const all = analyses.flatMap((a) => a.frames);
  const { explained, note } = await explainCodes(
    ctx,
    all.map((f) => f.code),
  );
  const byCode = new Map<string, FrameCause[]>();
  for (const f of all) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  const causes = [...byCode].map(([code, frames]): CauseSummary => {
    const info = explained.get(code);
    const example = analyses.map((a) => a.examples.get(code)).find(Boolean);
    const judged =
      code === NOT_READ
        ? { verdict: 'unknown' as const, why: `their logs were not read (more than ${LOGS_PER_TASK} failed frames of differing causes in one task)` }
        : judgeCause({
            ...(info?.description ? { description: info.description } : {}),
            ...(info?.solution ? { solution: info.solution } : {}),
            lines: [example?.context, example?.line].filter((line): line is string => Boolean(line)),
            timedOut: frames.every((f) => f.timedOut),
          });
    const inferred = frames.filter((f) => f.inferred).length;
    const again = frames.filter((f) => f.failedAgain).length;
    const description = info?.description ?? (code === UNKNOWN_CAUSE ? 'the render log names no error code' : undefined);
    const words = example?.context ?? example?.line;
    return {
      code,
      frames: frames.length,
      tasks: [...new Set(analyses.filter((a) => a.frames.some((f) => f.code === code)).map((a) => a.task.id))],
      retry: judged.verdict,
      why: judged.why,
      ...(inferred ? { inferred } : {}),
      ...(again ? { failed_again: again } : {}),
      ...(info?.severity ? { severity: info.severity } : {}),
      ...(description ? { description } : {}),
      ...(info?.solution ? { fix: info.solution } : {}),
      ...(words ? { example: words } : {}),
    };
  });
  return { causes: causes.sort((a, b) => b.frames - a.frames), ...(note ? { note } : {}) };
}

export interface ResubmitPlan {
  resubmit: FrameCause[];
  held: (FrameCause & { reason: HoldReason })[];
}

/** Which failed frames of a task a resubmission sends, and which it holds back and why (support/retry.ts). */
export function planResubmission(analysis: TaskFailures, causes: readonly CauseSummary[], include: ReadonlySet<HoldReason> = new Set()): ResubmitPlan {
  const verdicts = new Map(causes.map((c) => [c.code, c.retry]));
  const plan: ResubmitPlan = { resubmit: [], held: [] };
  for (const frame of analysis.frames) {
    const reason = holdReason(verdicts.get(frame.code) ?? 'unknown', frame.failedAgain);
    if (reason && !include.has(reason)) plan.held.push({ ...frame, reason });
    else plan.resubmit.push(frame);
  }
  return plan;
}

/** The causes as a TSV, one row per cause, and the software's words for each below it. */
export function causesText(causes: readonly CauseSummary[]): string {
  const columns = ['code', 'frames', 'tasks', 'retry', 'failed_again', 'inferred', 'description', 'fix'];
  const rows = causes.map((c) => [c.code, c.frames, c.tasks.length, `${VERDICT_WORDS[c.retry]}: ${c.why}`, c.failed_again, c.inferred, c.description, c.fix]);
  // Columns empty in every row (no repeats, no explanations) are left out.
  const kept = columns.map((_, i) => i).filter((i) => rows.some((row) => row[i] !== undefined));
  const table = tsv(
    kept.map((i) => columns[i]!),
    rows.map((row) => kept.map((i) => row[i])),
  );
  const examples = causes.filter((c) => c.example).map((c) => `${c.code}: ${c.example}`);
  return examples.length ? `${table}\nIn the logs:\n${farmData(examples.join('\n'))}` : table;
}
