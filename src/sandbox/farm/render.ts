import { failedStatus } from './causes.js';
import { feeFor, framePlan, materialize, round3, seededNextFrameEnd } from './frames.js';
import { ACTIVE, COUNT_KEYS, FINISHED, FRAME, TASK, bucket, emptyCounts, type Frame, type Task } from './model.js';

/**
 * How frames move. A task waits in the queue, then renders its frames on at most `parallelism` nodes; each frame
 * takes its planned time and ends done or failed; when nothing is left the task ends finished (25), finished with
 * failures (30), failed (45) or finished with stopped frames (70). Time only moves when `advanceLeaf` is called
 * with a later moment, so a task is brought up to date lazily, when a request touches it.
 */

export interface RenderWorld {
  /** When the data set was made: the moment generated frames are laid out around. */
  readonly origin: number;
  task(id: number): Task | undefined;
  /** A task's status changed (the world keeps the set of tasks that move on their own, and its indexes). */
  statusChanged(task: Task): void;
  /** A leaf was brought up to date: the world queues when it next changes. */
  moved(task: Task): void;
  /** Money a finished frame cost the account. */
  charge(amount: number): void;
  /** The account's task timeout: a task rendering longer (without a timeout of its own) is stopped (23). */
  taskTimeoutSec(): number;
}

/** Nodes the farm gives a full-speed task: it lifts the task's limit and its priority cap. */
const FULL_SPEED_NODES = 200;
const DEFAULT_LIMIT = 200;

/** Nodes a task may use: its limit, capped by what its priority earns it (20 nodes at 0, 50 at 60). */
export function parallelism(task: Task): number {
  if (task.fullSpeed) return FULL_SPEED_NODES;
  const limit = task.taskLimit ?? DEFAULT_LIMIT;
  return Math.max(1, Math.min(limit, 20 + Math.floor(task.taskUserLevel / 2)));
}

/** Seconds a queued task waits for nodes: a minute at priority 0, less for higher priorities. */
export function queueDelaySeconds(task: Task): number {
  return Math.max(5, 60 - Math.floor(task.taskUserLevel / 2));
}

export function ensureFrames(task: Task, world: RenderWorld): Frame[] {
  if (!task.frames) {
    const before = task.counts;
    materialize(task, world.origin);
    if (task.tally) for (const key of COUNT_KEYS) task.tally[key] += task.counts[key] - before[key];
  }
  return task.frames!;
}

export function setStatus(task: Task, status: number, world: RenderWorld): void {
  if (task.status === status) return;
  task.status = status;
  world.statusChanged(task);
}

function setFrameStatus(task: Task, frame: Frame, status: number): void {
  task.nextEventAt = 0;
  const from = bucket(frame.status);
  const to = bucket(status);
  task.counts[from]--;
  task.counts[to]++;
  if (task.tally) {
    task.tally[from]--;
    task.tally[to]++;
  }
  frame.status = status;
}

/** Status of a task whose frames are all settled. */
function settledStatus(task: Task): number {
  const { done, failed, stopped } = task.counts;
  if (stopped > 0) return done > 0 ? TASK.FINISHED_HAS_STOPPED : TASK.STOP;
  if (failed === 0) return TASK.FINISHED;
  return done === 0 ? TASK.FAILED : TASK.FINISHED_HAS_FAILED;
}

function nextQueued(task: Task, take: boolean): Frame | undefined {
  const queue = task.queue!;
  let head = task.queueHead ?? 0;
  while (head < queue.length && task.frames![queue[head]!]!.status !== FRAME.WAITING) head++;
  const frame = head < queue.length ? task.frames![queue[head]!] : undefined;
  if (frame && take) head++;
  if (head > 1024 && head * 2 > queue.length) {
    task.queue = queue.slice(head);
    head = 0;
  }
  task.queueHead = head;
  return frame;
}

function startFrame(task: Task, frame: Frame, at: number): void {
  const plan = framePlan(task, frame.k, frame.attempt);
  frame.planSec = plan.sec;
  frame.planFail = plan.fail;
  frame.start = at;
  frame.end = 0;
  setFrameStatus(task, frame, FRAME.RENDERING);
  task.running!.push(frame);
}

function fill(task: Task, at: number): void {
  const nodes = parallelism(task);
  while (task.running!.length < nodes) {
    const frame = nextQueued(task, true);
    if (!frame) return;
    startFrame(task, frame, at);
  }
}

function finishFrame(task: Task, frame: Frame, at: number, world: RenderWorld): void {
  task.running!.splice(task.running!.indexOf(frame), 1);
  const fee = feeFor(task, frame.planSec);
  frame.end = at;
  frame.fee = round3(frame.fee + fee);
  frame.code = frame.planFail;
  task.consume = round3(task.consume + fee);
  task.renderSeconds += frame.planSec;
  world.charge(fee);
  setFrameStatus(task, frame, frame.planFail ? failedStatus(frame.planFail) : FRAME.DONE);
}

function blocked(task: Task): boolean {
  return task.dependsOn !== 0 && task.awaitingDependency;
}

/** Whether the stage this task waits for (its photon sibling) has finished. */
function dependencyDone(task: Task, world: RenderWorld): boolean {
  const dependency = task.dependsOn ? world.task(task.dependsOn) : undefined;
  return !dependency || FINISHED.has(dependency.status);
}

/** When a rendering task is stopped for running too long: its own timeout, else the account's (Infinity = not rendering). */
function deadline(task: Task, world: RenderWorld): number {
  if (task.runStartedAt === null) return Infinity;
  return task.runStartedAt + (task.overTimeStop ?? world.taskTimeoutSec()) * 1000;
}

/** Brings a leaf task (one with frames) up to `now`. */
export function advanceLeaf(task: Task, now: number, world: RenderWorld): void {
  if (!ACTIVE.has(task.status) || task.reserved || task.children.length > 0) return;
  advance(task, now, world);
  world.moved(task);
}

function advance(task: Task, now: number, world: RenderWorld): void {
  // Cheap exits first: a queued task before its turn, a rendering one before its next frame ends (known without
  // building its frames while they are as the data set made them).
  if (task.status !== TASK.RENDERING && !task.awaitingDependency && now < task.queueUntil) return;
  if (task.status === TASK.RENDERING) {
    if (!task.frames && task.nextEventAt === 0) task.nextEventAt = Math.min(seededNextFrameEnd(task, world.origin), deadline(task, world));
    if (now < task.nextEventAt) return;
  }
  if (blocked(task)) {
    const dependency = world.task(task.dependsOn);
    if (dependency) advanceLeaf(dependency, now, world);
    if (!dependencyDone(task, world)) return;
    ensureFrames(task, world);
    for (const frame of task.frames!) {
      if (frame.status !== FRAME.WAIT_PHOTON_JOB) continue;
      setFrameStatus(task, frame, FRAME.WAITING);
      task.queue!.push(frame.k);
    }
    task.awaitingDependency = false;
    task.queueUntil = Math.max(task.queueUntil, (dependency?.completedDate ?? now) + queueDelaySeconds(task) * 1000);
  }
  ensureFrames(task, world);
  let clock = now;
  if (task.status !== TASK.RENDERING) {
    if (now < task.queueUntil) return;
    clock = task.queueUntil;
    setStatus(task, TASK.RENDERING, world);
    task.startTime ??= clock;
    task.runStartedAt = clock;
    task.completedDate = null;
    fill(task, clock);
  }
  const stopAt = deadline(task, world);
  for (;;) {
    let next: Frame | undefined;
    for (const frame of task.running!) if (!next || frame.start + frame.planSec * 1000 < next.start + next.planSec * 1000) next = frame;
    const nextEnd = next ? next.start + next.planSec * 1000 : Infinity;
    if (next && stopAt <= Math.min(nextEnd, now)) {
      stopLeaf(task, stopAt, TASK.TIME_OUT_STOP, world);
      return;
    }
    if (!next || nextEnd > now) {
      task.nextEventAt = Math.min(nextEnd, stopAt);
      break;
    }
    clock = nextEnd;
    finishFrame(task, next, clock, world);
    fill(task, clock);
  }
  if (task.running!.length === 0 && !nextQueued(task, false) && !blocked(task)) {
    task.completedDate = clock;
    setStatus(task, settledStatus(task), world);
  }
}

/** Stops every waiting or rendering frame of a leaf and gives the task `status` (10 stop, 23 timeout, 35 abandon). */
export function stopLeaf(task: Task, at: number, status: number, world: RenderWorld): void {
  for (const frame of ensureFrames(task, world)) {
    if (bucket(frame.status) === 'waiting' || frame.status === FRAME.RENDERING) setFrameStatus(task, frame, FRAME.STOPPED);
  }
  task.running = [];
  task.queue = [];
  task.queueHead = 0;
  task.awaitingDependency = false;
  if (task.totalFrames > 0 || ACTIVE.has(task.status)) task.completedDate ??= at;
  setStatus(task, status, world);
}

/** Puts a stopped leaf back in the queue: its stopped frames wait for nodes again. */
export function startLeaf(task: Task, now: number, world: RenderWorld): void {
  const waitStatus = dependencyDone(task, world) ? FRAME.WAITING : FRAME.WAIT_PHOTON_JOB;
  for (const frame of ensureFrames(task, world)) {
    if (frame.status !== FRAME.STOPPED) continue;
    frame.start = 0;
    frame.end = 0;
    setFrameStatus(task, frame, waitStatus);
    if (waitStatus === FRAME.WAITING) task.queue!.push(frame.k);
    else task.awaitingDependency = true;
  }
  queue(task, now, world);
}

function queue(task: Task, now: number, world: RenderWorld): void {
  if (ACTIVE.has(task.status)) return;
  task.queueUntil = now + queueDelaySeconds(task) * 1000;
  task.completedDate = null;
  setStatus(task, TASK.WAITING, world);
}

/** Lets a rendering task use nodes a changed limit, priority or full speed frees, at once. */
export function refill(task: Task, now: number, world: RenderWorld): void {
  if (task.status !== TASK.RENDERING) return;
  ensureFrames(task, world);
  fill(task, now);
}

/** Resubmits frames: each renders again from scratch (`recommitFlag` + 1). Returns how many were resubmitted. */
export function requeueFrames(task: Task, frames: readonly Frame[], now: number, world: RenderWorld): number {
  const waitStatus = dependencyDone(task, world) ? FRAME.WAITING : FRAME.WAIT_PHOTON_JOB;
  let count = 0;
  for (const frame of frames) {
    if (bucket(frame.status) === 'waiting') continue;
    if (frame.status === FRAME.RENDERING) task.running!.splice(task.running!.indexOf(frame), 1);
    frame.attempt++;
    Object.assign(frame, { start: 0, end: 0, code: 0 });
    setFrameStatus(task, frame, waitStatus);
    if (waitStatus === FRAME.WAITING) task.queue!.push(frame.k);
    else task.awaitingDependency = true;
    count++;
  }
  if (count === 0) return 0;
  queue(task, now, world);
  if (task.status === TASK.RENDERING) fill(task, now);
  return count;
}

/** Stops chosen frames; a task left with nothing to render settles (70 when some frames were done). */
export function stopFrames(task: Task, frames: readonly Frame[], now: number, world: RenderWorld): number {
  let count = 0;
  for (const frame of frames) {
    if (bucket(frame.status) !== 'waiting' && frame.status !== FRAME.RENDERING) continue;
    if (frame.status === FRAME.RENDERING) task.running!.splice(task.running!.indexOf(frame), 1);
    setFrameStatus(task, frame, FRAME.STOPPED);
    count++;
  }
  if (count > 0 && ACTIVE.has(task.status)) {
    if (task.status === TASK.RENDERING) fill(task, now);
    if (task.running!.length === 0 && task.counts.waiting === 0) {
      task.completedDate = now;
      setStatus(task, settledStatus(task), world);
    }
  }
  return count;
}

/** A parent's status follows its layers: rendering while any renders, stopped if any stopped, and so on. */
export function deriveStatus(statuses: readonly number[]): number {
  const any = (...codes: number[]) => statuses.some((status) => codes.includes(status));
  if (any(TASK.RENDERING)) return TASK.RENDERING;
  const queued = statuses.filter((status) => status === TASK.WAITING || status === TASK.PRE_RENDERING);
  if (queued.length === statuses.length) return any(TASK.PRE_RENDERING) ? TASK.PRE_RENDERING : TASK.WAITING;
  if (queued.length > 0) return TASK.RENDERING;
  for (const status of [TASK.ABANDON, TASK.TIME_OUT_STOP, TASK.ARREARAGE_STOP, TASK.USER_STOP, TASK.STOP, TASK.FINISHED_TEST, TASK.FINISHED_HAS_STOPPED]) {
    if (any(status)) return status;
  }
  if (statuses.every((status) => status === TASK.FAILED)) return TASK.FAILED;
  if (any(TASK.FAILED, TASK.FINISHED_HAS_FAILED)) return TASK.FINISHED_HAS_FAILED;
  return TASK.FINISHED;
}

/** Recomputes a parent from its child tasks: status, frame counters, cost and times. */
export function deriveParent(parent: Task, world: RenderWorld): void {
  const children = parent.children.map((id) => world.task(id)).filter((child): child is Task => child !== undefined);
  if (children.length === 0) return;
  parent.counts = emptyCounts();
  parent.consume = 0;
  parent.arrears = 0;
  parent.renderSeconds = 0;
  parent.totalFrames = 0;
  for (const child of children) {
    for (const key of COUNT_KEYS) parent.counts[key] += child.counts[key];
    parent.consume = round3(parent.consume + child.consume);
    parent.arrears = round3(parent.arrears + child.arrears);
    parent.renderSeconds += child.renderSeconds;
    parent.totalFrames += child.totalFrames;
  }
  const starts = children.map((child) => child.startTime).filter((time): time is number => time !== null);
  parent.startTime = starts.length ? Math.min(...starts) : null;
  const status = deriveStatus(children.map((child) => child.status));
  if (status !== parent.status) {
    parent.status = status;
    world.statusChanged(parent);
  }
  const ends = children.map((child) => child.completedDate).filter((time): time is number => time !== null);
  parent.completedDate = ACTIVE.has(parent.status) || ends.length === 0 ? null : Math.max(...ends);
}
