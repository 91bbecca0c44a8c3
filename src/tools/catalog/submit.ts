import { z } from 'zod';
import { RefusedError, defineTool, type Preview, type ToolContext } from '../define.js';
import { estimateText, noEstimate } from '../support/cost.js';
import { blocks, plural } from '../support/format.js';
import { summarizeTask, taskLine } from '../support/records.js';
import { taskLink } from '../links.js';
import { costlyFields, previewFirst } from '../safety.js';
import { taskId, taskStatusName } from '../support/schema.js';
import { plainName } from '../support/sanitize.js';

const toolset = 'tasks';

export const createTask = defineTool({
  toolset,
  operation: 'create_task',
  description: 'Reserve new task ids for upload_task_json and submit_task; nothing renders yet.',
  input: () => ({
    count: z.number().int().min(1).max(50).default(1).describe('How many ids'),
    priority: z.literal([50, 60]).default(50).describe('Level: 50 or 60'),
    labels: z.array(plainName(100)).max(20).optional().describe('Task labels'),
    clone_from: taskId.optional().describe('Task to clone from'),
    artist: plainName(100).optional().describe('Artist or producer'),
    out_user_id: z.number().int().min(1).optional().describe('Integrator end-user id'),
  }),
  output: () => ({ task_ids: z.array(z.number()), aliases: z.array(z.string()), message: z.string() }),
  handler: async (args, ctx) => {
    // Wire: the SDK always sends taskUserLevel (default 50); the classic interface takes no clone id or artist.
    const { taskIds: ids, aliases } = await ctx.api.tasks.create({
      count: args.count,
      taskUserLevel: args.priority,
      labels: args.labels,
      cloneOriginalId: args.clone_from,
      artist: args.artist,
      outUserId: args.out_user_id,
    });
    const listed = ids.map((id, i) => (aliases[i] ? `${id} (${aliases[i]})` : `${id}`)).join(', ');
    const message = ids.length
      ? `Reserved ${plural(ids.length, 'task id')}: ${listed}. Next: upload_task_json, then submit_task.`
      : 'The farm reserved no task id (its answer was empty); try again or check get_task_list.';
    return { text: message, structured: { task_ids: ids, aliases, message } };
  },
});

const JSON_FILES = ['task.json', 'upload.json', 'asset.json', 'tips.json'] as const;

export const uploadTaskJson = defineTool({
  toolset,
  operation: 'upload_task_json',
  description: 'Store a task config file (task.json by default) for a reserved task.',
  input: () => ({
    task_id: taskId,
    file_name: z.enum(JSON_FILES).default('task.json').describe('Which file'),
    content: z.string().min(2).max(2_000_000).refine(isJson, 'content must be valid JSON text, e.g. {"software_config": {...}}').describe('JSON text'),
  }),
  output: () => ({ task_id: z.number(), file_name: z.string(), bytes: z.number(), message: z.string() }),
  idempotent: true,
  handler: async (args, ctx) => {
    await ctx.api.tasks.uploadJson({ taskId: args.task_id, fileName: args.file_name, content: args.content });
    const bytes = Buffer.byteLength(args.content);
    const message = `Uploaded ${args.file_name} (${bytes} bytes) for task ${args.task_id}.`;
    return { text: message, structured: { task_id: args.task_id, file_name: args.file_name, bytes, message } };
  },
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * What submitting a reserved task would do. The farm lists a task only once it is submitted (the sandbox does, and
 * seed 001 shows no reserved task in a list), so a listed task was submitted already, and an unlisted id is either
 * one create_task reserved or one that does not exist; only the farm's answer to submit_task tells those apart.
 */
async function submitPreview(ctx: ToolContext, id: number): Promise<Preview> {
  const { tasks } = await ctx.api.tasks.find([id]);
  const task = tasks[0];
  // Frames are counted when the farm analyses the scene after submission: no estimate can be made before.
  const estimate = await noEstimate(ctx, 'the farm counts the frames when it analyses the scene after submission, so no estimate can be made before');
  if (task && task.taskStatus !== SUBMITTING) {
    return {
      action: `submit task ${id}`,
      lines: [taskLine(task)],
      items: [summarizeTask(task)],
      estimate,
      blocked: `Task ${id} was submitted already (it is ${taskStatusName(task.taskStatus)}); a second submit_task fails, and nothing needs submitting`,
    };
  }
  const line = task ? taskLine(task) : `${id}: not listed by the farm, which lists a task only once it is submitted`;
  return { action: `submit task ${id} for rendering (billed)`, lines: [line], items: [task ? summarizeTask(task) : { id, status: 'not_listed' }], estimate };
}

const SUBMITTING = 60;

export const submitTask = defineTool({
  toolset,
  operation: 'submit_task',
  description: 'Submit a reserved task for billed rendering, once only. Previews unless dry_run=false.',
  input: () => ({ task_id: taskId, producer: plainName(100).optional().describe('Producer name'), dry_run: previewFirst }),
  output: () => ({ dry_run: z.boolean(), task_id: z.number(), task: z.record(z.string(), z.unknown()).optional(), message: z.string(), ...costlyFields }),
  preview: (args, ctx) => submitPreview(ctx, args.task_id),
  handler: async (args, ctx) => {
    const preview = await submitPreview(ctx, args.task_id);
    const base = { task_id: args.task_id, ...(preview.items[0]?.['status'] !== 'not_listed' ? { task: preview.items[0]! } : {}), estimate: preview.estimate! };
    if (preview.blocked) {
      if (!args.dry_run) throw new RefusedError(`submit_task did nothing: ${preview.blocked}. Nothing was sent.`);
      const message = `Dry run: nothing was submitted. ${preview.blocked}.`;
      return { text: blocks(`Cannot submit: ${preview.lines[0]}`, message), structured: { dry_run: true, ...base, message } };
    }
    if (args.dry_run) {
      const unlisted = preview.items[0]?.['status'] === 'not_listed';
      const headline = unlisted
        ? `Task ${args.task_id} is not listed by the farm: either create_task reserved it and it was not submitted yet (the farm lists a task only once it is submitted), or it does not exist.`
        : `Would submit: ${preview.lines[0]}`;
      const message = unlisted
        ? `Dry run: nothing was submitted. If ${args.task_id} came from create_task, call again with dry_run false to submit it for rendering (billed); any other id the farm refuses as unknown.`
        : `Dry run: nothing was submitted. Call again with dry_run false to submit task ${args.task_id} for rendering (billed).`;
      return { text: blocks(headline, estimateText(preview.estimate!), message), structured: { dry_run: true, ...base, message } };
    }
    await ctx.api.tasks.submit({ taskId: args.task_id, producer: args.producer });
    const message = `Submitted task ${args.task_id} for rendering; follow it with get_task_info. Do not submit it again.`;
    return { text: message, structured: { dry_run: false, ...base, message }, links: [taskLink(args.task_id)] };
  },
});
