import { NODE_LOST_CODE, RENDER_TIMEOUT_CODE, failedStatus, isPersistent } from './causes.js';
import { FRAME, FRAME_TYPE, bucket, emptyCounts, isFinishedFrame, schedulerId, type Frame, type Task } from './model.js';
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
/**
 * A frame that stalls runs this many times its expected time before the scheduler stops it (status 11, error
 * 50001). No document gives the farm's per-frame limit; this is the sandbox's design.
 */
const STALL_FACTOR = 3;

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

/** Seconds the attempt takes; a failing attempt stops part of the way through, a stalled one runs long. */
function planSeconds(task: Task, k: number, attempt: number, fail: number): number {
  const sec = Math.max(5, Math.round(task.avgSec * (0.6 + 0.8 * hash01(task.planKey, k, attempt, 1))));
  if (fail === RENDER_TIMEOUT_CODE) return sec * STALL_FACTOR;
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

/** The render node of a frame's current attempt ('' before it started): derived, so frames need not store it. */
export function frameNode(task: Task, frame: Frame): string {
  if (frame.start === 0) return '';
  const h = hash01(task.planKey, frame.k, frame.attempt, 6);
  return `10.60.${1 + Math.floor(h * 12)}.${2 + Math.floor(hash01(task.planKey, frame.k, frame.attempt, 7) * 250)}`;
}

/**
 * Lays out the generated history of a task's first `finished` frames: round-robin on `slots` nodes from the task's
 * start, then (when the history resubmitted them) the failed ones again, `seedRetryGapSec` after the first pass.
 * Calls `visit` for every attempt with its start in seconds after the task's start; returns when the last ended.
 */
function layHistory(task: Task, finished: number, slots: number, visit: (k: number, attempt: number, startSec: number, plan: FramePlan) => void): number {
  const nodes = Math.max(1, slots);
  const cursor = new Float64Array(nodes);
  for (let k = 0; k < finished; k++) {
    const plan = framePlan(task, k, 0);
    visit(k, 0, cursor[k % nodes]!, plan);
    cursor[k % nodes]! += plan.sec;
  }
  let end = Math.max(0, ...cursor);
  if (task.seedRetryGapSec <= 0) return end;
  const retryStart = end + task.seedRetryGapSec;
  const again = new Float64Array(nodes);
  let j = 0;
  for (let k = 0; k < finished; k++) {
    if (!planFail(task, k, 0)) continue;
    const plan = framePlan(task, k, 1);
    visit(k, 1, retryStart + again[j % nodes]!, plan);
    again[j++ % nodes]! += plan.sec;
  }
  if (j > 0) end = retryStart + Math.max(0, ...again);
  return end;
}

/** When the generated history resubmitted a task's failed frames (ms), or undefined if it did not. */
export function seededRetryMoment(task: Task): number | undefined {
  if (task.seedRetryGapSec <= 0 || task.startTime === null) return undefined;
  let firstPass = 0;
  layHistory(
    { ...task, seedRetryGapSec: 0 },
    task.seedFinished,
    task.seedSlots,
    (_k, _attempt, startSec, plan) => (firstPass = Math.max(firstPass, startSec + plan.sec)),
  );
  return task.startTime + (firstPass + task.seedRetryGapSec) * 1000;
}

/** What the history of a task's first `finished` frames adds up to. */
export interface HistorySummary {
  done: number;
  failed: number;
  renderSeconds: number;
  consume: number;
  /** Cost of the frames rendered while the account was in arrears (from `arrearsFromK` on). */
  arrears: number;
  /** Seconds from the task's start to its last finished frame. */
  makespan: number;
}

export function summarizeHistory(task: Task, finished: number, slots: number): HistorySummary {
  const summary: HistorySummary = { done: 0, failed: 0, renderSeconds: 0, consume: 0, arrears: 0, makespan: 0 };
  summary.makespan = layHistory(task, finished, slots, (k, attempt, _start, plan) => {
    const fee = feeFor(task, plan.sec);
    // A second attempt replaces the first one's (failed) outcome.
    if (attempt > 0) summary.failed--;
    if (plan.fail) summary.failed++;
    else summary.done++;
    summary.renderSeconds += plan.sec;
    summary.consume = round3(summary.consume + fee);
    if (task.arrearsFromK >= 0 && k >= task.arrearsFromK) summary.arrears = round3(summary.arrears + fee);
  });
  return summary;
}

/** When a frame that was rendering when the data set was made started (it is part-way through at `origin`). */
function seededRunningStart(task: Task, k: number, sec: number, origin: number): number {
  return Math.max(task.startTime ?? origin, origin - Math.floor(hash01(task.planKey, k, 8) * sec) * 1000);
}

/** When the first frame that was rendering at `origin` ends, without building the task's frames. */
export function seededNextFrameEnd(task: Task, origin: number): number {
  let next = Infinity;
  for (let k = task.seedFinished; k < task.seedFinished + task.seedRunning; k++) {
    const { sec } = framePlan(task, k, 0);
    next = Math.min(next, seededRunningStart(task, k, sec, origin) + sec * 1000);
  }
  return next;
}

/** Builds a task's frames as the data set describes them at `origin` (the moment the farm was created). */
export function materialize(task: Task, origin: number): void {
  const frames: Frame[] = new Array(task.totalFrames);
  for (let k = 0; k < task.totalFrames; k++) {
    const plan = framePlan(task, k, 0);
    frames[k] = {
      id: task.frameBase + k,
      k,
      status: task.seedRestStatus,
      start: 0,
      end: 0,
      planSec: plan.sec,
      planFail: plan.fail,
      code: 0,
      attempt: 0,
      fee: 0,
    };
  }
  const start = task.startTime ?? origin;
  layHistory(task, task.seedFinished, task.seedSlots, (k, attempt, startSec, plan) => {
    const frame = frames[k]!;
    frame.attempt = attempt;
    frame.planSec = plan.sec;
    frame.planFail = plan.fail;
    frame.start = start + startSec * 1000;
    frame.end = frame.start + plan.sec * 1000;
    frame.status = plan.fail ? failedStatus(plan.fail) : FRAME.DONE;
    frame.code = plan.fail;
    frame.fee = round3(frame.fee + feeFor(task, plan.sec));
  });
  for (let k = task.seedFinished; k < task.seedFinished + task.seedRunning; k++) {
    const frame = frames[k]!;
    frame.status = FRAME.RENDERING;
    frame.start = seededRunningStart(task, k, frame.planSec, origin);
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
  const finished = isFinishedFrame(frame.status);
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
    arrearsFee: finished && task.arrearsFromK >= 0 && frame.k >= task.arrearsFromK ? frame.fee : null,
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
    isOverTime: frame.status === FRAME.TIMED_OUT || executeSeconds + currentSeconds > task.taskOverTime ? 1 : 0,
    overOneMonth: null,
    renderRam: null,
    nodeId: frameNode(task, frame),
    openRenderRam: null,
  };
}
