import { z } from 'zod';
import { framesByNumber } from '../../client/api/index.js';
import { RefusedError, defineTool } from '../define.js';
import { blocks, plural } from '../support/format.js';
import { frameNumberList, frameTable, noFramesReason, pagingWithProgress } from '../support/frames.js';
import { frameItem, summarizeFrame } from '../support/records.js';
import { FRAME_STATUS_CODE, frameIds, frameStatusFilter, taskId } from '../support/schema.js';

/** Frames listed at most in the answer. */
const LISTED = 100;

/**
 * stop_task_frames takes the frames as the SDK's stop_frame does (frame ids, or all frames by status) or by number
 * as its frame_number_to_stop does: numbers and ranges are mapped to the frames' ids (get_all_task_frames), then
 * sent as `selectAll: 0` with those `ids` (sdk-reference §4, query.py).
 */
export const stopTaskFrames = defineTool({
  toolset: 'frames',
  operation: 'stop_task_frames',
  description: 'Stop frames of a task: by frame id, by number or range (6, 7-9), or all of them.',
  input: () => ({
    task_id: taskId,
    frame_ids: frameIds.optional(),
    frames: frameNumberList.optional(),
    all_frames: z.boolean().default(false).describe('Instead of frame_ids or frames'),
    status: frameStatusFilter.optional().describe('With all_frames: only these'),
  }),
  output: () => ({
    task_id: z.number(),
    count: z.number(),
    frames: z.array(frameItem).optional(),
    unmatched: z.array(z.string()).optional(),
    message: z.string(),
  }),
  idempotent: true,
  handler: async (args, ctx) => {
    const chosen = [args.frame_ids !== undefined, args.frames !== undefined, args.all_frames].filter(Boolean).length;
    if (chosen !== 1)
      throw new RefusedError('stop_task_frames needs one of frame_ids, frames (numbers such as 6 or 7-9) or all_frames: true; nothing was sent.');
    if (args.status && !args.all_frames) throw new RefusedError('stop_task_frames: status applies only with all_frames: true; nothing was sent.');
    if (args.frames) {
      const all = await ctx.api.frames.all(args.task_id, pagingWithProgress(ctx));
      if (all.frames.length === 0) throw new RefusedError(`${await noFramesReason(ctx, args.task_id)} Nothing was stopped.`);
      const { frames, unmatched } = framesByNumber(all.frames, args.frames);
      if (frames.length === 0) throw new RefusedError(`No frame of task ${args.task_id} matches ${args.frames.join(', ')}; nothing was sent.`);
      await ctx.api.frames.stop({ taskId: args.task_id, selectAll: 0, ids: frames.map((frame) => frame.id) });
      const picked = frames.map(summarizeFrame);
      const message = `Stopped ${plural(picked.length, 'frame')} of task ${args.task_id}; restart_frames resumes them.`;
      return {
        text: blocks(
          message,
          frameTable(picked.slice(0, LISTED), { currency: ctx.api.account.currency }),
          picked.length > LISTED ? `${picked.length - LISTED} more not listed.` : undefined,
          unmatched.length ? `No frame of task ${args.task_id} matches: ${unmatched.join(', ')}.` : undefined,
        ),
        structured: { task_id: args.task_id, count: picked.length, frames: picked.slice(0, LISTED), ...(unmatched.length ? { unmatched } : {}), message },
      };
    }
    await ctx.api.frames.stop({
      taskId: args.task_id,
      selectAll: args.all_frames ? 1 : 0,
      ids: args.frame_ids,
      status: args.status?.map((name) => FRAME_STATUS_CODE[name]),
    });
    const what = args.frame_ids ? plural(args.frame_ids.length, 'frame') : `all${args.status ? ` ${args.status.join('/')}` : ''} frames`;
    const message = `Stopped ${what} of task ${args.task_id}; restart_frames resumes them.`;
    return { text: message, structured: { task_id: args.task_id, count: args.frame_ids?.length ?? 0, message } };
  },
});
