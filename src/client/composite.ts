/**
 * The SDK-only helpers (get_small_task_id, get_all_frames, get_custome_frames), composed from real operations so
 * that tools and later workflows share one implementation. Nothing here formats text; callers decide that.
 */
import { TransportError } from './errors.js';
import type { OperationId } from './operations.js';
import type { FrameInfo, Paged, TaskInfo } from './types.js';

/** Calls one operation and returns its `data` (ToolContext.call, or a connector bound to a signal). */
export type Caller = <T = unknown>(operation: OperationId, body?: Record<string, unknown>) => Promise<T>;

/** get_task_info is documented as List<TaskInfo>, but every example returns the paged object: accept both. */
export function taskItems(data: Paged<TaskInfo> | TaskInfo[] | null | undefined): TaskInfo[] {
  return Array.isArray(data) ? data : (data?.items ?? []);
}

/** One task by id, searched among the answer's parents and their child tasks. */
export async function findTask(call: Caller, taskId: number): Promise<TaskInfo | undefined> {
  const data = await call<Paged<TaskInfo> | TaskInfo[] | null>('get_task_info', { taskIds: [taskId] });
  const visit = (tasks: readonly TaskInfo[]): TaskInfo | undefined => {
    for (const task of tasks) {
      if (task.id === taskId) return task;
      const found = visit(task.respRenderingTaskList ?? []);
      if (found) return found;
    }
    return undefined;
  };
  return visit(taskItems(data));
}

export interface Subtasks {
  /** Undefined when the farm does not know the task. */
  task?: TaskInfo;
  children: TaskInfo[];
  /** Child ids; a task without children lists itself, as the SDK's get_small_task_id is used (frames live there). */
  ids: number[];
}

/** SDK `get_small_task_id`: get_task_info, then `respRenderingTaskList[].id`. */
export async function getSubtaskIds(call: Caller, taskId: number): Promise<Subtasks> {
  const task = await findTask(call, taskId);
  const children = task?.respRenderingTaskList ?? [];
  return { ...(task ? { task } : {}), children, ids: children.length ? children.map((child) => child.id) : [taskId] };
}

/** The SDK's page size maximum for frames. */
export const MAX_FRAME_PAGE_SIZE = 100;
/** Pages fetched at most by getAllTaskFrames (20,000 frames at 100 a page); the SDK allows 2,000 pages. */
export const MAX_FRAME_PAGES = 200;

export interface AllFramesOptions {
  pageSize?: number;
  maxPages?: number;
  /** searchKeyword: the "several frames on one machine" group name. */
  keyword?: string;
  /** Stops between pages (the HTTP call itself is cancelled through the caller's own signal). */
  signal?: AbortSignal;
  /** Called after each page with the frames fetched so far and the total when the farm gives one. */
  onPage?: (fetched: number, total: number | undefined, page: number) => void | Promise<void>;
}

export interface AllFrames {
  frames: FrameInfo[];
  /** The farm's total, or the number fetched when it gives none. */
  total: number;
  pages: number;
  /** False when the page bound stopped the loop before the end. */
  complete: boolean;
}

/**
 * SDK `get_all_frames`: get_task_frames page by page until a page comes back empty or the farm's total is reached
 * (one request fewer than the SDK, which always reads the empty page), within `maxPages`.
 */
export async function getAllTaskFrames(call: Caller, taskId: number, options: AllFramesOptions = {}): Promise<AllFrames> {
  const pageSize = Math.min(options.pageSize ?? MAX_FRAME_PAGE_SIZE, MAX_FRAME_PAGE_SIZE);
  const maxPages = options.maxPages ?? MAX_FRAME_PAGES;
  const byId = new Map<number, FrameInfo>();
  let total: number | undefined;
  let pages = 0;
  let complete = false;
  while (pages < maxPages) {
    if (options.signal?.aborted) {
      throw new TransportError('get_task_frames', 'aborted', `Paging the frames of task ${taskId} was cancelled after ${plural(pages, 'page')}.`, { sent: false });
    }
    pages++;
    const data = await call<Paged<FrameInfo> | null>('get_task_frames', {
      taskId,
      pageNum: pages,
      pageSize,
      searchKeyword: options.keyword,
    });
    const items = data?.items ?? [];
    if (typeof data?.total === 'number') total = data.total;
    // Frames are keyed by id so a list that shifts between pages cannot count a frame twice.
    for (const frame of items) byId.set(frame.id, frame);
    await options.onPage?.(byId.size, total, pages);
    if (items.length === 0 || (total !== undefined && byId.size >= total)) {
      complete = true;
      break;
    }
  }
  return { frames: [...byId.values()], total: complete ? byId.size : Math.max(total ?? 0, byId.size), pages, complete };
}

/** A frame number range: `6`, `7-9`, `7-9[2]` (every 2nd frame), the way the farm writes frameIndex. */
export interface FrameRange {
  start: number;
  end: number;
  step: number;
}

const RANGE = /(\d{1,9})(?:\s*-\s*(\d{1,9}))?(?:\s*\[(\d{1,9})\])?$/;

/** Parses a requested range (`6`, `7-9`, `7-9[1]`); undefined when the text is not one. */
export function parseFrameRange(text: string): FrameRange | undefined {
  const trimmed = text.trim();
  const match = RANGE.exec(trimmed);
  if (!match || match.index !== 0) return undefined;
  return toRange(match);
}

/** The frame numbers a frameIndex covers (`0-1`, `2-4[1]`, `12`; a leading node path is ignored). */
export function frameIndexRange(frameIndex: string | null | undefined): FrameRange | undefined {
  const match = frameIndex ? RANGE.exec(frameIndex.trim()) : null;
  return match ? toRange(match) : undefined;
}

/**
 * The frame numbers a frame renders. A still split into tiles writes `<frame>-<block>` (seed example "0-1" with
 * frameBlock "1"), so an index ending in its own block number is that one frame; anything else is read as a range.
 */
export function frameRangeOf(frame: Pick<FrameInfo, 'frameIndex' | 'frameBlock'>): FrameRange | undefined {
  const index = frame.frameIndex?.trim();
  const block = frame.frameBlock?.trim();
  const tile = index && block ? /(\d{1,9})-(\d{1,9})$/.exec(index) : null;
  if (tile && tile[2] === block) return { start: Number(tile[1]), end: Number(tile[1]), step: 1 };
  return frameIndexRange(index);
}

function toRange(match: RegExpExecArray): FrameRange | undefined {
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  const step = match[3] === undefined ? 1 : Number(match[3]);
  if (end < start || step < 1) return undefined;
  return { start, end, step };
}

function* numbersOf(range: FrameRange): Generator<number> {
  for (let n = range.start; n <= range.end; n += range.step) yield n;
}

/** Frame numbers a request may name at most (a guard against `1-999999999`). */
export const MAX_REQUESTED_FRAME_NUMBERS = 100_000;

export function countNumbers(range: FrameRange): number {
  return Math.floor((range.end - range.start) / range.step) + 1;
}

export interface FramesByNumber {
  /** Matching frames, each once, in the farm's order. */
  frames: FrameInfo[];
  /** Requested numbers (compressed to ranges) or frameIndex strings that match no frame. */
  unmatched: string[];
}

/**
 * SDK `get_custome_frames`, made forgiving: a request equal to a frame's frameIndex (`7-9[1]`) picks that frame; any
 * other request is read as frame numbers, and picks every frame that renders one of them (a chunk `7-9[1]` is
 * picked by `8`, every tile of still 12 by `12`). Requests are expected to be valid ranges (see parseFrameRange).
 */
export function framesByNumber(frames: readonly FrameInfo[], requests: readonly string[]): FramesByNumber {
  const byIndex = new Map<string, FrameInfo[]>();
  const byNumber = new Map<number, FrameInfo[]>();
  const push = <K>(map: Map<K, FrameInfo[]>, key: K, frame: FrameInfo) => {
    const list = map.get(key);
    if (list) list.push(frame);
    else map.set(key, [frame]);
  };
  for (const frame of frames) {
    const index = frame.frameIndex?.trim();
    if (!index) continue;
    push(byIndex, index, frame);
    const range = frameRangeOf(frame);
    if (range && countNumbers(range) <= MAX_REQUESTED_FRAME_NUMBERS) for (const n of numbersOf(range)) push(byNumber, n, frame);
  }
  const picked = new Set<FrameInfo>();
  const unmatched: string[] = [];
  for (const request of requests) {
    const exact = byIndex.get(request.trim());
    if (exact) {
      exact.forEach((frame) => picked.add(frame));
      continue;
    }
    const range = parseFrameRange(request);
    if (!range) {
      unmatched.push(request);
      continue;
    }
    const missing: number[] = [];
    for (const n of numbersOf(range)) {
      const hits = byNumber.get(n);
      if (hits) hits.forEach((frame) => picked.add(frame));
      else missing.push(n);
    }
    unmatched.push(...compressNumbers(missing));
  }
  return { frames: frames.filter((frame) => picked.has(frame)), unmatched };
}

/** [1,2,3,7,9,10] → ['1-3', '7', '9-10'] */
export function compressNumbers(numbers: readonly number[]): string[] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out;
}

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;
