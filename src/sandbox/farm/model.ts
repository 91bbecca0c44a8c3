import { munuId } from './clock.js';

/** The simulated farm's internal records (the API shapes are built from these in records.ts). */

/** Task status codes (api-catalog §2.1 plus the zh docs' 60/65/70/100). */
export const TASK = {
  WAITING: 0,
  RENDERING: 5,
  PRE_RENDERING: 8,
  STOP: 10,
  USER_STOP: 15,
  ARREARAGE_STOP: 20,
  TIME_OUT_STOP: 23,
  FINISHED: 25,
  FINISHED_HAS_FAILED: 30,
  ABANDON: 35,
  FINISHED_TEST: 40,
  FAILED: 45,
  ANALYSE: 50,
  SUBMITTING: 60,
  SUBMIT_FAIL: 65,
  FINISHED_HAS_STOPPED: 70,
  UPDATING: 100,
} as const;

export const ALL_TASK_STATUSES: readonly number[] = Object.values(TASK);

/** Statuses in which frames move on their own. */
export const ACTIVE = new Set<number>([TASK.WAITING, TASK.RENDERING, TASK.PRE_RENDERING]);
/** Statuses a task ends in once nothing is waiting or rendering. */
export const FINISHED = new Set<number>([TASK.FINISHED, TASK.FINISHED_HAS_FAILED, TASK.FAILED, TASK.FINISHED_HAS_STOPPED]);
/** Stopped statuses that start_task resumes. */
export const STARTABLE = new Set<number>([TASK.STOP, TASK.USER_STOP, TASK.ARREARAGE_STOP, TASK.TIME_OUT_STOP, TASK.FINISHED_TEST]);
/** Statuses of tasks that have no frames yet (being analysed or submitted). */
export const FRAMELESS = new Set<number>([TASK.ANALYSE, TASK.SUBMITTING, TASK.SUBMIT_FAIL, TASK.UPDATING]);

/** Frame status codes (api-catalog §2.2). */
export const FRAME = {
  WAITING: 1,
  RENDERING: 2,
  STOPPED: 3,
  DONE: 4,
  FAILED: 5,
  WAIT_PHOTON_JOB: 9,
  /** Stopped by the render timeout (zh docs: "timeout stop"): a failure the TaskInfo counters count as failed. */
  TIMED_OUT: 11,
} as const;

/** A frame that finished an attempt: rendered, failed or timed out. */
export function isFinishedFrame(status: number): boolean {
  return status === FRAME.DONE || status === FRAME.FAILED || status === FRAME.TIMED_OUT;
}

/** Frame type codes (api-catalog §2.3). */
export const FRAME_TYPE = { PHOTON: 2, PRIORITY: 4, MAIN: 5 } as const;

export interface Counts {
  waiting: number;
  running: number;
  done: number;
  failed: number;
  stopped: number;
}

export const emptyCounts = (): Counts => ({ waiting: 0, running: 0, done: 0, failed: 0, stopped: 0 });

export const COUNT_KEYS: readonly (keyof Counts)[] = ['waiting', 'running', 'done', 'failed', 'stopped'];

/** Which TaskInfo counter a frame status feeds (stopped frames are `abortFrames`, as in seed 002's stopped task). */
export function bucket(status: number): keyof Counts {
  switch (status) {
    case FRAME.RENDERING:
      return 'running';
    case FRAME.STOPPED:
      return 'stopped';
    case FRAME.DONE:
      return 'done';
    case FRAME.FAILED:
    case FRAME.TIMED_OUT:
      return 'failed';
    default:
      return 'waiting';
  }
}

/** How a task's frames are numbered: an animation range, or the tiles of one still image. */
export type Layout = { kind: 'range'; first: number; step: number } | { kind: 'tiles'; frame: number };

export interface Frame {
  id: number;
  /** Position in the task, 0-based. */
  k: number;
  status: number;
  /** Epoch ms; 0 when not started (as the seeds' waiting frames show). */
  start: number;
  end: number;
  /** Duration and outcome planned for the current attempt (error code or 0). */
  planSec: number;
  planFail: number;
  /** Error code of the last failure, 0 if none. */
  code: number;
  /** Resubmissions so far (`recommitFlag`). */
  attempt: number;
  /** Charged for every attempt so far (a frame rendered twice was billed twice). */
  fee: number;
}

export interface Task {
  id: number;
  /** 0 for a top-level task. */
  parentId: number;
  children: number[];
  /** Seeds the stateless frame plans (independent of the id, which is assigned after planning). */
  planKey: number;
  sceneName: string;
  cgId: number;
  /** '' for a parent, Render, RenderPhoton, GopRender. */
  taskType: string;
  taskTypeText: string | null;
  layerName: string | null;
  frameType: number;
  layout: Layout;
  totalFrames: number;
  framesRange: string;
  /** Frames rendered first as a test (frame type 4). */
  priorityFrames: number;
  status: number;
  preStatus: number | null;
  submitDate: number;
  startTime: number | null;
  completedDate: number | null;
  /** When rendering last (re)started: the overtime-stop clock counts from here. */
  runStartedAt: number | null;
  /** A waiting task starts rendering at this moment. */
  queueUntil: number;
  projectName: string;
  labelIds: number[];
  userName: string;
  producer: string | null;
  renderCamera: string;
  taskRam: number;
  hardwareConfigId: number;
  taskLimit: number | null;
  taskUserLevel: number;
  taskLevel: number;
  /** Stop the task (status 23) after this many seconds of rendering; null = never. */
  overTimeStop: number | null;
  /** Timeout reminder in seconds (`taskOverTime`). */
  taskOverTime: number;
  fullSpeed: boolean;
  coupon: boolean;
  isDelete: 0 | 1;
  channel: number;
  cloneOriginalId: number;
  /** Planned mean seconds per frame, failure rate and the error codes failures draw from. */
  avgSec: number;
  failRate: number;
  failAll: boolean;
  forcedFailK: number;
  failCodes: number[];
  /** Frames finished (by plan) when the data set was made; the rest are running, waiting or stopped. */
  seedFinished: number;
  /**
   * The generated history resubmitted the task's failed frames once, this many seconds after they had all rendered
   * (0 = never): those frames show their second attempt (`recommitFlag` 1).
   */
  seedRetryGapSec: number;
  /** Finished frames from this position on were rendered while the account was in arrears (-1 = none). */
  arrearsFromK: number;
  /** What those frames cost: the task's `taskArrears`. */
  arrears: number;
  seedRunning: number;
  /** Nodes the generated history was laid out on. */
  seedSlots: number;
  /** Status of the frames after the finished and running ones at generation (waiting, stopped, waiting-photon). */
  seedRestStatus: number;
  /** Sibling task that must finish first (a 3ds Max photon stage), and whether frames wait for it (status 9). */
  dependsOn: number;
  awaitingDependency: boolean;
  /** Sequence of the scheduler id (`munuTaskId`), which is dated by the task's start. */
  munuSeq: number;
  width: number;
  height: number;
  /** First frame id (frames are numbered frameBase + k). */
  frameBase: number;
  counts: Counts;
  consume: number;
  renderSeconds: number;
  /** Lazily generated frames, the frames rendering now, and the queue of frame positions waiting for a node. */
  frames?: Frame[];
  running?: Frame[];
  queue?: number[];
  queueHead?: number;
  /** When the next frame of a rendering task ends (or it hits its timeout); 0 = unknown, recompute. */
  nextEventAt: number;
  /** When the store's event queue will next bring this task up to date (Infinity = nothing scheduled). */
  eventAt: number;
  /** The account-wide frame counters this leaf's counters are part of (unset when it does not count). */
  tally?: Counts;
  /** create_task reserved the id; not listed until submitted. */
  reserved: boolean;
  /** Files uploaded with upload_task_json (created on the first upload). */
  jsonFiles?: Map<string, string>;
}

/** A task with every field at its neutral value; callers set what differs. */
export function newTask(...fields: Partial<Task>[]): Task {
  const task: Task = {
    id: 0,
    parentId: 0,
    children: [],
    planKey: 1,
    sceneName: '',
    cgId: 2000,
    taskType: 'Render',
    taskTypeText: null,
    layerName: null,
    frameType: FRAME_TYPE.MAIN,
    layout: { kind: 'range', first: 1, step: 1 },
    totalFrames: 0,
    framesRange: '',
    priorityFrames: 0,
    status: TASK.WAITING,
    preStatus: null,
    submitDate: 0,
    startTime: null,
    completedDate: null,
    runStartedAt: null,
    queueUntil: 0,
    projectName: '',
    labelIds: [],
    userName: '',
    producer: null,
    renderCamera: '',
    taskRam: 64,
    hardwareConfigId: 301,
    taskLimit: null,
    taskUserLevel: 0,
    taskLevel: 79,
    overTimeStop: null,
    taskOverTime: 43_200,
    fullSpeed: false,
    coupon: false,
    isDelete: 1,
    channel: 1,
    cloneOriginalId: 0,
    avgSec: 60,
    failRate: 0,
    failAll: false,
    forcedFailK: -1,
    failCodes: [],
    seedFinished: 0,
    seedRetryGapSec: 0,
    arrearsFromK: -1,
    arrears: 0,
    seedRunning: 0,
    seedSlots: 1,
    seedRestStatus: FRAME.WAITING,
    dependsOn: 0,
    awaitingDependency: false,
    munuSeq: 0,
    width: 1920,
    height: 1080,
    frameBase: 0,
    counts: emptyCounts(),
    consume: 0,
    renderSeconds: 0,
    nextEventAt: 0,
    eventAt: Infinity,
    reserved: false,
  };
  for (const part of fields) Object.assign(task, part);
  return task;
}

/** `1-240[1]`, `/out/mantra1101-200[1]` for Houdini (as seed 001's example), `0` for a still. */
export function rangeText(cgId: number, layout: Layout, total: number): string {
  if (layout.kind === 'tiles') return String(layout.frame);
  const last = layout.first + Math.max(0, total - 1) * layout.step;
  return `${cgId === 2004 ? '/out/mantra1' : ''}${layout.first}-${last}[${layout.step}]`;
}

/** The scheduler's id of a task, e.g. `2019123100841`. */
export function schedulerId(task: Task): string {
  return munuId(task.startTime ?? task.submitDate, task.munuSeq);
}
