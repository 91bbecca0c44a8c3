import { compressNumbers, countNumbers, frameRangeOf, tileOf, type FrameInfo, type TaskInfo } from '../../client/api/index.js';
import { RayvisionError } from '../../client/errors.js';
import type { ToolContext } from '../define.js';
import { explainErrorCodes, type ErrorDetail } from './error-codes.js';
import { tsv } from './format.js';
import { frameCounts } from './records.js';
import { readRenderLog } from './render-log.js';
import { FAILED_FRAME_CODES } from './task-sets.js';

/**
 * Failed frames and their causes, shared by triage_failures, resubmit_failures and the task resource. Frames are
 * read page by page (the API has no status filter), render logs only for failed frames and only for a sample.
 */

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
    failed: read.flatMap(({ leaf, frames }) => frames.filter((frame) => FAILED_FRAME_CODES.has(frame.frameStatus ?? -1)).map((frame) => ({ taskId: leaf.id, frame }))),
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

/** `unknown` groups the failures whose log names no code, or that could not be read. */
export const UNKNOWN_CAUSE = 'unknown';

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

export interface Cause {
  code: string;
  /** Failed frames whose log names this cause (among the logs read). */
  frames: number;
  /** Of those, frames that had already been resubmitted and failed again. */
  repeated: number;
  /** The software's own words for one of them. */
  example?: string;
}

export interface TaskFailures {
  task: TaskInfo;
  failed: FailedFrame[];
  /** Logs read (the sample). */
  sampled: number;
  causes: Cause[];
  complete: boolean;
}

/**
 * The failed frames of a task and their causes, from the render logs of at most `sample` of them (spread over the
 * task). Unreadable logs count as unknown causes rather than failing the whole analysis.
 */
export async function analyseFailures(ctx: ToolContext, task: TaskInfo, sample: number): Promise<TaskFailures> {
  const { failed, complete } = await failedFramesOf(ctx, task);
  const chosen = spread(failed, sample);
  const diagnoses = await Promise.all(
    chosen.map(async ({ frame }) => {
      try {
        return { frame, diagnosis: await diagnose(ctx, frame.id) };
      } catch (error) {
        if (error instanceof RayvisionError && !ctx.signal.aborted) return { frame, diagnosis: {} as Diagnosis };
        throw error;
      }
    }),
  );
  const byCode = new Map<string, Cause>();
  for (const { frame, diagnosis } of diagnoses) {
    const code = diagnosis.code ?? UNKNOWN_CAUSE;
    const cause = byCode.get(code) ?? { code, frames: 0, repeated: 0 };
    cause.frames++;
    if ((frame.recommitFlag ?? 0) > 0) cause.repeated++;
    const words = diagnosis.context ?? diagnosis.line;
    if (!cause.example && words) cause.example = words;
    byCode.set(code, cause);
  }
  return { task, failed, sampled: chosen.length, causes: [...byCode.values()].sort((a, b) => b.frames - a.frames), complete };
}

/**
 * Explains error codes as get_analysis_error_detail does (one request for all of them). A farm that cannot explain
 * them leaves the causes unexplained rather than failing the workflow; the note says so.
 */
export async function explainCodes(ctx: ToolContext, codes: readonly string[]): Promise<{ explained: Map<string, ErrorDetail>; note?: string }> {
  const wanted = [...new Set(codes.filter((code) => code !== UNKNOWN_CAUSE))].slice(0, 50);
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
  frames: number;
  tasks: number[];
  repeated?: number;
  severity?: string;
  description?: string;
  fix?: string;
  example?: string;
};

/** Causes merged over tasks, most frames first, with their explanations. */
export function mergeCauses(analyses: readonly TaskFailures[], explained: ReadonlyMap<string, ErrorDetail>): CauseSummary[] {
  const merged = new Map<string, CauseSummary>();
  for (const analysis of analyses) {
    for (const cause of analysis.causes) {
      const entry = merged.get(cause.code) ?? { code: cause.code, frames: 0, tasks: [] };
      entry.frames += cause.frames;
      if (cause.repeated) entry.repeated = (entry.repeated ?? 0) + cause.repeated;
      if (!entry.tasks.includes(analysis.task.id)) entry.tasks.push(analysis.task.id);
      if (!entry.example && cause.example) entry.example = cause.example;
      merged.set(cause.code, entry);
    }
  }
  return [...merged.values()]
    .sort((a, b) => b.frames - a.frames)
    .map((entry) => {
      const info = explained.get(entry.code);
      return {
        ...entry,
        ...(info?.severity ? { severity: info.severity } : {}),
        ...(info?.description ? { description: info.description } : entry.code === UNKNOWN_CAUSE ? { description: 'the render log names no error code' } : {}),
        ...(info?.solution ? { fix: info.solution } : {}),
      };
    });
}

/** The causes as a TSV, one row per cause, and the software's words for each below it. */
export function causesText(causes: readonly CauseSummary[]): string {
  const columns = ['code', 'frames', 'tasks', 'failed_again', 'description', 'fix'];
  const rows = causes.map((c) => [c.code, c.frames, c.tasks.length, c.repeated, c.description, c.fix]);
  // Columns empty in every row (no repeats, no explanations) are left out.
  const kept = columns.map((_, i) => i).filter((i) => rows.some((row) => row[i] !== undefined));
  const table = tsv(
    kept.map((i) => columns[i]!),
    rows.map((row) => kept.map((i) => row[i])),
  );
  const examples = causes.filter((c) => c.example).map((c) => `${c.code}: ${c.example}`);
  return examples.length ? `${table}\nIn the logs:\n${examples.join('\n')}` : table;
}
