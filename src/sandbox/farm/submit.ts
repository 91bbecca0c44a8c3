import { FarmError } from '../types.js';
import { USER_ID, USER_NAME } from './account.js';
import { SOFTWARE, renderErrorsFor, software } from './catalogue.js';
import type { ActionContext } from './actions.js';
import { TASK, newTask, rangeText, type Task } from './model.js';
import { hash01 } from './random.js';
import { alias } from './records.js';
import { queueDelaySeconds } from './render.js';

/**
 * The submission flow: create_task reserves ids (hidden from the task list, status 60 "submitting"), upload_task_json
 * stores the task's JSON files, submit_task turns a reserved task into a waiting one whose frames then render.
 */

const MAX_CREATE = 100;

export function createTasks(ctx: ActionContext, args: Record<string, unknown>): Record<string, unknown> {
  const count = args.count as number;
  if (count < 1 || count > MAX_CREATE) throw new FarmError(600, `parameter count is invalid: must be 1-${MAX_CREATE} (got ${count})`);
  const original = typeof args.cloneOriginalId === 'number' ? ctx.store.task(args.cloneOriginalId) : undefined;
  if (typeof args.cloneOriginalId === 'number' && args.cloneOriginalId !== 0 && !original) {
    throw new FarmError(404, `task ${args.cloneOriginalId} (cloneOriginalId) does not exist`);
  }
  const level = typeof args.taskUserLevel === 'number' ? args.taskUserLevel : 50;
  const labelIds = ((args.labels as string[] | undefined) ?? []).map((name) => ctx.labels.labelId(name));
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = ctx.store.nextId();
    const task = newTask({
      id,
      planKey: Math.floor(hash01(id, 0x5ab) * 2 ** 31) || 1,
      status: TASK.SUBMITTING,
      reserved: true,
      submitDate: ctx.now,
      userName: USER_NAME,
      producer: typeof args.artist === 'string' ? args.artist : null,
      taskUserLevel: level,
      labelIds: [...labelIds],
      channel: 4,
      cloneOriginalId: original?.id ?? 0,
    });
    ctx.store.add(task);
    ids.push(id);
  }
  ctx.log.add(ctx.now, { button: 'btn_create', details: `Created ${count} task id(s)`, taskIds: ids, path: ctx.path, params: ctx.args });
  return { aliasTaskIdList: ids.map(alias), taskIdList: ids, userId: USER_ID };
}

function reservedTask(ctx: ActionContext, id: number): Task {
  const task = ctx.store.task(id);
  if (!task) throw new FarmError(404, `task ${id} does not exist; reserve ids with create_task first`);
  return task;
}

export function uploadTaskJson(ctx: ActionContext, args: Record<string, unknown>): void {
  const task = reservedTask(ctx, args.taskId as number);
  if (!task.reserved) throw new FarmError(600, `task ${task.id} has already been submitted; task files can only be uploaded before submit_task`);
  const content = String(args.content);
  try {
    JSON.parse(content);
  } catch {
    throw new FarmError(600, `parameter content is invalid: ${String(args.fileName)} must be JSON text`);
  }
  (task.jsonFiles ??= new Map()).set(String(args.fileName), content);
}

export function submitTask(ctx: ActionContext, args: Record<string, unknown>): void {
  const task = reservedTask(ctx, args.taskId as number);
  if (!task.reserved) throw new FarmError(749, `task ${task.id} (${alias(task.id)}) has already been submitted`);
  const original = task.cloneOriginalId ? ctx.store.task(task.cloneOriginalId) : undefined;
  const json = task.jsonFiles?.get('task.json');
  if (json === undefined && !original) throw new FarmError(600, `task ${task.id} has no task.json; upload it with upload_task_json before submitting`);
  const plan = json === undefined ? fromOriginal(original!) : fromTaskJson(JSON.parse(json) as unknown);
  Object.assign(task, plan, {
    reserved: false,
    status: TASK.WAITING,
    submitDate: ctx.now,
    queueUntil: ctx.now + queueDelaySeconds(task) * 1000,
    producer: typeof args.producer === 'string' ? args.producer : task.producer,
    framesRange: rangeText(plan.cgId, plan.layout, plan.totalFrames),
    failCodes: renderErrorsFor(plan.cgId)
      .slice(0, 2)
      .map((entry) => entry.code),
    failRate: 0.02,
    avgSec: 30 + Math.floor(hash01(task.planKey, 1) * 120),
    seedSlots: 1,
    munuSeq: task.id % 100_000,
  });
  task.frameBase = ctx.store.nextFrameBase();
  ctx.store.indexFrames(task);
  ctx.store.statusChanged(task);
  ctx.store.sync(task, ctx.now);
  ctx.log.add(ctx.now, { button: 'btn_submit', details: 'Submitted the task for rendering', taskIds: [task.id], path: ctx.path, params: ctx.args });
}

type Plan = Pick<Task, 'cgId' | 'sceneName' | 'layout' | 'totalFrames' | 'renderCamera' | 'projectName' | 'taskType'>;

function fromOriginal(original: Task): Plan {
  const { cgId, sceneName, layout, renderCamera, projectName, taskType } = original;
  return { cgId, sceneName, layout, totalFrames: Math.max(1, original.totalFrames), renderCamera, projectName, taskType: taskType || 'Render' };
}

/**
 * Reads what the sandbox needs from a rayvision task.json: `task_info.cg_id` (or `software_config.cg_name`),
 * `task_info.input_cg_file`, `task_info.project_name`, and the first `frames` value (e.g. "1-100[1]") anywhere in
 * `scene_info_render` or `task_info`. Missing values fall back to a 10-frame Maya job.
 */
function fromTaskJson(config: unknown): Plan {
  const info = record(record(config).task_info);
  const softwareConfig = record(record(config).software_config);
  const byName = SOFTWARE.find((app) => app.cgName.toLowerCase() === String(softwareConfig.cg_name ?? '').toLowerCase());
  const cgId = Number(info.cg_id ?? byName?.cgId ?? 2000);
  if (!software(cgId)) throw new FarmError(600, `task.json: cg_id ${String(info.cg_id)} is not a supported software id`);
  const framesText = findString(record(config).scene_info_render, 'frames') ?? (typeof info.frames === 'string' ? info.frames : '1-10[1]');
  const frames = /^\s*(-?\d+)(?:\s*-\s*(-?\d+)(?:\s*\[(\d+)\])?)?\s*$/.exec(framesText);
  if (!frames) throw new FarmError(600, `task.json: frames "${framesText}" is not a frame range such as 1-100[1]`);
  const first = Number(frames[1]);
  const last = frames[2] === undefined ? first : Number(frames[2]);
  const step = Math.max(1, Number(frames[3] ?? 1));
  const total = Math.floor((last - first) / step) + 1;
  if (total < 1 || total > 100_000) throw new FarmError(600, `task.json: frames "${framesText}" must cover 1-100000 frames`);
  const scene = typeof info.input_cg_file === 'string' ? info.input_cg_file.split(/[\\/]/).pop()! : 'untitled.mb';
  const camera = findString(record(config).scene_info_render, 'renderable_camera') ?? findString(record(config).scene_info_render, 'camera') ?? '';
  return {
    cgId,
    sceneName: scene,
    layout: { kind: 'range', first, step },
    totalFrames: total,
    renderCamera: camera,
    projectName: typeof info.project_name === 'string' ? info.project_name : '',
    taskType: cgId === 2004 ? 'GopRender' : 'Render',
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The first string (or first string of a list) stored under `key`, searching nested objects depth-first. */
function findString(value: unknown, key: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [name, item] of Object.entries(value)) {
    if (name === key && typeof item === 'string') return item;
    if (name === key && Array.isArray(item) && typeof item[0] === 'string') return item[0];
    const found = findString(item, key);
    if (found !== undefined) return found;
  }
  return undefined;
}
