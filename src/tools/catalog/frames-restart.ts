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
import { RefusedError, defineTool, type Preview, type ToolContext } from '../define.js';
import { estimateCost, estimateText } from '../support/cost.js';
import { blocks, plural } from '../support/format.js';
import { frameTable, noFramesReason, pagingWithProgress } from '../support/frames.js';
import { frameItem, summarizeFrame, summarizeTask, taskLine, type FrameSummary } from '../support/records.js';
import { costlyFields, previewFirst } from '../safety.js';
import { FRAME_STATUS_CODE, frameIds, frameStatusFilter, item, matchesFrameFilter, taskId, taskIds, type FrameFilterStatus } from '../support/schema.js';
import { FAILED_FRAME_CODES } from '../support/task-sets.js';

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

/** Why frames of a task cannot be resubmitted (the farm refuses these), or undefined when they can. */
function whyNotRestart(task: TaskInfo): string | undefined {
  if (task.isDelete === 0) return 'it is deleted (in the recycle bin)';
  if (task.taskStatus === 35) return 'it is abandoned';
  return undefined;
}

/** Frames of a task in the given statuses, read frame by frame from the tasks that hold them (as the write picks them). */
async function framesInStatus(api: FarmApi, task: TaskInfo, codes: ReadonlySet<number>): Promise<number> {
  const owners = task.respRenderingTaskList?.length ? task.respRenderingTaskList.map((child) => child.id) : [task.id];
  let count = 0;
  for (const owner of owners) {
    const { frames } = await api.frames.allAtOnce(owner);
    count += frames.filter((frame) => codes.has(frame.frameStatus ?? -1)).length;
  }
  return count;
}

/**
 * What restart_failed_frames would resubmit. "Failed" is one rule for every restart tool (FAILED_FRAME_CODES: failed
 * and timed out, both counted as failed by the task's counters); a caller may choose other statuses.
 */
async function failedFramesPlan(ctx: ToolContext, args: { task_ids: number[]; status?: FrameFilterStatus[] | undefined }) {
  refuseStatusChoice(ctx, 'restart_failed_frames', args.status);
  const codes: ReadonlySet<number> = new Set(args.status ? args.status.map((name) => FRAME_STATUS_CODE[name]) : FAILED_FRAME_CODES);
  const words = args.status ? args.status.join('/') : 'failed or timed-out';
  const ids = [...new Set(args.task_ids)];
  const { tasks, missing } = await ctx.api.tasks.find(ids);
  if (tasks.length === 0) throw new RefusedError(`No task with id ${ids.join(', ')} exists on the farm; nothing was resubmitted.`);
  const counted = [];
  for (const task of tasks) {
    const reason = whyNotRestart(task);
    counted.push({ task, reason, frames: reason ? 0 : await framesInStatus(ctx.api, task, codes) });
  }
  const targets = counted.filter((t) => t.frames > 0);
  const frames = targets.reduce((sum, t) => sum + t.frames, 0);
  const estimate = await estimateCost(ctx, targets);
  const rows = counted.map(({ task, reason, frames: n }) => ({ ...summarizeTask(task), frames: n, ...(reason ? { cannot: reason } : {}) }));
  const lines = counted.map(({ task, reason, frames: n }) => `${taskLine(task)}: ${reason ? `cannot be resubmitted, ${reason}` : plural(n, `${words} frame`)}`);
  const notes = [
    missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined,
    targets.length && targets.length < counted.length
      ? `Left out (no ${words} frames, or cannot be resubmitted): ${counted
          .filter((t) => t.frames === 0)
          .map((t) => t.task.id)
          .join(', ')}.`
      : undefined,
  ];
  const preview: Preview = {
    action: `resubmit ${plural(frames, `${words} frame`)} of ${plural(targets.length, 'task')}`,
    lines,
    items: rows,
    estimate,
    ...(frames === 0 ? { blocked: `No ${words} frames to resubmit in task ${counted.map((t) => t.task.id).join(', ')}` } : {}),
  };
  return { preview, targets, frames, rows, notes, codes, words };
}

export const restartFailedFrames = defineTool({
  toolset,
  operation: 'restart_failed_frames',
  description: 'Resubmit failed and timed-out (or chosen) frames of tasks; billed. Previews unless dry_run=false.',
  input: () => ({ task_ids: taskIds, status: statuses.describe('Default: failed and timed_out'), dry_run: previewFirst }),
  output: () => ({
    dry_run: z.boolean(),
    tasks: z.array(item({ id: z.number(), frames: z.number() })),
    frames: z.number(),
    message: z.string(),
    ...costlyFields,
  }),
  preview: async (args, ctx) => (await failedFramesPlan(ctx, args)).preview,
  handler: async (args, ctx) => {
    const { preview, targets, frames, rows, notes, codes } = await failedFramesPlan(ctx, args);
    const estimate = preview.estimate!;
    if (preview.blocked) {
      if (!args.dry_run) throw new RefusedError(`${preview.blocked}; nothing was sent.`);
      const message = `Dry run: nothing was resubmitted. ${preview.blocked}.`;
      return { text: blocks(preview.lines.join('\n'), ...notes, message), structured: { dry_run: true, tasks: rows, frames, estimate, message } };
    }
    if (args.dry_run) {
      const message = `Dry run: nothing was resubmitted. Call again with dry_run false to ${preview.action} (billed).`;
      return {
        text: blocks(preview.lines.join('\n'), ...notes, estimateText(estimate), message),
        structured: { dry_run: true, tasks: rows, frames, estimate, message },
      };
    }
    // Wire: the SDK omits status (the farm's "failed frames", which may or may not take in timed-out ones: not
    // documented); the statuses counted are sent, so the write resubmits what the preview showed. The classic dialect
    // has no status: its farm resubmits its own failed frames.
    const sent = ctx.api.frames.takesStatus('restart_failed_frames') ? [...codes] : undefined;
    await ctx.api.frames.restartFailed(
      targets.map((t) => t.task.id),
      sent,
    );
    const message = `Resubmitted ${preview.action.replace(/^resubmit /, '')}; follow them with get_task_info.`;
    return {
      text: blocks(message, preview.lines.join('\n'), ...notes, estimateText(estimate)),
      structured: { dry_run: false, tasks: rows, frames, estimate, message },
    };
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

/**
 * Frames chosen for a resubmission and what it would bill: frames already waiting are sent but do not render again
 * (the farm skips them), every other chosen frame renders again and is billed again.
 */
async function chosenPreview(ctx: ToolContext, taskId: number, picked: readonly FrameSummary[], action: string): Promise<Preview> {
  const { tasks } = await ctx.api.tasks.find([taskId]);
  const task = tasks[0];
  const billed = picked.filter((frame) => !frame.status.startsWith('waiting')).length;
  const estimate = await estimateCost(ctx, task ? [{ task, frames: billed }] : []);
  const reason = task ? whyNotRestart(task) : `no task with id ${taskId} exists on the farm`;
  return {
    action,
    lines: [task ? taskLine(task) : String(taskId), ...picked.slice(0, LISTED).map((f) => `${f.id}  frame ${f.frame ?? '?'}  ${f.status}`)],
    items: picked.slice(0, LISTED),
    estimate,
    ...(reason
      ? { blocked: `Task ${taskId} cannot have frames resubmitted: ${reason}` }
      : picked.length === 0
        ? { blocked: `No frame of task ${taskId} was chosen` }
        : {}),
  };
}

/** The frames restart_frames would send, read from the farm (ids, or all frames, optionally by status). */
async function selectedFrames(ctx: ToolContext, args: Selection) {
  const all = await ctx.api.frames.all(args.task_id, pagingWithProgress(ctx));
  if (all.frames.length === 0) throw new RefusedError(`${await noFramesReason(ctx, args.task_id)} Nothing to resubmit.`);
  const wantedIds = args.frame_ids ? new Set(args.frame_ids) : undefined;
  const picked = all.frames.map(summarizeFrame).filter((f) => (wantedIds ? wantedIds.has(f.id) : !args.status || matchesFrameFilter(f.status, args.status)));
  const unknown = args.frame_ids?.filter((id) => !picked.some((f) => f.id === id)) ?? [];
  return { picked, unknown };
}

export const restartFrames = defineTool({
  toolset,
  operation: 'restart_frames',
  description: 'Resubmit frames of a task by frame id, or all; billed. Previews unless dry_run=false.',
  input: () => ({ ...selectionInput, dry_run: previewFirst }),
  output: () => ({ ...selectionOutput, ...costlyFields }),
  preview: async (args, ctx) => {
    frameSelection('restart_frames', args);
    const { picked } = await selectedFrames(ctx, args);
    return chosenPreview(ctx, args.task_id, picked, `resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}`);
  },
  handler: async (args, ctx) => {
    frameSelection('restart_frames', args);
    refuseStatusChoice(ctx, 'restart_frames', args.status);
    if (args.dry_run) {
      const { picked, unknown } = await selectedFrames(ctx, args);
      const preview = await chosenPreview(ctx, args.task_id, picked, `resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}`);
      const message = preview.blocked
        ? `Dry run: nothing was resubmitted. ${preview.blocked}.`
        : `Dry run: nothing was resubmitted. Call again with dry_run false to ${preview.action} (billed).`;
      return {
        text: blocks(
          `${preview.blocked ? 'Cannot resubmit' : 'Would resubmit'} ${plural(picked.length, 'frame')} of task ${args.task_id}${picked.length > LISTED ? ` (first ${LISTED} listed)` : ''}:`,
          picked.length ? frameTable(picked.slice(0, LISTED), { currency: ctx.api.account.currency }) : undefined,
          unknown.length ? `Not frames of task ${args.task_id}: ${unknown.join(', ')}.` : undefined,
          estimateText(preview.estimate!),
          message,
        ),
        structured: { dry_run: true, task_id: args.task_id, frames: picked.slice(0, LISTED), count: picked.length, estimate: preview.estimate!, message },
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

/** The frames restart_frames_by_number would send: the task's frames whose numbers match. */
async function framesByNumbers(ctx: ToolContext, taskId: number, numbers: readonly string[]) {
  const all = await ctx.api.frames.all(taskId, pagingWithProgress(ctx));
  if (all.frames.length === 0) throw new RefusedError(`${await noFramesReason(ctx, taskId)} Nothing was resubmitted.`);
  const { frames, unmatched } = framesByNumber(all.frames, numbers);
  if (frames.length === 0) {
    throw new RefusedError(`No frame of task ${taskId} matches ${numbers.join(', ')} (its frames run ${frameSpan(all.frames)}); nothing was resubmitted.`);
  }
  return { frames, picked: frames.map(summarizeFrame), unmatched };
}

export const restartFramesByNumber = defineTool({
  toolset,
  operation: 'restart_frames_by_number',
  description: 'Resubmit frames of a task by number or range; billed. Previews unless dry_run=false.',
  input: () => ({
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
    dry_run: previewFirst,
  }),
  output: () => ({ ...selectionOutput, unmatched: z.array(z.string()).optional(), ...costlyFields }),
  preview: async (args, ctx) => {
    const { picked } = await framesByNumbers(ctx, args.task_id, args.frames);
    return chosenPreview(ctx, args.task_id, picked, `resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}`);
  },
  handler: async (args, ctx) => {
    const { frames, picked, unmatched } = await framesByNumbers(ctx, args.task_id, args.frames);
    const unmatchedNote = unmatched.length ? `No frame of task ${args.task_id} matches: ${unmatched.join(', ')}.` : undefined;
    const listing = frameTable(picked.slice(0, LISTED), { currency: ctx.api.account.currency });
    const more = picked.length > LISTED ? `${picked.length - LISTED} more not listed.` : undefined;
    const base = { task_id: args.task_id, frames: picked.slice(0, LISTED), count: picked.length, ...(unmatched.length ? { unmatched } : {}) };
    if (args.dry_run) {
      const preview = await chosenPreview(ctx, args.task_id, picked, `resubmit ${plural(picked.length, 'frame')} of task ${args.task_id}`);
      const message = preview.blocked
        ? `Dry run: nothing was resubmitted. ${preview.blocked}.`
        : `Dry run: nothing was resubmitted. Call again with dry_run false to ${preview.action} (billed).`;
      return {
        text: blocks(
          `${preview.blocked ? 'Cannot resubmit' : 'Would resubmit'} ${plural(picked.length, 'frame')}:`,
          listing,
          more,
          unmatchedNote,
          estimateText(preview.estimate!),
          message,
        ),
        structured: { dry_run: true, ...base, estimate: preview.estimate!, message },
      };
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
