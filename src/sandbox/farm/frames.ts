import { NODE_LOST_CODE, isPersistent } from './causes.js';
import { FRAME, FRAME_TYPE, bucket, emptyCounts, schedulerId, type Frame, type Task } from './model.js';
import { hash01 } from './random.js';

/**
 * Frames are planned, not stored: a frame's duration and outcome for each attempt come from a hash of the task's
 * plan key, its position and the attempt number. So the data set can state every task's counters, cost and
 * completion time up front, and a task's frame records are only built (identically) when first needed.
 */

/** Price of one node-hour; a 489 s frame costs about 0.44, as in seed 001's frame example. */
const NODE_HOUR_PRICE = 3.2;
/** Share of resubmitted frames that a transient cause strikes again (persistent causes always repeat). */
const RETRY_FAILS_AGAIN = 0.05;

export interface FramePlan {
  sec: number;
  fail: number;
}

export function framePlan(task: Task, k: number, attempt: number): FramePlan {
  const fail = planFail(task, k, attempt);
  return { sec: planSeconds(task, k, attempt, fail), fail };
}

/** The error code the attempt fails with, 0 when it renders fine. */
function planFail(task: Task, k: number, attempt: number): number {
  if (attempt === 0) {
    return task.failAll || k === task.forcedFailK || hash01(task.planKey, k, 0, 2) < task.failRate ? pickCode(task, k) : 0;
  }
  // A resubmitted frame fails again, with the same code, when resubmitting cannot fix its cause (a missing file
  // stays missing); otherwise it renders, except that now and then a transient failure strikes again.
  const first = planFail(task, k, 0);
  if (first && isPersistent(first)) return first;
  return hash01(task.planKey, k, attempt, 3) < RETRY_FAILS_AGAIN ? first || NODE_LOST_CODE : 0;
}

/** Seconds the attempt takes; a failing attempt stops part of the way through. */
function planSeconds(task: Task, k: number, attempt: number, fail: number): number {
  const sec = Math.max(5, Math.round(task.avgSec * (0.6 + 0.8 * hash01(task.planKey, k, attempt, 1))));
  return fail ? Math.max(5, Math.round(sec * (0.1 + 0.4 * hash01(task.planKey, k, attempt, 4)))) : sec;
}

function pickCode(task: Task, k: number): number {
  return task.failCodes[Math.floor(hash01(task.planKey, k, 5) * task.failCodes.length)] ?? 50002;
}

export function feeFor(task: Task, seconds: number): number {
  return round3((seconds / 3600) * NODE_HOUR_PRICE * (task.taskRam >= 128 ? 1.6 : 1));
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function nodeIp(task: Task, k: number, attempt: number): string {
  const h = hash01(task.planKey, k, attempt, 6);
  return `10.60.${1 + Math.floor(h * 12)}.${2 + Math.floor(hash01(task.planKey, k, attempt, 7) * 250)}`;
}

/** What the history of a task's first `finished` frames adds up to, laid out round-robin on `slots` nodes. */
export interface HistorySummary {
  done: number;
  failed: number;
  renderSeconds: number;
  consume: number;
  /** Seconds from the task's start to its last finished frame. */
  makespan: number;
}

export function summarizeHistory(task: Task, finished: number, slots: number): HistorySummary {
  const cursor = new Float64Array(Math.max(1, slots));
  const summary: HistorySummary = { done: 0, failed: 0, renderSeconds: 0, consume: 0, makespan: 0 };
  for (let k = 0; k < finished; k++) {
    const fail = planFail(task, k, 0);
    const sec = planSeconds(task, k, 0, fail);
    cursor[k % cursor.length]! += sec;
    if (fail) summary.failed++;
    else summary.done++;
    summary.renderSeconds += sec;
    summary.consume = round3(summary.consume + feeFor(task, sec));
  }
  summary.makespan = Math.max(0, ...cursor);
  return summary;
}

/** Builds a task's frames as the data set describes them at `origin` (the moment the farm was created). */
export function materialize(task: Task, origin: number): void {
  const frames: Frame[] = new Array(task.totalFrames);
  const cursor = new Float64Array(Math.max(1, task.seedSlots));
  const start = task.startTime ?? origin;
  for (let k = 0; k < task.totalFrames; k++) {
    const plan = framePlan(task, k, 0);
    const frame: Frame = { id: task.frameBase + k, k, status: task.seedRestStatus, start: 0, end: 0, planSec: plan.sec, planFail: plan.fail, code: 0, attempt: 0, fee: 0, node: '' };
    if (k < task.seedFinished) {
      const slot = k % cursor.length;
      frame.start = start + cursor[slot]! * 1000;
      cursor[slot]! += plan.sec;
      frame.end = frame.start + plan.sec * 1000;
      frame.status = plan.fail ? FRAME.FAILED : FRAME.DONE;
      frame.code = plan.fail;
      frame.fee = feeFor(task, plan.sec);
      frame.node = nodeIp(task, k, 0);
    } else if (k < task.seedFinished + task.seedRunning) {
      frame.status = FRAME.RENDERING;
      frame.start = Math.max(start, origin - Math.floor(hash01(task.planKey, k, 8) * plan.sec) * 1000);
      frame.node = nodeIp(task, k, 0);
    }
    frames[k] = frame;
  }
  task.frames = frames;
  task.running = frames.filter((frame) => frame.status === FRAME.RENDERING);
  task.queue = frames.filter((frame) => frame.status === FRAME.WAITING).map((frame) => frame.k);
  task.queueHead = 0;
  task.awaitingDependency = frames.some((frame) => frame.status === FRAME.WAIT_PHOTON_JOB);
  task.counts = emptyCounts();
  for (const frame of frames) task.counts[bucket(frame.status)]++;
}

export function frameIndex(task: Task, k: number): string {
  return task.layout.kind === 'tiles' ? `${task.layout.frame}-${k + 1}` : String(task.layout.first + k * task.layout.step);
}

/** The frame number a frame renders (a tile belongs to its still's frame). */
export function frameNumber(task: Task, k: number): number {
  return task.layout.kind === 'tiles' ? task.layout.frame : task.layout.first + k * task.layout.step;
}

export function frameTypeOf(task: Task, k: number): number {
  return k < task.priorityFrames ? FRAME_TYPE.PRIORITY : task.frameType;
}

/** One FrameInfo record (api-catalog §3.2 with the example-only fields of seed 001's get_all_frames). */
export function frameRecord(task: Task, frame: Frame, now: number): Record<string, unknown> {
  const started = frame.start > 0;
  const finished = frame.status === FRAME.DONE || frame.status === FRAME.FAILED;
  const executeSeconds = finished ? Math.round((frame.end - frame.start) / 1000) : 0;
  const currentSeconds = frame.status === FRAME.RENDERING ? Math.max(0, Math.round((now - frame.start) / 1000)) : 0;
  const cpu = started ? 55 + Math.floor(hash01(task.planKey, frame.k, frame.attempt, 9) * 43) : 0;
  const memory = started ? Math.floor(task.taskRam * 1024 ** 3 * (0.1 + 0.6 * hash01(task.planKey, frame.k, frame.attempt, 10))) : 0;
  return {
    id: frame.id,
    userId: null,
    framePrice: null,
    feeType: null,
    platform: null,
    frameIndex: frameIndex(task, frame.k),
    frameStatus: frame.status,
    feeAmount: finished ? (task.coupon ? 0 : frame.fee) : null,
    startTime: frame.start,
    endTime: finished ? frame.end : 0,
    frameExecuteTime: executeSeconds,
    currentRenderTime: currentSeconds,
    frameStatusText: `task_frame_status_${frame.status}`,
    arrearsFee: null,
    munuJobId: String(frame.k),
    taskId: task.id,
    munuTaskId: schedulerId(task),
    frameType: frameTypeOf(task, frame.k),
    couponFee: finished ? (task.coupon ? frame.fee : 0) : null,
    recommitFlag: frame.attempt,
    isCopy: null,
    frameBlock: task.layout.kind === 'tiles' ? String(frame.k + 1) : '',
    taskOverTime: task.taskOverTime,
    gopName: task.cgId === 2004 ? '/out/mantra1' : null,
    frameRam: task.taskRam,
    averageCpu: cpu,
    averageMemory: memory,
    isOverTime: executeSeconds + currentSeconds > task.taskOverTime ? 1 : 0,
    overOneMonth: null,
    renderRam: null,
    nodeId: frame.node,
    openRenderRam: null,
  };
}
