import { setMaxListeners } from 'node:events';
import type { Paged, TaskInfo } from '../../client/types.js';
import type { ToolContext } from '../define.js';

/**
 * Groups of task status codes (api-catalog §2.1) the workflows and resources ask the farm for, so that a list
 * request fetches only the tasks that matter.
 */

/** Tasks that move on their own: waiting, rendering, pre-rendering, being analysed, submitted or updated. */
export const ACTIVE_STATUS_CODES: readonly number[] = [0, 5, 8, 50, 60, 100];

/**
 * Statuses that can hold failed frames. Left out: finished (25: every frame done), abandoned (35: nothing can be
 * resubmitted) and the statuses of tasks without frames (50, 60, 65, 100).
 */
export const FAILABLE_STATUS_CODES: readonly number[] = [0, 5, 8, 10, 15, 20, 23, 30, 40, 45, 70];

/** Statuses a person reads as "went wrong": finished with failed frames, failed, failed to submit. */
export const FAILURE_STATUS_CODES: readonly number[] = [30, 45, 65];

/** Frame status codes of failed frames: failed (5) and timed out (11); the farm's counters count both as failed. */
export const FAILED_FRAME_CODES: ReadonlySet<number> = new Set([5, 11]);

export interface TaskQuery {
  statusList?: readonly number[];
  startTime?: string | undefined;
  endTime?: string | undefined;
}

/** Biggest task page the tools ask for (the SDK documents no maximum; 100 is what its helpers use). */
export const TASK_PAGE_SIZE = 100;

/**
 * Every task matching a query: the first page gives the total, the other pages are requested together (the
 * connector bounds how many are in flight). `onPage` is called with the number fetched so far.
 */
export async function listAllTasks(
  ctx: ToolContext,
  query: TaskQuery,
  options: { maxPages: number; onPage?: (fetched: number, total: number) => Promise<void> | void },
): Promise<{ tasks: TaskInfo[]; total: number; complete: boolean }> {
  const ask = (pageNum: number) =>
    ctx.call<Paged<TaskInfo> | null>('get_task_list', { pageNum, pageSize: TASK_PAGE_SIZE, statusList: query.statusList ? [...query.statusList] : undefined, startTime: query.startTime, endTime: query.endTime });
  const first = await ask(1);
  const pages: TaskInfo[][] = [first?.items ?? []];
  const total = first?.total ?? pages[0]!.length;
  let fetched = pages[0]!.length;
  await options.onPage?.(fetched, total);
  const wanted = Math.min(options.maxPages, Math.ceil(total / TASK_PAGE_SIZE));
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, wanted - 1) }, async (_, i) => {
      const items = (await ask(i + 2))?.items ?? [];
      fetched += items.length;
      await options.onPage?.(fetched, total);
      return items;
    }),
  );
  pages.push(...rest);
  // Keyed by id: a task that moves between pages while they are read is counted once.
  const byId = new Map<number, TaskInfo>();
  for (const task of pages.flat()) if (!byId.has(task.id)) byId.set(task.id, task);
  return { tasks: [...byId.values()], total, complete: wanted * TASK_PAGE_SIZE >= total };
}

/**
 * Workflows send many requests at once under one cancellation signal, each of which listens to it; that is by
 * design, so Node's warning about many listeners (meant to catch leaks) is lifted for that signal.
 */
export function allowFanOut(signal: AbortSignal): void {
  setMaxListeners(0, signal);
}

/** Progress notifications that only ever go up, as MCP requires, whatever order concurrent steps finish in. */
export function monotonicProgress(ctx: ToolContext) {
  let last = -1;
  return async (progress: number, total: number | undefined, message: string) => {
    if (progress <= last) return;
    last = progress;
    await ctx.progress(progress, total, message);
  };
}
