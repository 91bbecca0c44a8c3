import { PLATFORM, USER_ID } from './account.js';
import { round3 } from './frames.js';
import type { Labels } from './labels.js';
import { ACTIVE, schedulerId, type Task } from './model.js';
import type { TaskStore } from './store.js';

/** `2W35736251`: platform number, the platform's task prefix, the id (seed 001). */
export function alias(id: number): string {
  return `${PLATFORM}W${id}`;
}

/** Scene name without its extension, as output folder names use it (`18280_衣帽间`). */
export function sceneBase(task: Task): string {
  return task.sceneName.replace(/\.[^.]+$/, '') || 'untitled';
}

export function outputFolder(task: Task): string {
  return `${task.id}_${sceneBase(task)}`;
}

/**
 * One TaskInfo record (api-catalog §3.1): the documented fields in the documented order, then the fields only the
 * examples show. Values are null where the platform's examples have null (a waiting task has no start time, no
 * cost and no output folder yet; a task without frames has null counters).
 */
export function taskRecord(task: Task, store: TaskStore, labels: Labels, now: number): Record<string, unknown> {
  const started = task.startTime !== null;
  const noFrames = task.totalFrames === 0 && task.children.length === 0;
  const active = ACTIVE.has(task.status);
  const elapsed = started ? (active ? now : (task.completedDate ?? now)) - (task.runStartedAt ?? task.startTime!) : 0;
  const consume = started ? round3(task.consume) : null;
  return {
    sceneName: task.sceneName,
    id: task.id,
    taskAlias: alias(task.id),
    taskStatus: task.status,
    statusText: `render_task_status_${task.status}`,
    preTaskStatus: task.preStatus,
    preStatusText: task.preStatus === null ? null : `render_task_status_${task.preStatus}`,
    totalFrames: task.totalFrames,
    abortFrames: noFrames ? null : task.counts.stopped,
    executingFrames: noFrames ? null : task.counts.running,
    doneFrames: noFrames ? null : task.counts.done,
    failedFrames: task.counts.failed,
    framesRange: task.framesRange,
    projectName: task.projectName,
    renderConsume: consume,
    taskArrears: round3(task.arrears),
    submitDate: task.submitDate,
    startTime: task.startTime,
    completedDate: active ? null : task.completedDate,
    renderDuration: started ? task.renderSeconds : null,
    userName: task.userName,
    producer: task.producer,
    taskLevel: task.taskLevel,
    taskUserLevel: task.taskUserLevel,
    taskLimit: task.taskLimit,
    taskOverTime: task.taskOverTime,
    overTimeStop: task.overTimeStop,
    userId: USER_ID,
    outputFileName: started ? outputFolder(task) : null,
    munuTaskId: started ? schedulerId(task) : '',
    munuTaskIds: started ? schedulerId(task) : '',
    layerParentId: task.parentId,
    cgId: task.cgId,
    taskKeyValueVo: {
      tiles: task.layout.kind === 'tiles' ? String(task.totalFrames) : null,
      allCamera: task.cgId === 2001 ? JSON.stringify([task.renderCamera]) : null,
      renderableCamera: task.cgId === 2001 ? JSON.stringify([task.renderCamera]) : null,
    },
    userAccountConsume: consume === null ? null : task.coupon ? 0 : consume,
    couponConsume: consume === null ? null : task.coupon ? consume : 0,
    qyCouponConsume: null,
    isOpen: task.children.length > 0 ? 1 : 0,
    taskType: task.taskType,
    renderCamera: task.renderCamera,
    cloneParentId: 0,
    cloneOriginalId: task.cloneOriginalId,
    shareMainCapital: 0,
    taskRam: task.taskRam,
    respRenderingTaskList: task.children.length ? task.children.map((id) => taskRecord(store.task(id)!, store, labels, now)) : null,
    layerName: task.layerName,
    taskTypeText: task.taskTypeText,
    locationOutput: 'C:/RenderFarm/Download',
    isDelete: task.isDelete,
    channel: task.channel,
    remark: '',
    labels: labels.labelsField(task.labelIds),
    isOverTime: elapsed > task.taskOverTime * 1000 ? 1 : 0,
    waitingCount: active ? task.counts.waiting : null,
    stopType: 0,
  };
}
