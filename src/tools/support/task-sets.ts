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

/** Progress notifications that only ever go up, as MCP requires, whatever order concurrent steps finish in. */
export function monotonicProgress(ctx: ToolContext) {
  let last = -1;
  return async (progress: number, total: number | undefined, message: string) => {
    if (progress <= last) return;
    last = progress;
    await ctx.progress(progress, total, message);
  };
}
