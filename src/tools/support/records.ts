import { z } from 'zod';
import type { FrameInfo, TaskInfo } from '../../client/api/index.js';
import { RefusedError, type Preview, type ToolContext } from '../define.js';
import { blocks, compact, duration, facts, isoTime, money, tsv } from './format.js';
import { farmName, farmText, quote } from './sanitize.js';
import { frameStatusName, frameTypeName, item, softwareName, taskStatusName } from './schema.js';

/** The compact form of a task used by every tool and resource. */
export type TaskSummary = {
  id: number;
  alias?: string;
  scene?: string;
  status: string;
  done?: number;
  failed?: number;
  total?: number;
  submitted?: string;
  cost?: number;
  project?: string;
  software?: string;
  /** Number of child tasks. */
  layers?: number;
};

/** Output-schema form of a task: the keys every consumer relies on; the other compact fields pass through. */
export const taskItem = item({ id: z.number(), status: z.string() });

export interface FrameCounts {
  done: number;
  failed: number;
  rendering: number;
  abandoned: number;
  total: number;
}

/** Frame counters of a task; a parent whose own counters are empty is the sum of its child tasks. */
export function frameCounts(task: TaskInfo): FrameCounts {
  const own = {
    done: task.doneFrames ?? 0,
    failed: task.failedFrames ?? 0,
    rendering: task.executingFrames ?? 0,
    abandoned: task.abortFrames ?? 0,
    total: task.totalFrames ?? 0,
  };
  const children = task.respRenderingTaskList ?? [];
  if (own.total > 0 || children.length === 0) return own;
  return children.map(frameCounts).reduce((sum, c) => ({
    done: sum.done + c.done,
    failed: sum.failed + c.failed,
    rendering: sum.rendering + c.rendering,
    abandoned: sum.abandoned + c.abandoned,
    total: sum.total + c.total,
  }));
}

export function summarizeTask(task: TaskInfo): TaskSummary {
  return compact(summaryFields(task, frameCounts(task)));
}

/** The fields of a summary before compacting, for the forms that add to it (taskDetail). */
function summaryFields(task: TaskInfo, counts: FrameCounts) {
  return {
    id: task.id,
    alias: task.taskAlias ?? undefined,
    scene: task.sceneName ? farmName(task.sceneName) : undefined,
    status: taskStatusName(task.taskStatus),
    done: counts.done,
    failed: counts.failed,
    total: counts.total,
    submitted: isoTime(task.submitDate),
    cost: money(task.renderConsume),
    project: task.projectName ? farmName(task.projectName) : undefined,
    software: task.cgId ? softwareName(task.cgId) : undefined,
    layers: task.respRenderingTaskList?.length || undefined,
  };
}

/** `19097  2W19097  "shot12.ma"  rendering  120/240 frames (3 failed)`: the scene quoted, as farm names are in a line. */
export function taskLine(task: TaskInfo): string {
  const s = summarizeTask(task);
  const frames = s.total ? `${s.done ?? 0}/${s.total} frames${s.failed ? ` (${s.failed} failed)` : ''}` : 'no frames yet';
  return [s.id, s.alias, s.scene ? quote(s.scene) : undefined, s.status, frames].filter((part) => part !== undefined && part !== '').join('  ');
}

/** The detail of a task get_task_info and the task resource show. */
export type TaskDetail = TaskSummary & {
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
  /** The currency of cost and arrears. */
  currency?: string;
  children?: (TaskSummary & { type?: string; layer?: string })[];
};

export function taskDetail(task: TaskInfo, currency?: string): TaskDetail {
  const counts = frameCounts(task);
  // compact's parts rather than `{ ...summary, more }`: V8 spends ~25 us per object on that spread (bench profile).
  return compact(summaryFields(task, counts), {
    currency,
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
    camera: task.renderCamera ? farmName(task.renderCamera) : undefined,
    frame_range: task.framesRange ? farmName(task.framesRange) : undefined,
    deleted: task.isDelete === 0 ? true : undefined,
    children: task.respRenderingTaskList?.map((child) =>
      compact(summaryFields(child, frameCounts(child)), {
        type: child.taskType ? farmName(child.taskType) : undefined,
        layer: child.layerName ? farmName(child.layerName) : undefined,
      }),
    ),
  });
}

/** The detail as text; names the farm stores (scene, project, camera) are quoted. */
export function taskDetailText(d: TaskDetail): string {
  const name = (escaped: string | undefined) => (escaped ? quote(escaped) : undefined);
  return blocks(
    `Task ${d.id}${d.alias ? ` (${d.alias})` : ''}: ${name(d.scene) ?? 'unnamed scene'}, ${d.status}.`,
    facts({
      frames: d.total ? `${d.done ?? 0} done, ${d.failed ?? 0} failed, ${d.rendering ?? 0} rendering, ${d.waiting ?? 0} waiting of ${d.total}` : undefined,
      software: d.software,
      project: name(d.project),
      camera: name(d.camera),
      frame_range: d.frame_range,
      submitted: d.submitted,
      started: d.started,
      completed: d.completed,
      render_time: d.render_time,
      cost: withCurrency(d.cost, d.currency),
      arrears: withCurrency(d.arrears, d.currency),
      priority: d.priority,
      node_limit: d.node_limit,
      stop_after: d.stop_after,
      deleted: d.deleted ? 'yes (in the recycle bin)' : undefined,
    }),
    d.children?.length
      ? `Child tasks:\n${tsv(
          ['id', 'type', 'layer', 'status', 'done', 'failed', 'total', costHeader(d.currency)],
          d.children.map((c) => [c.id, c.type, c.layer, c.status, c.done, c.failed, c.total, c.cost]),
        )}`
      : undefined,
  );
}

/** `0.69 USD` */
export const withCurrency = (amount: number | undefined, currency: string | undefined) =>
  amount === undefined ? undefined : currency ? `${amount} ${currency}` : amount;

/** `cost (USD)`: the header of a cost column. */
export const costHeader = (currency: string | undefined) => (currency ? `cost (${currency})` : 'cost');

/** The preview destructive and costly task tools show: each task with its name, status and frame counts. */
export async function previewTasks(ctx: ToolContext, ids: readonly number[], action: string): Promise<Preview> {
  const { tasks, missing } = await ctx.api.tasks.find(ids);
  if (tasks.length === 0) throw new RefusedError(`Cannot ${action}: no task with id ${ids.join(', ')} exists on the farm; nothing was changed.`);
  const lines = tasks.map(taskLine);
  for (const id of missing) lines.push(`${id}  (not found on the farm)`);
  return { action, lines, items: [...tasks.map(summarizeTask), ...missing.map((id) => ({ id, status: 'not_found' }))] };
}

/** The compact form of a frame used by the frame tools. */
export type FrameSummary = {
  id: number;
  /** The farm's frameIndex: `12`, `0-1`, `2-4[1]`. */
  frame?: string;
  status: string;
  block?: string;
  type?: string;
  started?: string;
  ended?: string;
  render_time?: string;
  cost?: number;
  /** Times the frame was resubmitted. */
  resubmits?: number;
  error_code?: string;
  node?: string;
};

export const frameItem = item({ id: z.number(), status: z.string() });

export function summarizeFrame(frame: FrameInfo): FrameSummary {
  const fee = (frame.feeAmount ?? 0) + (frame.couponFee ?? 0);
  return compact({
    id: frame.id,
    frame: frame.frameIndex ? farmText(frame.frameIndex, 40) : undefined,
    status: frameStatusName(frame.frameStatus),
    block: frame.frameBlock ? farmText(frame.frameBlock, 40) : undefined,
    type: frameTypeName(frame.frameType),
    started: isoTime(frame.startTime),
    ended: isoTime(frame.endTime),
    render_time: frame.frameExecuteTime ? duration(frame.frameExecuteTime) : undefined,
    cost: fee ? money(fee) : undefined,
    resubmits: frame.recommitFlag || undefined,
    error_code: frame.errorCode === null || frame.errorCode === undefined || frame.errorCode === '' ? undefined : String(frame.errorCode),
    node: frame.nodeId ? farmText(frame.nodeId, 60) : undefined,
  });
}

/** Frames counted by status word, in a stable order (failed first, then the rest as they come). */
export function countByStatus(frames: readonly { status: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const frame of frames) counts[frame.status] = (counts[frame.status] ?? 0) + 1;
  const order = ['failed', 'timed_out', 'rendering', 'waiting', 'stopped', 'done'];
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => rank(order, a) - rank(order, b)));
}

const rank = (order: readonly string[], status: string) => (order.includes(status) ? order.indexOf(status) : order.length);

/** `3 failed, 12 rendering, 85 done` */
export function countsLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}
