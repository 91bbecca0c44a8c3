import { z } from 'zod';
import { MAX_REQUESTED_FRAME_NUMBERS, countNumbers, parseFrameRange, type AllFramesOptions } from '../../client/api/index.js';
import type { ToolContext } from '../define.js';
import { tsv } from './format.js';
import { costHeader, type FrameSummary } from './records.js';
import { taskStatusName } from './schema.js';

const COLUMNS = ['id', 'frame', 'status', 'block', 'type', 'started', 'render_time', 'cost', 'resubmits', 'error_code'] as const;

/**
 * A TSV of frames without the columns that are empty in every row (most tasks have no blocks, resubmits...); the
 * cost column names its currency when it is given, and `owners` puts the task holding each frame in front, for
 * frames read from several child tasks.
 */
export function frameTable(frames: readonly FrameSummary[], options: { currency?: string; owners?: readonly number[] } = {}): string {
  const { currency, owners } = options;
  const columns = COLUMNS.filter((column) => column === 'id' || frames.some((frame) => frame[column] !== undefined));
  return tsv(
    [...(owners ? ['task'] : []), ...columns.map((column) => (column === 'cost' ? costHeader(currency) : column))],
    frames.map((frame, i) => [...(owners ? [owners[i]] : []), ...columns.map((column) => frame[column])]),
  );
}

/**
 * Why a task shows no frames: frames belong to the child (layer or stage) tasks of a parent, or the task has none
 * yet. One extra read, made only when a task answered with no frames at all.
 */
export async function noFramesReason(ctx: ToolContext, taskId: number): Promise<string> {
  const { task, children } = await ctx.api.tasks.subtasks(taskId);
  if (!task) return `No task with id ${taskId} exists on the farm; check the id with get_task_list.`;
  if (children.length === 0) return `Task ${taskId} (${taskStatusName(task.taskStatus)}) has no frames yet.`;
  const list = children.map((child) => `${child.id}${child.taskType || child.layerName ? ` (${child.layerName || child.taskType})` : ''}`).join(', ');
  return `Task ${taskId} has no frames of its own; its frames belong to its child tasks ${list}: ask for one of those.`;
}

/** Paging options that report MCP progress (the API stops paging when the request is cancelled). */
export function pagingWithProgress(ctx: ToolContext): AllFramesOptions {
  return {
    onPage: (fetched, total) => ctx.progress(fetched, total, `fetched ${fetched}${total !== undefined ? ` of ${total}` : ''} frames`),
  };
}

/** Frame numbers and ranges (`6`, `7-9`, `7-9[1]`), checked here so that a bad range never reaches the farm. */
export const frameNumberList = z
  .array(
    z
      .string()
      .trim()
      .refine((text) => parseFrameRange(text) !== undefined, 'use a frame number or range such as 6, 7-9 or 7-9[1]'),
  )
  .min(1)
  .max(200)
  .refine(
    (list) => list.reduce((sum, text) => sum + countNumbers(parseFrameRange(text) ?? { start: 0, end: 0, step: 1 }), 0) <= MAX_REQUESTED_FRAME_NUMBERS,
    `at most ${MAX_REQUESTED_FRAME_NUMBERS} frame numbers in all`,
  )
  .describe('Numbers or ranges: 6, 7-9, 7-9[1]');
