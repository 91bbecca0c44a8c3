import { z } from 'zod';
import type { TaskInfo } from '../../client/api/index.js';
import { RefusedError, defineTool, type Preview, type ToolContext } from '../define.js';
import { estimateCost, estimateText, framesLeft } from '../support/cost.js';
import { blocks, duration, plural } from '../support/format.js';
import { previewTasks, summarizeTask, taskLine } from '../support/records.js';
import { costlyFields, destructiveOutput, doneAnswer, previewFirst } from '../safety.js';
import { taskId, taskIds } from '../support/schema.js';

const toolset = 'tasks';

/** Output of the task writes that need no preview: what was changed and one sentence about it. */
const writeOutput = () => ({ task_ids: z.array(z.number()), message: z.string() });

const costlyOutput = () => ({ dry_run: z.boolean(), tasks: z.array(z.record(z.string(), z.unknown())), message: z.string(), ...costlyFields });

const FINISHED = new Set([25, 30, 45, 70]);
const UNSTARTED = new Set([50, 60, 65, 100]);
const ACTIVE = new Set([0, 5, 8]);

/** Why a task cannot be started (resumed), or undefined when it can. */
function whyNotStart(task: TaskInfo): string | undefined {
  const status = task.taskStatus ?? -1;
  if (task.isDelete === 0) return 'it is deleted (in the recycle bin)';
  if (status === 35) return 'it is abandoned';
  if (FINISHED.has(status)) return 'it is finished, so nothing is left to start (resubmit its frames instead)';
  if (ACTIVE.has(status)) return 'it is already waiting or rendering';
  if (UNSTARTED.has(status)) return 'it has no frames yet';
  if (framesLeft(task) === 0) return 'it has no frames left to render';
  return undefined;
}

/** Why a task cannot switch to full speed, or undefined when it can. */
function whyNotFullSpeed(task: TaskInfo): string | undefined {
  const status = task.taskStatus ?? -1;
  if (task.isDelete === 0) return 'it is deleted (in the recycle bin)';
  if (status === 35) return 'it is abandoned';
  if (FINISHED.has(status)) return 'it is finished';
  return undefined;
}

/** A costly task batch (start, full speed): each task as it is now, whether it can take the action, the estimate. */
async function taskBatch(ctx: ToolContext, ids: readonly number[], verb: string, why: (task: TaskInfo) => string | undefined) {
  const { tasks, missing } = await ctx.api.tasks.find(ids);
  const rows = tasks.map((task) => ({ task, reason: why(task) }));
  const ready = rows.filter((row) => !row.reason).map((row) => row.task);
  const estimate = await estimateCost(
    ctx,
    ready.map((task) => ({ task, frames: framesLeft(task) })),
  );
  const lines = [
    ...rows.map(({ task, reason }) => `${taskLine(task)}: ${reason ? `cannot ${verb}, ${reason}` : `${plural(framesLeft(task), 'frame')} left to render`}`),
    ...missing.map((id) => `${id}: not found on the farm`),
  ];
  const items = [
    ...rows.map(({ task, reason }) => ({ ...summarizeTask(task), ...(reason ? { cannot: reason } : { frames_left: framesLeft(task) }) })),
    ...missing.map((id) => ({ id, status: 'not_found', cannot: 'not found on the farm' })),
  ];
  const skipped = items.length - ready.length;
  const preview: Preview = {
    action: `${verb} ${plural(ready.length, 'task')}`,
    lines,
    items,
    estimate,
    ...(ready.length === 0
      ? { blocked: `${items.length === 1 ? 'This task cannot' : 'None of these tasks can'} ${verb === 'start' ? 'be started' : verb}` }
      : {}),
  };
  return { preview, ready, skipped };
}

/** The answer of a costly batch: "would" (dry run), "cannot" (nothing would work), or done. */
async function costlyBatch(
  tool: string,
  ctx: ToolContext,
  ids: readonly number[],
  dry: boolean,
  verb: string,
  why: (task: TaskInfo) => string | undefined,
  act: (ready: number[]) => Promise<unknown>,
) {
  const { preview, ready, skipped } = await taskBatch(ctx, ids, verb, why);
  const estimate = preview.estimate!;
  const structured = { tasks: preview.items, estimate };
  if (preview.blocked) {
    if (!dry) throw new RefusedError(`${tool} did nothing: ${preview.blocked} (${preview.lines.join('; ')}). Nothing was sent.`);
    const message = `Dry run: nothing was changed. ${preview.blocked}, so calling again with dry_run false would do nothing.`;
    return { text: blocks(`Cannot ${verb}:\n${preview.lines.join('\n')}`, message), structured: { dry_run: true, ...structured, message } };
  }
  const skipNote = skipped ? ` The other ${plural(skipped, 'task')} would be left as they are (see above).` : '';
  if (dry) {
    const message = `Dry run: nothing was changed. Call again with dry_run false to ${preview.action} (billed).${skipNote}`;
    return {
      text: blocks(`Would ${preview.action}:\n${preview.lines.join('\n')}`, estimateText(estimate), message),
      structured: { dry_run: true, ...structured, message },
    };
  }
  await act(ready.map((task) => task.id));
  const message = `${verb === 'start' ? 'Started' : 'Switched'} ${plural(ready.length, 'task')}${verb === 'start' ? '' : ' to full speed'} (${ready.map((t) => t.id).join(', ')})${skipped ? `; ${plural(skipped, 'task')} left as they were` : ''}.`;
  return { text: blocks(message, preview.lines.join('\n'), estimateText(estimate)), structured: { dry_run: false, ...structured, message } };
}

export const stopTask = defineTool({
  toolset,
  operation: 'stop_task',
  description: 'Stop (pause) rendering of tasks; resume later with start_task.',
  input: () => ({ task_ids: taskIds }),
  output: writeOutput,
  idempotent: true,
  handler: async (args, ctx) => {
    await ctx.api.tasks.stop({ taskIds: args.task_ids });
    const message = `Stopped ${plural(args.task_ids.length, 'task')} (${args.task_ids.join(', ')}); start_task resumes them.`;
    return { text: message, structured: { task_ids: args.task_ids, message } };
  },
});

export const startTask = defineTool({
  toolset,
  operation: 'start_task',
  description: 'Start or resume stopped tasks; billed. Previews frames and cost unless dry_run is false.',
  input: () => ({ task_ids: taskIds, dry_run: previewFirst }),
  output: costlyOutput,
  preview: async (args, ctx) => (await taskBatch(ctx, args.task_ids, 'start', whyNotStart)).preview,
  handler: (args, ctx) => costlyBatch('start_task', ctx, args.task_ids, args.dry_run, 'start', whyNotStart, (ids) => ctx.api.tasks.start({ taskIds: ids })),
});

export const abandonTask = defineTool({
  toolset,
  operation: 'abandon_task',
  description: 'Abandon tasks for good; unfinished frames never render. Asks for confirmation.',
  input: () => ({ task_ids: taskIds }),
  output: destructiveOutput,
  idempotent: true,
  preview: (args, ctx) => previewTasks(ctx, args.task_ids, `abandon ${plural(args.task_ids.length, 'task')}`),
  handler: async (args, ctx) => {
    await ctx.api.tasks.abandon({ taskIds: args.task_ids });
    const message = `Abandoned ${plural(args.task_ids.length, 'task')}; they will not render further.`;
    return doneAnswer(
      message,
      args.task_ids.map((id) => ({ id })),
    );
  },
});

export const deleteTask = defineTool({
  toolset,
  operation: 'delete_task',
  description: 'Delete tasks into the recycle bin (get_task_list deleted=true). Asks for confirmation first.',
  input: () => ({ task_ids: taskIds }),
  output: destructiveOutput,
  idempotent: true,
  preview: (args, ctx) => previewTasks(ctx, args.task_ids, `delete ${plural(args.task_ids.length, 'task')}`),
  handler: async (args, ctx) => {
    await ctx.api.tasks.delete({ taskIds: args.task_ids });
    const message = `Deleted ${plural(args.task_ids.length, 'task')}; ${args.task_ids.length === 1 ? 'it is' : 'they are'} in the recycle bin (get_task_list with deleted=true).`;
    return doneAnswer(
      message,
      args.task_ids.map((id) => ({ id })),
    );
  },
});

export const setTaskOvertimeStop = defineTool({
  toolset,
  operation: 'set_task_overtime_stop',
  description: 'Stop tasks automatically once they render longer than this.',
  input: () => ({
    task_ids: taskIds,
    stop_after_seconds: z.number().int().min(60).max(31_536_000).describe('Seconds (1800 = 30 min)'),
  }),
  output: () => ({ ...writeOutput(), stop_after_seconds: z.number() }),
  idempotent: true,
  handler: async (args, ctx) => {
    await ctx.api.tasks.setOvertimeStop({ taskIds: args.task_ids, overTime: args.stop_after_seconds });
    const message = `${plural(args.task_ids.length, 'task')} (${args.task_ids.join(', ')}) will be stopped after ${duration(args.stop_after_seconds)} of rendering.`;
    return { text: message, structured: { task_ids: args.task_ids, stop_after_seconds: args.stop_after_seconds, message } };
  },
});

export const fullSpeedRender = defineTool({
  toolset,
  operation: 'full_speed_render',
  description: 'Let tasks use as many nodes as the farm gives; billed faster. Previews unless dry_run=false.',
  input: () => ({ task_ids: taskIds, dry_run: previewFirst }),
  output: costlyOutput,
  preview: async (args, ctx) => (await taskBatch(ctx, args.task_ids, 'switch to full speed', whyNotFullSpeed)).preview,
  handler: (args, ctx) =>
    costlyBatch('full_speed_render', ctx, args.task_ids, args.dry_run, 'switch to full speed', whyNotFullSpeed, (ids) =>
      ctx.api.tasks.fullSpeed({ taskIds: ids }),
    ),
});

export const updateTaskPriority = defineTool({
  toolset,
  operation: 'update_task_priority',
  description: "Set a task's priority level (documented: 50 default, 60).",
  input: () => ({ task_id: taskId, priority: z.number().int().min(0).max(100).describe('Level, e.g. 60') }),
  output: () => ({ ...writeOutput(), priority: z.number() }),
  idempotent: true,
  handler: async (args, ctx) => {
    await ctx.api.tasks.setPriority({ taskId: args.task_id, taskUserLevel: args.priority });
    const message = `Task ${args.task_id} now has priority ${args.priority}.`;
    return { text: message, structured: { task_ids: [args.task_id], priority: args.priority, message } };
  },
});

export const updateTaskLimit = defineTool({
  toolset,
  operation: 'update_task_limit',
  description: 'Set the most render nodes a task may use at once.',
  input: () => ({ task_id: taskId, node_limit: z.number().int().min(1).max(10_000).describe('Most nodes at once') }),
  output: () => ({ ...writeOutput(), node_limit: z.number() }),
  idempotent: true,
  handler: async (args, ctx) => {
    await ctx.api.tasks.setNodeLimit({ taskId: args.task_id, taskLimit: args.node_limit });
    const message = `Task ${args.task_id} may now use at most ${plural(args.node_limit, 'node')} at once.`;
    return { text: message, structured: { task_ids: [args.task_id], node_limit: args.node_limit, message } };
  },
});
