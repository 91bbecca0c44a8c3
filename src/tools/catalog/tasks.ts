import { z } from 'zod';
import type { TaskInfo } from '../../client/api/index.js';
import { RefusedError, defineTool } from '../define.js';
import { blocks, facts, pageFooter, plural, remaining, tsv } from '../support/format.js';
import { taskLink, tasksLink } from '../links.js';
import { explainErrorCodes } from '../support/error-codes.js';
import { costHeader, summarizeTask, taskDetail, taskDetailText, taskItem } from '../support/records.js';
import { TASK_STATUS_CODE, dateTime, dateTimeUntil, item, keyword, page, pageSize, taskId, taskIds, taskStatus, taskStatusName } from '../support/schema.js';

const toolset = 'tasks';

const taskColumns = (currency: string) => ['id', 'alias', 'scene', 'status', 'done', 'failed', 'total', 'submitted', costHeader(currency)];

function taskRows(tasks: TaskInfo[]) {
  return tasks.map((task) => {
    const s = summarizeTask(task);
    return [s.id, s.alias, s.scene, s.status, s.done, s.failed, s.total, s.submitted, s.cost];
  });
}

export const getTaskList = defineTool({
  toolset,
  operation: 'get_task_list',
  description: 'Page through render tasks, newest first, filtered by status, keyword or submit time.',
  input: () => ({
    page,
    page_size: pageSize(20),
    status: z.array(taskStatus).max(20).optional().describe('Only these statuses'),
    keyword: keyword.optional().describe('Scene name or task id'),
    submitted_after: dateTime.optional(),
    submitted_before: dateTimeUntil.optional(),
    deleted: z.boolean().default(false).describe('Recycle bin instead'),
  }),
  output: () => ({ tasks: z.array(taskItem), total: z.number(), more: z.number(), currency: z.string() }),
  handler: async (args, ctx) => {
    const currency = ctx.api.account.currency;
    const { items, total } = await ctx.api.tasks.list({
      pageNum: args.page,
      pageSize: args.page_size,
      statusList: args.status?.map((name) => TASK_STATUS_CODE[name]),
      searchKeyword: args.keyword,
      startTime: args.submitted_after,
      endTime: args.submitted_before,
      recycleFlag: args.deleted ? 1 : undefined,
    });
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: items.length });
    const heading = `${plural(total, args.deleted ? 'deleted task' : 'task')}${args.status ? ` with status ${args.status.join('/')}` : ''}${args.keyword ? ` matching "${args.keyword}"` : ''}.`;
    return {
      text: blocks(
        heading,
        items.length ? tsv(taskColumns(currency), taskRows(items)) : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length }),
      ),
      structured: { tasks: items.map(summarizeTask), total, more, currency },
      links: [tasksLink()],
    };
  },
});

export const getTaskInfo = defineTool({
  toolset,
  operation: 'get_task_info',
  description: 'Details of tasks: status, frame counts, times, cost, and child (layer) tasks.',
  input: () => ({ task_ids: taskIds }),
  output: () => ({ tasks: z.array(taskItem), missing: z.array(z.number()).optional() }),
  handler: async (args, ctx) => {
    // An id given twice (as 19097 and 2W19097) is one task.
    const { tasks, missing } = await ctx.api.tasks.find([...new Set(args.task_ids)]);
    const details = tasks.map((task) => taskDetail(task, ctx.api.account.currency));
    return {
      text: blocks(...details.map(taskDetailText), missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined),
      structured: { tasks: details, ...(missing.length ? { missing } : {}) },
      links: tasks.map((task) => taskLink(task.id, task.sceneName ?? undefined)),
    };
  },
});

export const getSubtaskIds = defineTool({
  toolset,
  operation: 'get_subtask_ids',
  description: 'Child (layer or stage) task ids, where frames live; a task without children lists itself.',
  input: () => ({ task_id: taskId }),
  output: () => ({ task_id: z.number(), subtask_ids: z.array(z.number()) }),
  handler: async (args, ctx) => {
    const { task, children, ids } = await ctx.api.tasks.subtasks(args.task_id);
    if (!task) throw new RefusedError(`No task with id ${args.task_id} exists on the farm; check the id with get_task_list.`);
    const rows = children.map((c) => [c.id, c.taskType || undefined, c.layerName ?? undefined, taskStatusName(c.taskStatus)]);
    return {
      text: children.length
        ? `Task ${args.task_id} has ${plural(ids.length, 'child task')}:\n${tsv(['id', 'type', 'layer', 'status'], rows)}`
        : `Task ${args.task_id} has no child tasks; its frames belong to it directly.`,
      structured: { task_id: args.task_id, subtask_ids: ids },
    };
  },
});

const LANGUAGE = { chinese: 0, english: 1 } as const;

export const getAnalysisErrorDetail = defineTool({
  toolset,
  operation: 'get_analysis_error_detail',
  description: 'Explain analysis or render-log error codes: severity, description, fix.',
  input: () => ({
    // Numbers are taken as codes too; anything else (an object) is refused rather than read as "[object Object]".
    codes: z
      .array(z.preprocess((code) => (typeof code === 'number' ? String(code) : code), z.string().trim().min(1).max(20)))
      .min(1)
      .max(50)
      .describe('Error codes'),
    language: z.enum(['english', 'chinese']).optional().describe('Default: the server language'),
  }),
  output: () => ({ errors: z.array(item({ code: z.string() })), unknown: z.array(z.string()).optional() }),
  handler: async (args, ctx) => {
    const codes = [...new Set(args.codes)];
    const errors = await explainErrorCodes(ctx, codes, args.language ? LANGUAGE[args.language] : undefined);
    const known = new Set(errors.map((e) => e.code));
    const unknown = codes.filter((code) => !known.has(code));
    return {
      text: blocks(
        ...errors.map((e) =>
          [
            `${e.code} (${e.severity ?? 'unknown severity'}): ${e.description ?? 'no description'}`,
            facts({ fix: e.solution, link: e.link, repairable: e.repairable, blocks_submission: e.blocks_submission }),
          ]
            .filter(Boolean)
            .join('\n'),
        ),
        unknown.length ? `No explanation on the farm for: ${unknown.join(', ')}.` : undefined,
      ),
      structured: { errors, ...(unknown.length ? { unknown } : {}) },
    };
  },
});
