import { z } from 'zod';
import type { Paged, TaskInfo } from '../client/types.js';
import { defineTool } from './define.js';
import { blocks, compact, duration, facts, isoTime, money, pageFooter, plural, tsv } from './format.js';
import { fetchTasks, frameCounts, previewTasks, summarizeTask, taskItem, type TaskSummary } from './records.js';
import { taskLink, tasksLink } from './links.js';
import { destructiveOutput, doneAnswer } from './safety.js';
import { TASK_STATUS_CODE, dateTime, dryRun, keyword, page, pageSize, taskId, taskIds, taskStatus, taskStatusName } from './schema.js';

const TASK_COLUMNS = ['id', 'alias', 'scene', 'status', 'done', 'failed', 'total', 'submitted', 'cost'] as const;

function taskRows(tasks: TaskInfo[]) {
  return tasks.map((task) => {
    const s = summarizeTask(task);
    return [s.id, s.alias, s.scene, s.status, s.done, s.failed, s.total, s.submitted, s.cost];
  });
}

export const getTaskList = defineTool({
  name: 'get_task_list',
  operation: 'get_task_list',
  title: 'List tasks',
  description: 'Page through render tasks, newest first, filtered by status, keyword or submit time.',
  input: {
    page,
    page_size: pageSize(20),
    status: z.array(taskStatus).max(20).optional().describe('Only these statuses'),
    keyword: keyword.optional().describe('Scene name or task id'),
    submitted_after: dateTime.optional().describe('Earliest submit time (2026-11-20 18:00)'),
    submitted_before: dateTime.optional().describe('Latest submit time'),
    deleted: z.boolean().default(false).describe('List the recycle bin instead'),
  },
  output: { tasks: z.array(taskItem), total: z.number(), page: z.number(), more: z.number() },
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
    const more = Math.max(0, total - (args.page - 1) * args.page_size - items.length);
    const heading = `${plural(total, args.deleted ? 'deleted task' : 'task')}${args.status ? ` with status ${args.status.join('/')}` : ''}${args.keyword ? ` matching "${args.keyword}"` : ''}.`;
    return {
      text: blocks(heading, items.length ? tsv(TASK_COLUMNS, taskRows(items)) : undefined, pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length })),
      structured: { tasks: items.map(summarizeTask), total, page: args.page, more },
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
      deleted: d.deleted ? 'yes (in the recycle bin)' : undefined,
    }),
    d.children?.length
      ? `Child tasks:\n${tsv(['id', 'type', 'layer', 'status', 'done', 'failed', 'total', 'cost'], d.children.map((c) => [c.id, c.type, c.layer, c.status, c.done, c.failed, c.total, c.cost]))}`
      : undefined,
  );
}

export const getTaskInfo = defineTool({
  name: 'get_task_info',
  operation: 'get_task_info',
  title: 'Get task details',
  description: 'Details of tasks: status, frame counts, times, cost, and child (layer) tasks.',
  input: { task_ids: taskIds },
  output: { tasks: z.array(taskItem), missing: z.array(z.number()).optional() },
  handler: async (args, ctx) => {
    const { tasks, missing } = await fetchTasks(ctx, args.task_ids);
    const details = tasks.map(detail);
    return {
      text: blocks(...details.map(detailText), missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined),
      structured: compact({ tasks: details, missing }),
      links: tasks.map((task) => taskLink(task.id, task.sceneName ?? undefined)),
    };
  },
});

export const getSubtaskIds = defineTool({
  name: 'get_subtask_ids',
  operation: 'get_subtask_ids',
  title: 'List child task ids',
  description: 'Ids of the child (layer or stage) tasks of a task; a task without children lists itself, as the SDK does.',
  input: { task_id: taskId },
  output: { task_id: z.number(), subtask_ids: z.array(z.number()) },
  handler: async (args, ctx) => {
    const { tasks } = await fetchTasks(ctx, [args.task_id]);
    const children = tasks[0]?.respRenderingTaskList ?? [];
    const ids = children.length ? children.map((child) => child.id) : [args.task_id];
    const lines = children.map((c) => `${c.id}\t${c.taskType || c.layerName || ''}\t${taskStatusName(c.taskStatus)}`);
    return {
      text: children.length ? `Task ${args.task_id} has ${plural(ids.length, 'child task')}:\n${lines.join('\n')}` : `Task ${args.task_id} has no child tasks.`,
      structured: { task_id: args.task_id, subtask_ids: ids },
    };
  },
});

export const startTask = defineTool({
  name: 'start_task',
  operation: 'start_task',
  title: 'Start tasks',
  description: 'Start or resume stopped tasks; rendering is billed. dry_run shows what would start.',
  input: { task_ids: taskIds, dry_run: dryRun },
  output: { dry_run: z.boolean(), tasks: z.array(z.record(z.string(), z.unknown())), message: z.string() },
  handler: async (args, ctx) => {
    const preview = await previewTasks(ctx, args.task_ids, `start ${plural(args.task_ids.length, 'task')}`);
    if (args.dry_run) {
      const message = `Dry run: nothing was started. Call again with dry_run false to ${preview.action}.`;
      return { text: blocks(`Would ${preview.action}:\n${preview.lines.join('\n')}`, message), structured: { dry_run: true, tasks: preview.items, message } };
    }
    await ctx.call('start_task', { taskIds: args.task_ids });
    const message = `Started ${plural(args.task_ids.length, 'task')}.`;
    return { text: blocks(message, preview.lines.join('\n')), structured: { dry_run: false, tasks: preview.items, message } };
  },
});

export const deleteTask = defineTool({
  name: 'delete_task',
  operation: 'delete_task',
  title: 'Delete tasks',
  description: 'Delete tasks into the recycle bin (get_task_list deleted=true). Asks for confirmation first.',
  input: { task_ids: taskIds },
  output: destructiveOutput,
  idempotent: true,
  preview: (args, ctx) => previewTasks(ctx, args.task_ids, `delete ${plural(args.task_ids.length, 'task')}`),
  handler: async (args, ctx) => {
    await ctx.call('delete_task', { taskIds: args.task_ids });
    const message = `Deleted ${plural(args.task_ids.length, 'task')}; they are in the recycle bin (get_task_list with deleted=true).`;
    return doneAnswer(message, args.task_ids.map((id) => ({ id })));
  },
});

export const TASK_TOOLS = [getTaskList, getTaskInfo, getSubtaskIds, startTask, deleteTask];
