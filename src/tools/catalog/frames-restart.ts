import { z } from 'zod';
import {
  MAX_REQUESTED_FRAME_NUMBERS,
  countNumbers,
  frameRangeOf,
  framesByNumber,
  parseFrameRange,
  type FarmApi,
  type FrameInfo,
  type TaskInfo,
} from '../../client/api/index.js';
import type { BodyOf } from '../../client/operations.js';
import { RefusedError, defineTool, type ToolContext } from '../define.js';
import { blocks, plural } from '../support/format.js';
import { frameTable, noFramesReason, pagingWithProgress } from '../support/frames.js';
import { frameCounts, frameItem, summarizeFrame, summarizeTask } from '../support/records.js';
import {
  FRAME_STATUS_CODE,
  dryRun,
  frameIds,
  frameStatusFilter,
  item,
  matchesFrameFilter,
  taskId,
  taskIds,
  type FrameFilterStatus,
} from '../support/schema.js';

const toolset = 'frames';

/** Frames listed at most in a dry run or a confirmation. */
const LISTED = 100;

const statuses = frameStatusFilter.optional();

/** Frame statuses a dialect without `status` (classic) cannot choose: it resubmits failed frames only. */
function refuseStatusChoice(ctx: ToolContext, tool: 'restart_failed_frames' | 'restart_frames', status: readonly FrameFilterStatus[] | undefined) {
  if (!ctx.api.frames.takesStatus(tool) && status && !(status.length === 1 && status[0] === 'failed')) {
    throw new RefusedError(`${tool} cannot choose frame statuses on the classic API scheme (it has no status parameter); leave status out. Nothing was sent.`);
  }
}

const COUNTERS: Partial<Record<FrameFilterStatus, 'failed' | 'done' | 'rendering'>> = { failed: 'failed', done: 'done', rendering: 'rendering' };

/** Frames of a task in the given statuses: from the task's counters when they tell, otherwise by reading its frames. */
async function framesInStatus(api: FarmApi, task: TaskInfo, status: readonly FrameFilterStatus[]): Promise<number> {
  if (status.every((name) => COUNTERS[name])) {
    const counts = frameCounts(task);
    return status.reduce((sum, name) => sum + counts[COUNTERS[name]!], 0);
  }
  const owners = task.respRenderingTaskList?.length ? task.respRenderingTaskList.map((child) => child.id) : [task.id];
  // Exact codes, as the farm will match them (here `waiting` is status 1 only, not the waiting_* ones).
  const codes = new Set<number>(status.map((name) => FRAME_STATUS_CODE[name]));
  let count = 0;
  for (const owner of owners) {
    const { frames } = await api.frames.all(owner);
    count += frames.filter((frame) => codes.has(frame.frameStatus ?? -1)).length;
  }
  return count;
}

export const restartFailedFrames = defineTool({
  toolset,
  operation: 'restart_failed_frames',
  description: 'Resubmit failed (or chosen-status) frames of tasks; billed. dry_run counts them.',
  input: { task_ids: taskIds, status: statuses.describe('Default: failed'), dry_run: dryRun },
  output: {
    dry_run: z.boolean(),
    tasks: z.array(item({ id: z.number(), frames: z.number() })),
    frames: z.number(),
    message: z.string(),
  },
  handler: async (args, ctx) => {
    refuseStatusChoice(ctx, 'restart_failed_frames', args.status);
    const status = args.status ?? ['failed'];
    const words = status.join('/');
    const ids = [...new Set(args.task_ids)];
    const { tasks, missing } = await ctx.api.tasks.find(ids);
    if (tasks.length === 0) throw new RefusedError(`No task with id ${ids.join(', ')} exists on the farm; nothing was resubmitted.`);
    const counted = [];
    for (const task of tasks) counted.push({ ...summarizeTask(task), frames: await framesInStatus(ctx.api, task, status) });
    const targets = counted.filter((task) => task.frames > 0);
    const frames = targets.reduce((sum, task) => sum + task.frames, 0);
    const lines = counted.map((t) => `${t.id}  ${t.scene ?? ''}  ${t.status}  ${plural(t.frames, `${words} frame`)}`.replace(/ {3,}/g, '  '));
    const notes = [
      missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined,
      targets.length < counted.length ? `Skipped (no ${words} frames): ${counted.filter((t) => t.frames === 0).map((t) => t.id).join(', ')}.` : undefined,
    ];
    if (!args.dry_run && targets.length === 0) {
      throw new RefusedError(`No ${words} frames to resubmit in task ${counted.map((t) => t.id).join(', ')}; nothing was sent.`);
    }
    if (args.dry_run) {
      const message = `Dry run: nothing was resubmitted. ${frames ? `Call again with dry_run false to resubmit ${plural(frames, 'frame')} of ${plural(targets.length, 'task')}.` : `There are no ${words} frames to resubmit.`}`;
      return { text: blocks(lines.join('\n'), ...notes, message), structured: { dry_run: true, tasks: counted, frames, message } };
    }
    // The status goes only when chosen (omitted = failed frames, as the SDK does); the API adds it where required.
    await ctx.api.frames.restartFailed(
      targets.map((t) => t.id),
      args.status?.map((name) => FRAME_STATUS_CODE[name]),
    );
    const message = `Resubmitted ${plural(frames, `${words} frame`)} of ${plural(targets.length, 'task')}; follow them with get_task_info.`;
    return { text: blocks(message, lines.join('\n'), ...notes), structured: { dry_run: false, tasks: counted, frames, message } };
  },
});

/** restart_frames and stop_task_frames take the same arguments: frame ids, or all frames (optionally by status). */
function frameSelection(tool: string, args: { frame_ids?: number[] | undefined; all_frames: boolean; status?: FrameFilterStatus[] | undefined }) {
  if (args.all_frames === (args.frame_ids !== undefined)) {
    throw new RefusedError(`${tool} needs either frame_ids or all_frames: true (not both); nothing was sent.`);
  }
  if (args.status && !args.all_frames) throw new RefusedError(`${tool}: status applies only with all_frames: true; nothing was sent.`);
}

const selectionInput = {
  task_id: taskId,
  frame_ids: frameIds.optional(),
  all_frames: z.boolean().default(false).describe('Instead of frame_ids'),
  status: statuses.describe('With all_frames: only these'),
};

type Selection = { task_id: number; frame_ids?: number[] | undefined; all_frames: boolean; status?: FrameFilterStatus[] | undefined };

function selectionBody(args: Selection): BodyOf<'restart_frames'> {
  return {
    taskId: args.task_id,
    selectAll: args.all_frames ? 1 : 0,
    ids: args.frame_ids,
    status: args.status?.map((name) => FRAME_STATUS_CODE[name]),
  };
}

const selectionOutput = { dry_run: z.boolean(), task_id: z.number(), frames: z.array(frameItem), count: z.number(), message: z.string() };

export const restartFrames = defineTool({
  toolset,
  operation: 'restart_frames',
  description: 'Resubmit frames of a task by frame id, or all of them; billed. dry_run lists them.',
  input: { ...selectionInput, dry_run: dryRun },
  output: selectionOutput,
  handler: async (args, ctx) => {
    frameSelection('restart_frames', args);
    refuseStatusChoice(ctx, 'restart_frames', args.status);
    if (args.dry_run) {
      const all = await ctx.api.frames.all(args.task_id, pagingWithProgress(ctx));
      if (all.frames.length === 0) throw new RefusedError(`${await noFramesReason(ctx, args.task_id)} Nothing to resubmit.`);
      const wantedIds = args.frame_ids ? new Set(args.frame_ids) : undefined;
      const wantedStatus = args.status;
      const picked = all.frames
        .map(summarizeFrame)
        .filter((f) => (wantedIds ? wantedIds.has(f.id) : !wantedStatus || matchesFrameFilter(f.status, wantedStatus)));
      const unknown = args.frame_ids?.filter((id) => !picked.some((f) => f.id === id)) ?? [];
      const message = `Dry run: nothing was resubmitted. Call again with dry_run false to resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}.`;
      return {
        text: blocks(
          `Would resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}${picked.length > LISTED ? ` (first ${LISTED} listed)` : ''}:`,
          picked.length ? frameTable(picked.slice(0, LISTED)) : undefined,
          unknown.length ? `Not frames of task ${args.task_id}: ${unknown.join(', ')}.` : undefined,
          message,
        ),
        structured: { dry_run: true, task_id: args.task_id, frames: picked.slice(0, LISTED), count: picked.length, message },
      };
    }
    await ctx.api.frames.restart(selectionBody(args));
    const what = args.frame_ids ? plural(args.frame_ids.length, 'frame') : `all${args.status ? ` ${args.status.join('/')}` : ''} frames`;
    const message = `Resubmitted ${what} of task ${args.task_id}; follow them with get_task_frames.`;
    const frames = (args.frame_ids ?? []).slice(0, LISTED).map((id) => ({ id, status: 'resubmitted' }));
    return { text: message, structured: { dry_run: false, task_id: args.task_id, frames, count: args.frame_ids?.length ?? 0, message } };
  },
});

/** `6`, `7-9`, `7-9[1]`: checked here so that a bad range never reaches the farm. */
const frameNumber = z
  .string()
  .trim()
  .refine((text) => parseFrameRange(text) !== undefined, 'use a frame number or range such as 6, 7-9 or 7-9[1]');

export const restartFramesByNumber = defineTool({
  toolset,
  operation: 'restart_frames_by_number',
  description: 'Resubmit frames of a task by number or range; billed. dry_run lists the matches.',
  input: {
    task_id: taskId,
    frames: z
      .array(frameNumber)
      .min(1)
      .max(200)
      .refine(
        (list) => list.reduce((sum, text) => sum + countNumbers(parseFrameRange(text) ?? { start: 0, end: 0, step: 1 }), 0) <= MAX_REQUESTED_FRAME_NUMBERS,
        `at most ${MAX_REQUESTED_FRAME_NUMBERS} frame numbers in all`,
      )
      .describe('Numbers or ranges: 6, 7-9, 7-9[1]'),
    dry_run: dryRun,
  },
  output: { ...selectionOutput, unmatched: z.array(z.string()).optional() },
  handler: async (args, ctx) => {
    const all = await ctx.api.frames.all(args.task_id, pagingWithProgress(ctx));
    if (all.frames.length === 0) throw new RefusedError(`${await noFramesReason(ctx, args.task_id)} Nothing was resubmitted.`);
    const { frames, unmatched } = framesByNumber(all.frames, args.frames);
    const picked = frames.map(summarizeFrame);
    const unmatchedNote = unmatched.length ? `No frame of task ${args.task_id} matches: ${unmatched.join(', ')}.` : undefined;
    if (picked.length === 0) {
      throw new RefusedError(`No frame of task ${args.task_id} matches ${args.frames.join(', ')} (its frames run ${frameSpan(all.frames)}); nothing was resubmitted.`);
    }
    const listing = frameTable(picked.slice(0, LISTED));
    const more = picked.length > LISTED ? `${picked.length - LISTED} more not listed.` : undefined;
    const base = { task_id: args.task_id, frames: picked.slice(0, LISTED), count: picked.length, ...(unmatched.length ? { unmatched } : {}) };
    if (args.dry_run) {
      const message = `Dry run: nothing was resubmitted. Call again with dry_run false to resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}.`;
      return { text: blocks(`Would resubmit ${plural(picked.length, 'frame')}:`, listing, more, unmatchedNote, message), structured: { dry_run: true, ...base, message } };
    }
    await ctx.api.frames.restart({ taskId: args.task_id, selectAll: 0, ids: frames.map((frame) => frame.id) });
    const message = `Resubmitted ${plural(picked.length, 'frame')} of task ${args.task_id}; follow them with get_task_frames.`;
    return { text: blocks(message, listing, more, unmatchedNote), structured: { dry_run: false, ...base, message } };
  },
});

/** `1-240` from the frames' own numbers, or their first and last frameIndex. */
function frameSpan(frames: readonly FrameInfo[]): string {
  const numbers = frames.map(frameRangeOf).filter((r) => r !== undefined);
  if (numbers.length === 0) return `${frames[0]?.frameIndex ?? '?'} to ${frames.at(-1)?.frameIndex ?? '?'}`;
  return `${Math.min(...numbers.map((r) => r.start))}-${Math.max(...numbers.map((r) => r.end))}`;
}
