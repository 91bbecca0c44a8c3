import { FarmError } from '../types.js';
import { hardwareConfig } from './account.js';
import type { Labels } from './labels.js';
import type { Operation, OperationLog } from './logs.js';
import { ACTIVE, FINISHED, FRAME, FRAMELESS, STARTABLE, TASK, type Frame, type Task } from './model.js';
import { alias } from './records.js';
import { ensureFrames, refill, requeueFrames, startLeaf, stopFrames, stopLeaf } from './render.js';
import type { TaskStore } from './store.js';

/**
 * Task and frame writes. Each checks every task first and refuses the whole request when one task cannot take it
 * (nothing is half-applied), then changes state and records the operation in the task operation log.
 *
 * Refusal codes: 404 RESOURCE_NOT_FOUND for an id the farm does not know (seed 002's code table: "the resource does
 * not exist"); 600 PARAMETER_INVALID for an id whose task cannot take the operation (deleted, abandoned, finished).
 */

export interface ActionContext {
  store: TaskStore;
  labels: Labels;
  log: OperationLog;
  now: number;
  /** Path the request came in on (recorded as requestURI). */
  path: string;
  args: Record<string, unknown>;
}

const STATUS_WORDS: Readonly<Record<number, string>> = {
  0: 'waiting',
  5: 'rendering',
  8: 'waiting for pre-processing',
  10: 'stopped',
  15: 'stopped by the user',
  20: 'stopped for arrears',
  23: 'stopped by its timeout',
  25: 'finished',
  30: 'finished with failed frames',
  35: 'abandoned',
  40: 'test finished',
  45: 'failed',
  50: 'being analysed',
  60: 'being submitted',
  65: 'failed to submit',
  70: 'finished with stopped frames',
  100: 'being updated',
};

export function describe(task: Task): string {
  return `task ${task.id} (${alias(task.id)}) is ${STATUS_WORDS[task.status] ?? `in status ${task.status}`}`;
}

/** Looks tasks up (404 for an unknown id) and brings them up to now. */
export function resolve(ctx: ActionContext, ids: readonly number[]): Task[] {
  const unknown = ids.filter((id) => !ctx.store.task(id) || ctx.store.task(id)!.reserved);
  if (unknown.length) throw new FarmError(404, unknown.length === 1 ? `task ${unknown[0]} does not exist` : `tasks ${unknown.join(', ')} do not exist`);
  return [...new Set(ids)].map((id) => ctx.store.sync(ctx.store.task(id)!, ctx.now));
}

function refuse(task: Task, reason: string): never {
  throw new FarmError(600, `${describe(task)}; ${reason}`);
}

function notDeleted(task: Task): void {
  if (task.isDelete === 0) refuse(task, 'it is in the recycle bin (deleted)');
}

function record(ctx: ActionContext, button: string, details: string, tasks: readonly Task[]): void {
  const operation: Operation = { button, details, taskIds: tasks.map((task) => task.id), path: ctx.path, params: ctx.args };
  ctx.log.add(ctx.now, operation);
}

function afterChange(ctx: ActionContext, tasks: readonly Task[]): void {
  for (const task of tasks) ctx.store.sync(task, ctx.now);
}

export function stopTasks(ctx: ActionContext, ids: readonly number[]): void {
  const tasks = resolve(ctx, ids);
  for (const task of tasks) {
    notDeleted(task);
    if (!ACTIVE.has(task.status) && !STARTABLE.has(task.status)) refuse(task, 'only waiting or rendering tasks can be stopped');
  }
  for (const task of tasks) for (const leaf of ctx.store.leaves(task)) if (ACTIVE.has(leaf.status)) stopLeaf(leaf, ctx.now, TASK.STOP, ctx.store);
  afterChange(ctx, tasks);
  record(ctx, 'btn_stop', 'Stopped the task', tasks);
}

export function startTasks(ctx: ActionContext, ids: readonly number[]): void {
  const tasks = resolve(ctx, ids);
  for (const task of tasks) {
    notDeleted(task);
    if (task.status === TASK.ABANDON) refuse(task, 'an abandoned task cannot be started again');
    if (!ACTIVE.has(task.status) && !STARTABLE.has(task.status)) {
      refuse(task, FINISHED.has(task.status) ? 'there is nothing left to start; resubmit frames instead' : 'it cannot be started in this state');
    }
  }
  for (const task of tasks) for (const leaf of ctx.store.leaves(task)) if (STARTABLE.has(leaf.status)) startLeaf(leaf, ctx.now, ctx.store);
  afterChange(ctx, tasks);
  record(ctx, 'btn_start', 'Started the task', tasks);
}

export function abandonTasks(ctx: ActionContext, ids: readonly number[]): void {
  const tasks = resolve(ctx, ids);
  for (const task of tasks) {
    notDeleted(task);
    if (FINISHED.has(task.status)) refuse(task, 'a finished task cannot be abandoned');
  }
  for (const task of tasks) {
    for (const leaf of ctx.store.leaves(task)) if (!FINISHED.has(leaf.status) && leaf.status !== TASK.ABANDON) stopLeaf(leaf, ctx.now, TASK.ABANDON, ctx.store);
  }
  afterChange(ctx, tasks);
  record(ctx, 'btn_abandon', 'Abandoned the task', tasks);
}

/** Deleting moves a task (with its layers) to the recycle bin (`recycleFlag` 1); a rendering task is stopped first. */
export function deleteTasks(ctx: ActionContext, ids: readonly number[]): void {
  const tasks = resolve(ctx, ids);
  for (const task of tasks) if (task.parentId) refuse(task, `it is a layer of task ${task.parentId}; delete ${task.parentId} instead`);
  for (const task of tasks) {
    for (const leaf of ctx.store.leaves(task)) if (ACTIVE.has(leaf.status)) stopLeaf(leaf, ctx.now, TASK.STOP, ctx.store);
    for (const each of new Set([task, ...ctx.store.leaves(task)])) {
      each.isDelete = 0;
      ctx.store.statusChanged(each);
    }
  }
  afterChange(ctx, tasks);
  record(ctx, 'btn_delete', 'Deleted the task', tasks);
}

export function setOvertimeStop(ctx: ActionContext, ids: readonly number[], seconds: number): string {
  if (seconds < 1) throw new FarmError(600, `parameter overTime is invalid: must be 1 or more seconds (got ${seconds})`);
  const tasks = resolve(ctx, ids);
  tasks.forEach(notDeleted);
  for (const task of tasks) {
    for (const each of new Set([task, ...ctx.store.leaves(task)])) {
      each.overTimeStop = seconds;
      each.nextEventAt = 0;
    }
  }
  afterChange(ctx, tasks);
  record(ctx, 'btn_overtime_stop', `Set the timeout stop to ${seconds} seconds`, tasks);
  return 'SUCCESS';
}

/** Full speed lifts the node limit and the priority cap; it takes effect at once for rendering tasks. */
export function fullSpeed(ctx: ActionContext, ids: readonly number[]): string {
  const tasks = resolve(ctx, ids);
  for (const task of tasks) {
    notDeleted(task);
    if (task.status === TASK.ABANDON || FINISHED.has(task.status)) refuse(task, 'only unfinished tasks can render at full speed');
  }
  for (const task of tasks) reconfigure(ctx, task, (each) => (each.fullSpeed = true));
  record(ctx, 'btn_full_speed', 'Switched the task to full-speed rendering', tasks);
  return '成功';
}

export function updatePriority(ctx: ActionContext, id: number, level: number): void {
  if (level < 0 || level > 100) throw new FarmError(600, `parameter taskUserLevel is invalid: must be 0-100 (got ${level})`);
  const [task] = resolve(ctx, [id]);
  notDeleted(task!);
  reconfigure(ctx, task!, (each) => (each.taskUserLevel = level));
  record(ctx, 'btn_priority', `Changed the task priority to ${level}`, [task!]);
}

export function updateLimit(ctx: ActionContext, id: number, limit: number): void {
  if (limit < 1 || limit > 10_000) throw new FarmError(600, `parameter taskLimit is invalid: must be 1-10000 nodes (got ${limit})`);
  const [task] = resolve(ctx, [id]);
  notDeleted(task!);
  reconfigure(ctx, task!, (each) => (each.taskLimit = limit));
  record(ctx, 'btn_limit', `Changed the task node limit to ${limit}`, [task!]);
}

export function editHardware(ctx: ActionContext, args: Record<string, unknown>): void {
  const ids = (args.taskIds as string[]).map((text) => {
    if (!/^\d+$/.test(text)) throw new FarmError(600, `parameter taskIds is invalid: "${text}" is not a task id`);
    return Number(text);
  });
  const configId = Number((args.hardwareConfigId as string[])[0]);
  const config = hardwareConfig(configId);
  if (!config) throw new FarmError(600, `parameter hardwareConfigId is invalid: ${configId} is not a hardware configuration (see list_hardware_configs)`);
  if (String(args.model).toLowerCase() !== config.model.toLowerCase() || String(args.ram).toUpperCase() !== config.ram) {
    throw new FarmError(
      600,
      `parameter model/ram is invalid: configuration ${config.id} is ${config.model} with ${config.ram}, not ${String(args.model)} with ${String(args.ram)}`,
    );
  }
  const tasks = resolve(ctx, ids);
  for (const task of tasks) {
    notDeleted(task);
    if (config.notSupportCgId.includes(task.cgId)) refuse(task, `hardware configuration ${config.id} (${config.model}) does not support its software`);
  }
  for (const task of tasks) {
    reconfigure(ctx, task, (each) => {
      each.hardwareConfigId = config.id;
      each.taskRam = Number.parseInt(config.ram, 10);
    });
  }
  record(ctx, 'btn_hardware', `Changed the hardware configuration to ${config.model} ${config.ram}`, tasks);
}

/** Applies a setting to a task and its layers, then lets rendering layers use any nodes it frees. */
function reconfigure(ctx: ActionContext, task: Task, change: (task: Task) => void): void {
  for (const each of new Set([task, ...ctx.store.leaves(task)])) change(each);
  for (const leaf of ctx.store.leaves(task)) refill(leaf, ctx.now, ctx.store);
  afterChange(ctx, [task]);
}

/** Tasks whose frames may be resubmitted or stopped: not deleted, not abandoned, with frames. */
function frameTasks(ctx: ActionContext, ids: readonly number[], action: string): Task[] {
  const tasks = resolve(ctx, ids);
  for (const task of tasks) {
    notDeleted(task);
    if (task.status === TASK.ABANDON) refuse(task, `frames of an abandoned task cannot be ${action}`);
    if (FRAMELESS.has(task.status) || (task.totalFrames === 0 && task.children.length === 0)) refuse(task, 'it has no frames yet');
  }
  return tasks;
}

/**
 * Resubmits the frames of each task whose status is in `statuses`. Without a list, "the failed frames" (api-catalog
 * §5 recommitTasks) are the ones the TaskInfo counters count as failed: failed (5) and timed out (11). Whether the
 * farm's default includes 11 is not documented (assumption).
 */
export function restartFailed(ctx: ActionContext, ids: readonly number[], statuses: readonly number[] = [FRAME.FAILED, FRAME.TIMED_OUT]): void {
  const tasks = frameTasks(ctx, ids, 'resubmitted');
  for (const task of tasks) {
    for (const leaf of ctx.store.leaves(task)) {
      const frames = ensureFrames(leaf, ctx.store).filter((frame) => statuses.includes(frame.status));
      requeueFrames(leaf, frames, ctx.now, ctx.store);
    }
  }
  afterChange(ctx, tasks);
  record(ctx, 'btn_restart', `Resubmitted the frames in status ${statuses.join(', ')}`, tasks);
}

/** The frames `selectAll`/`ids`/`status` choose in a task (and its layers), grouped by the task that owns them. */
function chosenFrames(ctx: ActionContext, task: Task, args: Record<string, unknown>): Map<Task, Frame[]> {
  const leaves = ctx.store.leaves(task);
  const chosen = new Map<Task, Frame[]>();
  if (args.selectAll === 1) {
    const statuses = args.status as number[] | undefined;
    for (const leaf of leaves)
      chosen.set(
        leaf,
        ensureFrames(leaf, ctx.store).filter((frame) => !statuses || statuses.includes(frame.status)),
      );
    return chosen;
  }
  const ids = args.ids as number[] | undefined;
  if (!ids?.length) throw new FarmError(601, 'parameter ids can not be empty when selectAll is 0');
  for (const id of ids) {
    const leaf = leaves.find((candidate) => id >= candidate.frameBase && id < candidate.frameBase + candidate.totalFrames);
    if (!leaf) throw new FarmError(600, `parameter ids is invalid: frame ${id} does not belong to task ${task.id}`);
    chosen.set(leaf, [...(chosen.get(leaf) ?? []), ensureFrames(leaf, ctx.store)[id - leaf.frameBase]!]);
  }
  return chosen;
}

export function restartFrames(ctx: ActionContext, args: Record<string, unknown>): void {
  const [task] = frameTasks(ctx, [args.taskId as number], 'resubmitted');
  for (const [leaf, frames] of chosenFrames(ctx, task!, args)) requeueFrames(leaf, frames, ctx.now, ctx.store);
  afterChange(ctx, [task!]);
  record(ctx, 'btn_restart_frame', 'Resubmitted the chosen frames', [task!]);
}

export function stopChosenFrames(ctx: ActionContext, args: Record<string, unknown>): void {
  const [task] = frameTasks(ctx, [args.taskId as number], 'stopped');
  for (const [leaf, frames] of chosenFrames(ctx, task!, args)) stopFrames(leaf, frames, ctx.now, ctx.store);
  afterChange(ctx, [task!]);
  record(ctx, 'btn_stop_frame', 'Stopped the chosen frames', [task!]);
}

export function addTaskLabel(ctx: ActionContext, label: string, ids: readonly number[]): void {
  const tasks = resolve(ctx, ids);
  const id = ctx.labels.labelId(label);
  for (const task of tasks) if (!task.labelIds.includes(id)) task.labelIds.push(id);
  record(ctx, 'btn_add_label', `Added the label "${label}"`, tasks);
}

/** Current form: remove `labelNames` from `taskIds`; classic form: remove the labels `labelIds` from every task. */
export function deleteTaskLabel(ctx: ActionContext, args: Record<string, unknown>): void {
  if (Array.isArray(args.taskIds) && Array.isArray(args.labelNames)) {
    const tasks = resolve(ctx, args.taskIds as number[]);
    const ids = (args.labelNames as string[]).map((name) => ctx.labels.knownLabelId(name)).filter((id): id is number => id !== undefined);
    for (const task of tasks) task.labelIds = task.labelIds.filter((id) => !ids.includes(id));
    record(ctx, 'btn_delete_label', `Removed the labels ${(args.labelNames as string[]).join(', ')}`, tasks);
    return;
  }
  const labelIds = (args.labelIds as number[] | undefined) ?? [];
  if (labelIds.length === 0) throw new FarmError(601, 'parameter taskIds and labelNames (or labelIds) can not be empty');
  const unknown = labelIds.filter((id) => ctx.labels.labelName(id) === undefined);
  if (unknown.length) throw new FarmError(404, `task label ${unknown.join(', ')} does not exist`);
  const affected: Task[] = [];
  for (const task of ctx.store.all()) {
    const kept = task.labelIds.filter((id) => !labelIds.includes(id));
    if (kept.length !== task.labelIds.length) affected.push(task);
    task.labelIds = kept;
  }
  record(ctx, 'btn_delete_label', `Removed the labels ${labelIds.join(', ')}`, affected);
}
