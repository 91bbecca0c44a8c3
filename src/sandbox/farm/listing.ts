import { FarmError } from '../types.js';
import { PLATFORM } from './account.js';
import type { ActionContext } from './actions.js';
import { frameIndex, frameRecord } from './frames.js';
import type { IdList } from './index-list.js';
import type { Farm } from './index.js';
import type { Task } from './model.js';
import { intArg, pageBounds, pageOf, timeBound } from './paging.js';
import { taskRecord } from './records.js';
import { ensureFrames } from './render.js';
import type { TaskStore } from './store.js';

/**
 * The account-wide reads (task list, frames of a task, frame stats), answered from the store's indexes so that
 * their cost follows the size of the answer, not the number of tasks on the account.
 */

/** Frames per page at most, as the SDK's get_all_frames notes ("maximum 100"). */
const MAX_FRAME_PAGE = 100;

/**
 * Top-level tasks (layers inside `respRenderingTaskList`), newest first, filtered like the platform: status list,
 * keyword (scene name, id or alias, also of a layer), submit-time range, recycle bin. Paging defaults follow the
 * docs (page 1, one task per page); the SDK always sends both.
 */
export function taskList(farm: Farm, { args, now }: ActionContext): unknown {
  const store = farm.store;
  store.syncAll(now);
  const statuses = [...new Set((args.statusList as number[] | undefined) ?? [])];
  const keyword = typeof args.searchKeyword === 'string' ? args.searchKeyword.trim().toLowerCase() : '';
  const from = timeBound(args, 'startTime');
  const to = timeBound(args, 'endTime');
  const deleted = args.recycleFlag === 1;
  const pageSize = intArg(args, 'pageSize', 1);
  const { number, start } = pageBounds(intArg(args, 'pageNum', 1), pageSize);
  const windowed = from !== undefined || to !== undefined;
  let total: number;
  let tasks: Task[];
  if (keyword || deleted || (windowed && !store.submitOrdered)) {
    // Filtered from a small candidate set: the keyword's matches, the recycle bin, or (rarely) everything.
    const wanted = (task: Task) =>
      !task.reserved &&
      task.isDelete === (deleted ? 0 : 1) &&
      (statuses.length === 0 || statuses.includes(task.status)) &&
      (from === undefined || task.submitDate >= from) &&
      (to === undefined || task.submitDate <= to);
    const ids = keyword ? keywordMatches(store, keyword, wanted) : idsOf(deleted ? store.recycleBin.items : store.listed.items, wanted);
    ids.sort();
    total = ids.length;
    tasks = [];
    for (let i = ids.length - 1 - start; i >= 0 && tasks.length < pageSize; i--) tasks.push(store.task(ids[i]!)!);
  } else {
    const lists = statuses.length ? statuses.map((status) => store.withStatus(status)).filter((list): list is IdList => list !== undefined) : [store.listed];
    const ranges = lists.map((list) => ({
      list,
      low: from === undefined ? 0 : list.firstSubmittedFrom(from),
      high: to === undefined ? list.length : list.afterSubmittedUntil(to),
    }));
    total = ranges.reduce((sum, range) => sum + Math.max(0, range.high - range.low), 0);
    tasks = newestFirst(
      ranges.filter((range) => range.high > range.low),
      start,
      pageSize,
    );
  }
  const items = tasks.map((task) => taskRecord(task, store, farm.labels, now));
  return pageOf(items, total, number, pageSize);
}

interface Range {
  list: IdList;
  /** Positions [low, high) of the list are in the answer. */
  low: number;
  high: number;
}

/** Positions start..start+count of the union of the ranges, newest (highest id) first, without walking the rest. */
function newestFirst(ranges: readonly Range[], start: number, count: number): Task[] {
  if (ranges.length === 1) {
    const { list, low, high } = ranges[0]!;
    const out: Task[] = [];
    for (let i = high - 1 - start; i >= low && out.length < count; i--) out.push(list.items[i]!);
    return out;
  }
  if (ranges.length === 0) return [];
  // Ids are distinct across the lists (one status each): the task at position `start` has the smallest id v with
  // at most `start` tasks above it, found by bisecting on ids.
  const above = (id: number) => ranges.reduce((sum, { list, low, high }) => sum + high - Math.max(low, list.upperBound(id, low, high)), 0);
  let lowId = Math.min(...ranges.map(({ list, low }) => list.items[low]!.id)) - 1;
  let highId = Math.max(...ranges.map(({ list, high }) => list.items[high - 1]!.id));
  if (above(lowId) <= start) return [];
  while (lowId < highId) {
    const mid = Math.floor((lowId + highId) / 2);
    if (above(mid) <= start) highId = mid;
    else lowId = mid + 1;
  }
  const cursors = ranges.map(({ list, low, high }) => Math.max(low, list.upperBound(highId, low, high)) - 1);
  const out: Task[] = [];
  while (out.length < count) {
    let best = -1;
    for (let r = 0; r < ranges.length; r++) {
      if (cursors[r]! < ranges[r]!.low) continue;
      if (best < 0 || ranges[r]!.list.items[cursors[r]!]!.id > ranges[best]!.list.items[cursors[best]!]!.id) best = r;
    }
    if (best < 0) break;
    out.push(ranges[best]!.list.items[cursors[best]!]!);
    cursors[best]!--;
  }
  return out;
}

/** Ids of the tasks that pass `wanted`, in no particular order. */
function idsOf(tasks: readonly Task[], wanted: (task: Task) => boolean): Int32Array {
  const ids = new Int32Array(tasks.length);
  let n = 0;
  for (const task of tasks) if (wanted(task)) ids[n++] = task.id;
  return ids.subarray(0, n);
}

/**
 * Ids of the top-level tasks a keyword matches that pass `wanted` (in no particular order): their scene name
 * contains it, or their id or alias (`2W<id>`), or a layer's, does.
 */
function keywordMatches(store: TaskStore, keyword: string, wanted: (task: Task) => boolean): Int32Array {
  const scenes = [...store.byScene].filter(([scene]) => scene.includes(keyword)).map(([, list]) => list.items);
  const byId = new Set<Task>();
  for (const id of idMatches(store, keyword)) {
    const task = store.task(id)!;
    const top = task.parentId ? store.task(task.parentId)! : task;
    // A task found by its scene name is counted there already.
    if (!top.sceneName.toLowerCase().includes(keyword)) byId.add(top);
  }
  const ids = new Int32Array(scenes.reduce((sum, items) => sum + items.length, byId.size));
  let n = 0;
  for (const items of scenes) for (const task of items) if (wanted(task)) ids[n++] = task.id;
  for (const task of byId) if (wanted(task)) ids[n++] = task.id;
  return ids.subarray(0, n);
}

/** Ids of every task (layers included) whose id or lower-cased alias contains `keyword`. */
function idMatches(store: TaskStore, keyword: string): readonly number[] {
  const ids = store.allIds();
  const prefix = String(PLATFORM);
  const aliasForm = /^(\d*)w(\d*)$/.exec(keyword);
  if (aliasForm) {
    // "2w356…": the part before the W ends the platform number, the part after it starts the id.
    const [, before, digits] = aliasForm;
    return prefix.endsWith(before!) ? withPrefix(ids, digits!) : [];
  }
  if (!/^\d+$/.test(keyword)) return [];
  if (prefix.includes(keyword)) return ids;
  const longest = String(ids.at(-1) ?? 0).length;
  if (keyword.length >= longest) {
    const id = Number(keyword);
    return store.task(id) ? [id] : [];
  }
  // Part of a number: searched in one string of every id (a rare search; whole ids and aliases need no scan).
  const text = store.idText();
  const out: number[] = [];
  for (let at = text.indexOf(keyword); at >= 0; ) {
    const begin = text.lastIndexOf('|', at) + 1;
    const end = text.indexOf('|', at);
    out.push(Number(text.slice(begin, end)));
    at = text.indexOf(keyword, end);
  }
  return out;
}

/** Ids whose decimal form starts with `digits` (every id for ''), by binary search per id length. */
function withPrefix(ids: readonly number[], digits: string): readonly number[] {
  if (digits === '') return ids;
  const out: number[] = [];
  const head = Number(digits);
  for (let scale = 1, length = digits.length; length <= 16; scale *= 10, length++) {
    const low = head * scale;
    const high = (head + 1) * scale;
    if (low > (ids.at(-1) ?? 0)) break;
    for (let i = lowerBound(ids, low); i < ids.length && ids[i]! < high; i++) out.push(ids[i]!);
  }
  return out;
}

function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Frames of a task (of all its layers for a parent), in frame order; `searchKeyword` filters on the frame index. */
export function taskFrames(farm: Farm, { args, now }: ActionContext): unknown {
  const store = farm.store;
  const task = store.task(args.taskId as number);
  if (!task || task.reserved) throw new FarmError(404, `task ${String(args.taskId)} does not exist`);
  store.sync(task, now);
  const keyword = typeof args.searchKeyword === 'string' ? args.searchKeyword.trim() : '';
  const pageSize = Math.min(MAX_FRAME_PAGE, intArg(args, 'pageSize', 10));
  const { number, start } = pageBounds(intArg(args, 'pageNum', 1), pageSize);
  const leaves = store.leaves(task).filter((leaf) => leaf.totalFrames > 0);
  const items: Record<string, unknown>[] = [];
  if (keyword) {
    const matching = leaves.flatMap((leaf) =>
      ensureFrames(leaf, store)
        .filter((frame) => frameIndex(leaf, frame.k).includes(keyword))
        .map((frame) => ({ leaf, frame })),
    );
    for (const { leaf, frame } of matching.slice(start, start + pageSize)) items.push(frameRecord(leaf, frame, now));
    return pageOf(items, matching.length, number, pageSize);
  }
  let skip = start;
  for (const leaf of leaves) {
    if (items.length >= pageSize) break;
    if (skip >= leaf.totalFrames) {
      skip -= leaf.totalFrames;
      continue;
    }
    const frames = ensureFrames(leaf, store);
    for (let k = skip; k < frames.length && items.length < pageSize; k++) items.push(frameRecord(leaf, frames[k]!, now));
    skip = 0;
  }
  return pageOf(
    items,
    leaves.reduce((sum, leaf) => sum + leaf.totalFrames, 0),
    number,
    pageSize,
  );
}

/** Account-wide frame counters over every task not in the recycle bin (kept up to date by the store). */
export function frameStats(farm: Farm, now: number): Record<string, number> {
  farm.store.syncAll(now);
  const totals = farm.store.totals;
  return {
    executingFramesTotal: totals.running,
    doneFramesTotal: totals.done,
    failedFramesTotal: totals.failed,
    waitingFramesTotal: totals.waiting,
    abandonFramesTotal: totals.stopped,
    totalFrames: totals.totalFrames,
  };
}
