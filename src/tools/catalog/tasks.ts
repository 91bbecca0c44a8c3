import { z } from 'zod';
import { getSubtaskIds as loadSubtasks } from '../../client/composite.js';
import type { ErrorCodeInfo, Paged, TaskInfo } from '../../client/types.js';
import { RefusedError, defineTool } from '../define.js';
import { blocks, compact, duration, facts, isoTime, money, pageFooter, plural, remaining, tsv } from '../support/format.js';
import { taskLink, tasksLink } from '../links.js';
import { fetchTasks, frameCounts, summarizeTask, taskItem, type TaskSummary } from '../support/records.js';
import { SUBMIT_TOOLS } from './submit.js';
import { TASK_CONTROL_TOOLS } from './task-control.js';
import { TASK_STATUS_CODE, dateTime, item, keyword, page, pageSize, taskId, taskIds, taskStatus, taskStatusName } from '../support/schema.js';

const toolset = 'tasks';

const TASK_COLUMNS = ['id', 'alias', 'scene', 'status', 'done', 'failed', 'total', 'submitted', 'cost'] as const;

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
  input: {
    page,
    page_size: pageSize(20),
    status: z.array(taskStatus).max(20).optional().describe('Only these statuses'),
    keyword: keyword.optional().describe('Scene name or task id'),
    submitted_after: dateTime.optional().describe('From (2026-11-20 18:00)'),
    submitted_before: dateTime.optional().describe('Until'),
    deleted: z.boolean().default(false).describe('Recycle bin instead'),
  },
  output: { tasks: z.array(taskItem), total: z.number(), more: z.number() },
  handler: async (args, ctx) => {
    const data = await ctx.call<Paged<TaskInfo>>('get_task_list', {
      pageNum: args.page,
      pageSize: args.page_size,
      statusList: args.status?.map((name) => TASK_STATUS_CODE[name]),
      searchKeyword: args.keyword,
      startTime: args.submitted_after,
      endTime: args.submitted_before,
      recycleFlag: args.deleted ? 1 : undefined,
    });
    const items = data?.items ?? [];
    const total = data?.total ?? items.length;
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: items.length });
    const heading = `${plural(total, args.deleted ? 'deleted task' : 'task')}${args.status ? ` with status ${args.status.join('/')}` : ''}${args.keyword ? ` matching "${args.keyword}"` : ''}.`;
    return {
      text: blocks(heading, items.length ? tsv(TASK_COLUMNS, taskRows(items)) : undefined, pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length })),
      structured: { tasks: items.map(summarizeTask), total, more },
      links: [tasksLink()],
    };
  },
});

type TaskDetail = TaskSummary & {
  rendering?: number;
  waiting?: number;
  started?: string;
  completed?: string;
  render_time?: string;
  arrears?: number;
  priority?: number;
  node_limit?: number;
  stop_after?: string;
  camera?: string;
  frame_range?: string;
  deleted?: boolean;
  children?: (TaskSummary & { type?: string; layer?: string })[];
};

function detail(task: TaskInfo): TaskDetail {
  const counts = frameCounts(task);
  return compact({
    ...summarizeTask(task),
    rendering: counts.rendering || undefined,
    waiting: Math.max(0, counts.total - counts.done - counts.failed - counts.rendering - counts.abandoned) || undefined,
    started: isoTime(task.startTime),
    completed: isoTime(task.completedDate),
    render_time: duration(task.renderDuration),
    arrears: money(task.taskArrears) || undefined,
    priority: task.taskUserLevel ?? undefined,
    node_limit: task.taskLimit ?? undefined,
    // overTimeStop: seconds of rendering after which the farm stops the task (set_task_overtime_stop).
    stop_after: task.overTimeStop ? duration(task.overTimeStop) : undefined,
    camera: task.renderCamera ?? undefined,
    frame_range: task.framesRange ?? undefined,
    deleted: task.isDelete === 0 ? true : undefined,
    children: task.respRenderingTaskList?.map((child) =>
      compact({ ...summarizeTask(child), type: child.taskType ?? undefined, layer: child.layerName ?? undefined }),
    ),
  });
}

function detailText(d: TaskDetail): string {
  return blocks(
    `Task ${d.id}${d.alias ? ` (${d.alias})` : ''}: ${d.scene ?? 'unnamed scene'}, ${d.status}.`,
    facts({
      frames: d.total ? `${d.done ?? 0} done, ${d.failed ?? 0} failed, ${d.rendering ?? 0} rendering, ${d.waiting ?? 0} waiting of ${d.total}` : undefined,
      software: d.software,
      project: d.project,
      camera: d.camera,
      frame_range: d.frame_range,
      submitted: d.submitted,
      started: d.started,
      completed: d.completed,
      render_time: d.render_time,
      cost: d.cost,
      arrears: d.arrears,
      priority: d.priority,
      node_limit: d.node_limit,
      stop_after: d.stop_after,
      deleted: d.deleted ? 'yes (in the recycle bin)' : undefined,
    }),
    d.children?.length
      ? `Child tasks:\n${tsv(['id', 'type', 'layer', 'status', 'done', 'failed', 'total', 'cost'], d.children.map((c) => [c.id, c.type, c.layer, c.status, c.done, c.failed, c.total, c.cost]))}`
      : undefined,
  );
}

export const getTaskInfo = defineTool({
  toolset,
  operation: 'get_task_info',
  description: 'Details of tasks: status, frame counts, times, cost, and child (layer) tasks.',
  input: { task_ids: taskIds },
  output: { tasks: z.array(taskItem), missing: z.array(z.number()).optional() },
  handler: async (args, ctx) => {
    const { tasks, missing } = await fetchTasks(ctx, args.task_ids);
    const details = tasks.map(detail);
    return {
      text: blocks(...details.map(detailText), missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined),
      structured: { tasks: details, ...(missing.length ? { missing } : {}) },
      links: tasks.map((task) => taskLink(task.id, task.sceneName ?? undefined)),
    };
  },
});

export const getSubtaskIds = defineTool({
  toolset,
  operation: 'get_subtask_ids',
  description: 'Child (layer or stage) task ids, where frames live; a task without children lists itself.',
  input: { task_id: taskId },
  output: { task_id: z.number(), subtask_ids: z.array(z.number()) },
  handler: async (args, ctx) => {
    const { task, children, ids } = await loadSubtasks(ctx.call, args.task_id);
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
  input: {
    // Numbers are taken as codes too; anything else (an object) is refused rather than read as "[object Object]".
    codes: z.array(z.preprocess((code) => (typeof code === 'number' ? String(code) : code), z.string().trim().min(1).max(20))).min(1).max(50).describe('Error codes'),
    language: z.enum(['english', 'chinese']).optional().describe('Default: the server language'),
  },
  output: { errors: z.array(item({ code: z.string() })), unknown: z.array(z.string()).optional() },
  handler: async (args, ctx) => {
    const codes = [...new Set(args.codes)];
    const language = args.language ? LANGUAGE[args.language] : Number(ctx.connector.config.languageFlag);
    // Wire: the SDK sends `code` for one code and `codes` for several; the classic interface knows only `code`.
    const records =
      codes.length === 1 || ctx.connector.config.scheme === 'classic'
        ? (await Promise.all(codes.map((code) => ctx.call<ErrorCodeInfo[] | null>('get_analysis_error_detail', { code, language })))).flatMap((list) => list ?? [])
        : ((await ctx.call<ErrorCodeInfo[] | null>('get_analysis_error_detail', { codes, language })) ?? []);
    const errors = uniqueBy(records.map(describeErrorCode), (e) => `${e.code}`);
    const known = new Set(errors.map((e) => e.code));
    const unknown = codes.filter((code) => !known.has(code));
    return {
      text: blocks(
        ...errors.map((e) =>
          [`${e.code} (${e.severity ?? 'unknown severity'}): ${e.description ?? 'no description'}`, facts({ fix: e.solution, link: e.link, repairable: e.repairable, blocks_submission: e.blocks_submission })]
            .filter(Boolean)
            .join('\n'),
        ),
        unknown.length ? `No explanation on the farm for: ${unknown.join(', ')}.` : undefined,
      ),
      structured: { errors, ...(unknown.length ? { unknown } : {}) },
    };
  },
});

type ErrorDetail = {
  code: string;
  severity?: string;
  description?: string;
  solution?: string;
  link?: string;
  repairable?: string;
  blocks_submission?: string;
};

function describeErrorCode(record: ErrorCodeInfo): ErrorDetail {
  const yesNo = (flag: number | undefined) => (flag === 1 ? 'yes' : flag === 0 ? 'no' : undefined);
  return compact({
    code: String(record.code),
    // type 0: a warning that can be ignored; 1: an error that cannot.
    severity: record.type === 1 ? 'error' : record.type === 0 ? 'warning' : undefined,
    description: oneLine(record.desDescriptionCn),
    solution: oneLine(record.desSolutionCn),
    link: record.solutionPath ?? undefined,
    repairable: yesNo(record.isRepair),
    blocks_submission: yesNo(record.isOpen),
  });
}

/** The farm writes numbered steps on separate lines; a `key: value` line needs them on one. */
const oneLine = (text: string | null | undefined) => text?.replace(/\s*\n\s*/g, ' ').trim() || undefined;

function uniqueBy<T>(list: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const entry of list) if (!seen.has(key(entry))) seen.set(key(entry), entry);
  return [...seen.values()];
}

export const TASK_TOOLS = [getTaskList, getTaskInfo, getSubtaskIds, ...TASK_CONTROL_TOOLS, ...SUBMIT_TOOLS, getAnalysisErrorDetail];
