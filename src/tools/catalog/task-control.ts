import { z } from 'zod';
import { defineTool, type ToolContext } from '../define.js';
import { blocks, duration, plural } from '../support/format.js';
import { previewTasks } from '../support/records.js';
import { destructiveOutput, doneAnswer } from '../safety.js';
import { dryRun, taskId, taskIds } from '../support/schema.js';

const toolset = 'tasks';

/** Output of the task writes that need no preview: what was changed and one sentence about it. */
const writeOutput = { task_ids: z.array(z.number()), message: z.string() };

const costlyOutput = { dry_run: z.boolean(), tasks: z.array(z.record(z.string(), z.unknown())), message: z.string() };

/**
 * A costly task batch (start, full speed): the tasks as they are now, then either "would" (dry run, no write
 * request) or the action itself.
 */
async function costlyBatch(ctx: ToolContext, ids: number[], dry: boolean, verb: string, act: () => Promise<unknown>, done: string) {
  const preview = await previewTasks(ctx, ids, `${verb} ${plural(ids.length, 'task')}`);
  if (dry) {
    const message = `Dry run: nothing was changed. Call again with dry_run false to ${preview.action}.`;
    return { text: blocks(`Would ${preview.action}:\n${preview.lines.join('\n')}`, message), structured: { dry_run: true, tasks: preview.items, message } };
  }
  await act();
  return { text: blocks(done, preview.lines.join('\n')), structured: { dry_run: false, tasks: preview.items, message: done } };
}

export const stopTask = defineTool({
  toolset,
  operation: 'stop_task',
  description: 'Stop (pause) rendering of tasks; resume later with start_task.',
  input: { task_ids: taskIds },
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
  description: 'Start or resume stopped tasks; rendering is billed. dry_run shows what would start.',
  input: { task_ids: taskIds, dry_run: dryRun },
  output: costlyOutput,
  handler: (args, ctx) =>
    costlyBatch(
      ctx,
      args.task_ids,
      args.dry_run,
      'start',
      () => ctx.api.tasks.start({ taskIds: args.task_ids }),
      `Started ${plural(args.task_ids.length, 'task')}.`,
    ),
});

export const abandonTask = defineTool({
  toolset,
  operation: 'abandon_task',
  description: 'Abandon tasks for good; unfinished frames never render. Asks for confirmation.',
  input: { task_ids: taskIds },
  output: destructiveOutput,
  idempotent: true,
  preview: (args, ctx) => previewTasks(ctx, args.task_ids, `abandon ${plural(args.task_ids.length, 'task')}`),
  handler: async (args, ctx) => {
    await ctx.api.tasks.abandon({ taskIds: args.task_ids });
    const message = `Abandoned ${plural(args.task_ids.length, 'task')}; they will not render further.`;
    return doneAnswer(message, args.task_ids.map((id) => ({ id })));
  },
});

export const deleteTask = defineTool({
  toolset,
  operation: 'delete_task',
  description: 'Delete tasks into the recycle bin (get_task_list deleted=true). Asks for confirmation first.',
  input: { task_ids: taskIds },
  output: destructiveOutput,
  idempotent: true,
  preview: (args, ctx) => previewTasks(ctx, args.task_ids, `delete ${plural(args.task_ids.length, 'task')}`),
  handler: async (args, ctx) => {
    await ctx.api.tasks.delete({ taskIds: args.task_ids });
    const message = `Deleted ${plural(args.task_ids.length, 'task')}; ${args.task_ids.length === 1 ? 'it is' : 'they are'} in the recycle bin (get_task_list with deleted=true).`;
    return doneAnswer(message, args.task_ids.map((id) => ({ id })));
  },
});

export const setTaskOvertimeStop = defineTool({
  toolset,
  operation: 'set_task_overtime_stop',
  description: 'Stop tasks automatically once they render longer than this.',
  input: {
    task_ids: taskIds,
    stop_after_seconds: z.number().int().min(60).max(31_536_000).describe('Seconds (1800 = 30 min)'),
  },
  output: { ...writeOutput, stop_after_seconds: z.number() },
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
  description: 'Let tasks use as many nodes as the farm can give; billed faster. dry_run shows them.',
  input: { task_ids: taskIds, dry_run: dryRun },
  output: costlyOutput,
  handler: (args, ctx) =>
    costlyBatch(
      ctx,
      args.task_ids,
      args.dry_run,
      'switch to full speed',
      () => ctx.api.tasks.fullSpeed({ taskIds: args.task_ids }),
      `Switched ${plural(args.task_ids.length, 'task')} to full speed.`,
    ),
});

export const updateTaskPriority = defineTool({
  toolset,
  operation: 'update_task_priority',
  description: 'Set a task\'s priority level (documented: 50 default, 60).',
  input: { task_id: taskId, priority: z.number().int().min(0).max(100).describe('Level, e.g. 60') },
  output: { ...writeOutput, priority: z.number() },
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
  input: { task_id: taskId, node_limit: z.number().int().min(1).max(10_000).describe('Most nodes at once') },
  output: { ...writeOutput, node_limit: z.number() },
  idempotent: true,
  handler: async (args, ctx) => {
    await ctx.api.tasks.setNodeLimit({ taskId: args.task_id, taskLimit: args.node_limit });
    const message = `Task ${args.task_id} may now use at most ${plural(args.node_limit, 'node')} at once.`;
    return { text: message, structured: { task_ids: [args.task_id], node_limit: args.node_limit, message } };
  },
});
