import { MISSING_TEXTURE_CODE } from './causes.js';
import { framePlan, summarizeHistory } from './frames.js';
import type { DataSetOptions } from './generate.js';
import { DESIGN_AGE_HOURS, LIVE, STOPPED, type Design } from './generate-tables.js';
import { FRAME, FRAME_TYPE, FRAMELESS, TASK, type Task } from './model.js';
import type { Rng } from './random.js';
import { parallelism } from './render.js';

/** Where each generated task stands when the farm starts: which frames are done, and when it was submitted, started and completed. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Decides which frames are finished, rendering, waiting or stopped for `status`; returns the seconds from the
 * leaf's start to its last finished frame (to its stop, for a task stopped by its timeout).
 */
export function shapeLeaf(rng: Rng, task: Task, status: number, options: DataSetOptions, design?: Design): number {
  task.status = status;
  const total = task.totalFrames;
  const timeout = task.overTimeStop ?? options.taskOverTime;
  if (status === TASK.TIME_OUT_STOP) {
    // It rendered until its timeout: on few nodes, with frames long enough that those done by then filled the time.
    task.taskLimit = rng.int(2, 8);
    const wanted = Math.round((timeout * parallelism(task)) / Math.max(1, total * rng.range(0.3, 0.85)));
    task.avgSec = Math.min(Math.floor(timeout * 0.6), Math.max(task.avgSec, wanted));
  }
  const slots = parallelism(task);
  let finished = 0;
  let running = 0;
  let rest: number = FRAME.WAITING;
  if (task.taskType !== 'RenderPhoton' || status === TASK.FAILED) {
    if (status === TASK.FAILED) task.failAll = true;
    else if (status === TASK.FINISHED_HAS_FAILED) task.failRate = design === 'missing_asset' ? rng.range(0.08, 0.2) : rng.range(0.01, 0.08);
    else if (LIVE.has(status)) task.failRate = rng.chance(0.4) ? rng.range(0.02, 0.06) : 0;
    else if (STOPPED.has(status)) task.failRate = rng.chance(0.2) ? rng.range(0.01, 0.05) : 0;
  }
  switch (status) {
    case TASK.FINISHED:
    case TASK.FINISHED_HAS_FAILED:
    case TASK.FAILED:
      finished = total;
      break;
    case TASK.RENDERING:
      finished = Math.min(total - 1, Math.floor(total * rng.range(0, 0.8)));
      running = Math.min(slots, total - finished);
      break;
    case TASK.WAITING:
    case TASK.PRE_RENDERING:
      rest = task.taskType === 'Render' && task.frameType === FRAME_TYPE.MAIN && task.layout.kind === 'tiles' ? FRAME.WAIT_PHOTON_JOB : FRAME.WAITING;
      break;
    case TASK.FINISHED_TEST:
      task.priorityFrames = Math.min(total, rng.int(1, 3));
      finished = task.priorityFrames;
      break;
    case TASK.FINISHED_HAS_STOPPED:
      finished = Math.floor(total * rng.range(0.5, 0.95));
      rest = FRAME.STOPPED;
      break;
    case TASK.TIME_OUT_STOP:
      finished = framesWithin(task, slots, timeout);
      rest = FRAME.STOPPED;
      break;
    default:
      finished = Math.floor(total * rng.range(0.1, 0.9));
      rest = FRAME.STOPPED;
  }
  if (status === TASK.FINISHED_HAS_FAILED) task.forcedFailK = rng.int(0, finished - 1);
  // The frames rendered last before the farm stopped an account in arrears were rendered on credit.
  if (status === TASK.ARREARAGE_STOP && finished > 0) task.arrearsFromK = Math.floor(finished * rng.range(0.6, 0.95));
  if (design === 'resubmitted') task.seedRetryGapSec = rng.int(600, 7200);
  task.seedFinished = finished;
  task.seedRunning = running;
  task.seedRestStatus = rest;
  task.seedSlots = slots;
  let history = summarizeHistory(task, finished, slots);
  if (design === 'resubmitted' && history.failed === 0) {
    // Every failure was a lost node that rendered on the retry: make the repeat happen.
    task.failCodes = [MISSING_TEXTURE_CODE];
    history = summarizeHistory(task, finished, slots);
  }
  const others = total - finished - running;
  task.counts = {
    done: history.done,
    failed: history.failed,
    running,
    waiting: rest === FRAME.STOPPED ? 0 : others,
    stopped: rest === FRAME.STOPPED ? others : 0,
  };
  task.awaitingDependency = rest === FRAME.WAIT_PHOTON_JOB && others > 0;
  task.consume = history.consume;
  task.arrears = history.arrears;
  task.renderSeconds = history.renderSeconds;
  return status === TASK.TIME_OUT_STOP ? timeout : Math.ceil(history.makespan);
}

/** How many frames (in order, round-robin on `slots` nodes) finish within `limitSec`; never all of them. */
function framesWithin(task: Task, slots: number, limitSec: number): number {
  const cursor = new Float64Array(Math.max(1, slots));
  let k = 0;
  for (; k < task.totalFrames - 1; k++) {
    const slot = k % cursor.length;
    const { sec } = framePlan(task, k, 0);
    if (cursor[slot]! + sec > limitSec) break;
    cursor[slot]! += sec;
  }
  return k;
}

/** Submit, start and completion times: live tasks around "now", finished ones spread over the last 45 days. */
export function placeTimes(rng: Rng, root: Task, leaves: Task[], makespans: number[], options: DataSetOptions, design?: Design): void {
  const { origin } = options;
  const status = root.status;
  if (FRAMELESS.has(status)) {
    root.submitDate = origin - (status === TASK.SUBMIT_FAIL ? rng.int(1, 72) * HOUR : rng.int(60, 6 * 3600) * 1000);
    return;
  }
  const queued = () => rng.int(30, 900) * 1000;
  if (LIVE.has(status)) {
    // Live: rendering stages started so their finished frames end by now; finished stages ended before that.
    let earliest = origin - rng.int(60, 2 * 3600) * 1000;
    const liveStart = new Map<Task, number>();
    leaves.forEach((task, index) => {
      if (task.status === TASK.RENDERING) {
        const start = origin - makespans[index]! * 1000 - rng.int(5, 90) * 1000;
        task.startTime = task.runStartedAt = start;
        liveStart.set(task, start);
      } else if (task.status === TASK.WAITING || task.status === TASK.PRE_RENDERING) {
        task.queueUntil = origin + rng.int(10, 600) * 1000;
      }
    });
    const firstLive = Math.min(origin, ...liveStart.values());
    leaves.forEach((task, index) => {
      if (task.status !== TASK.FINISHED) return;
      task.completedDate = firstLive - rng.int(20, 120) * 1000;
      task.startTime = task.runStartedAt = task.completedDate - makespans[index]! * 1000;
    });
    for (const task of leaves) if (task.startTime !== null) earliest = Math.min(earliest, task.startTime - queued());
    for (const task of [root, ...leaves]) task.submitDate = earliest;
    for (const task of leaves) {
      // A task rendering for nearly its timeout already was given a longer one of its own (seed 001 shows 86400).
      if (task.runStartedAt === null) continue;
      let timeout = task.overTimeStop ?? options.taskOverTime;
      while (task.runStartedAt + timeout * 1000 < origin + HOUR) timeout += 86_400;
      if (timeout !== (task.overTimeStop ?? options.taskOverTime)) task.overTimeStop = timeout;
    }
    return;
  }
  const [fromHours, toHours] = design ? DESIGN_AGE_HOURS[design] : [0, 0];
  const recent = design
    ? rng.range(fromHours, toHours) * HOUR
    : status === TASK.FINISHED_TEST
      ? rng.range(0.05, 3) * DAY
      : status === TASK.ARREARAGE_STOP
        ? rng.range(1, 36) * HOUR
        : rng.next() ** 1.5 * 45 * DAY + HOUR;
  const submit = origin - recent;
  let cursor = submit + queued();
  leaves.forEach((task, index) => {
    const start =
      task.taskType === 'Render' && leaves[0]!.taskType === 'RenderPhoton' ? cursor : submit + queued() + (leaves.length > 1 ? rng.int(0, 120) * 1000 : 0);
    task.startTime = task.runStartedAt = start;
    // A task stopped by its timeout ends exactly then; other stopped ones a while after their last frame.
    let end = start + makespans[index]! * 1000;
    if (STOPPED.has(task.status) && task.status !== TASK.TIME_OUT_STOP) end += rng.int(10, 600) * 1000;
    task.completedDate = end;
    cursor = end + rng.int(20, 60) * 1000;
  });
  root.submitDate = submit;
  for (const task of leaves) task.submitDate = submit;
  const last = Math.max(...leaves.map((task) => task.completedDate ?? 0));
  const shift = last > origin - 60_000 ? last - origin + rng.int(60, 3600) * 1000 : 0;
  for (const task of new Set([root, ...leaves])) {
    task.submitDate -= shift;
    if (task.startTime !== null) task.startTime -= shift;
    if (task.runStartedAt !== null) task.runStartedAt -= shift;
    if (task.completedDate !== null) task.completedDate -= shift;
  }
}
