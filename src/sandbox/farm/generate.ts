import { USER_NAME } from './account.js';
import { MISSING_ASSET_CODE, MISSING_TEXTURE_CODE, NODE_LOST_CODE, RENDER_TIMEOUT_CODE, renderErrorsFor } from './causes.js';
import { framePlan, summarizeHistory } from './frames.js';
import { ALL_TASK_STATUSES, FRAME, FRAME_TYPE, FRAMELESS, TASK, newTask, rangeText, type Layout, type Task } from './model.js';
import { Rng } from './random.js';
import { deriveParent, parallelism } from './render.js';
import type { TaskStore } from './store.js';

/**
 * The seeded data set of tasks: every task status (20, stopped for arrears, only on an account in arrears), Maya
 * jobs split into render layers, 3ds Max stills split into a photon stage and a main stage, several jobs of 2,000+
 * frames, failed and timed-out frames with error codes of both kinds (causes.ts). Only counters and times are
 * computed here; frames are built from the same plans when a request first needs them.
 *
 * Three recent finished-with-failures tasks are made on purpose, so every farm has the cases a client must tell
 * apart: one whose failures are all a missing asset (persistent), one whose failures are all transient (render
 * timeouts, status 11, and lost nodes), and one whose failed frames were already resubmitted once, where the
 * missing textures failed again (`recommitFlag` 1, status 5) and the lost nodes rendered.
 */

export interface DataSetOptions {
  seed: number;
  taskCount: number;
  /** Simulated epoch ms of "now" when the farm starts. */
  origin: number;
  projects: readonly string[];
  labelIds: readonly number[];
  /** The account's task timeout (seconds): a task rendering longer is stopped (23) unless it has its own. */
  taskOverTime: number;
  /** An account in arrears has tasks stopped for arrears (20) and nothing rendering; others have none. */
  inArrears: boolean;
}

/** The purpose-made tasks (see above). */
type Design = 'missing_asset' | 'transient' | 'resubmitted';
const DESIGNS: readonly Design[] = ['missing_asset', 'transient', 'resubmitted'];
const DESIGN_CODES: Readonly<Record<Design, number[]>> = {
  missing_asset: [MISSING_ASSET_CODE],
  transient: [RENDER_TIMEOUT_CODE, NODE_LOST_CODE],
  resubmitted: [MISSING_TEXTURE_CODE, NODE_LOST_CODE],
};
/** How long ago each was submitted (hours): among the newest tasks with failures. */
const DESIGN_AGE_HOURS: Readonly<Record<Design, readonly [number, number]>> = { missing_asset: [2, 5], transient: [5, 9], resubmitted: [9, 20] };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const STATUS_WEIGHTS: readonly (readonly [number, number])[] = [
  [TASK.WAITING, 5],
  [TASK.RENDERING, 7],
  [TASK.PRE_RENDERING, 1.5],
  [TASK.STOP, 4],
  [TASK.USER_STOP, 2],
  [TASK.ARREARAGE_STOP, 1.5],
  [TASK.TIME_OUT_STOP, 2],
  [TASK.FINISHED, 40],
  [TASK.FINISHED_HAS_FAILED, 12],
  [TASK.ABANDON, 3],
  [TASK.FINISHED_TEST, 2],
  [TASK.FAILED, 4],
  [TASK.ANALYSE, 2],
  [TASK.SUBMITTING, 1],
  [TASK.SUBMIT_FAIL, 1],
  [TASK.FINISHED_HAS_STOPPED, 1.5],
  [TASK.UPDATING, 0.8],
];

const SOFTWARE_WEIGHTS: readonly (readonly [number, number])[] = [
  [2000, 28],
  [2001, 30],
  [2004, 12],
  [2005, 10],
  [2007, 10],
  [2008, 3],
  [2012, 4],
  [2013, 3],
];

const SCENES: Readonly<Record<number, readonly string[]>> = {
  2000: ['shot_010_lighting', 'shot_020_anim', 'sq05_sh030_fx', 'char_turntable', 'env_forest_day', 'hero_closeup', 'city_flythrough'],
  2001: ['living_room', '衣帽间', 'kitchen_interior', 'lobby_night', 'bathroom_02', 'exterior_villa', 'office_open_space', '3d66.com_593362_2018'],
  2004: ['pyro_explosion', 'ocean_waves', 'destruction_rbd', 'test_no_randerman_175', 'smoke_trail', 'crowd_sim'],
  2005: ['product_turntable', 'logo_reveal', 'watch_ad', 'abstract_loop'],
  2007: ['forest_scene', 'robot_walk', 'interior_archviz', 'spaceship_flyby'],
  2008: ['interior_cam02', 'exterior_dusk'],
  2012: ['watch_closeup', 'sneaker_studio', 'bottle_label'],
  2013: ['city_block', 'desert_canyon'],
};
const EXTENSIONS: Readonly<Record<number, readonly string[]>> = {
  2000: ['mb', 'ma'],
  2001: ['max'],
  2004: ['hip', 'hipnc'],
  2005: ['c4d'],
  2007: ['blend'],
  2008: ['vrscene'],
  2012: ['bip'],
  2013: ['project'],
};
const CAMERAS: Readonly<Record<number, readonly string[]>> = {
  2000: ['shotCam', 'renderCam', 'persp'],
  2001: ['VRayCam001', 'VRayCam003', 'Camera001', 'PhysCamera002'],
  2004: ['/obj/cam1', '/obj/shot_cam'],
  2005: ['Camera', 'Main Camera'],
  2007: ['Camera', 'CAM_main'],
  2008: ['cam02'],
  2012: ['Camera 1', 'Studio Cam'],
  2013: ['project://scene/camera'],
};
const FRAME_COUNTS: Readonly<Record<number, readonly [number, number]>> = {
  2000: [24, 500],
  2001: [30, 400],
  2004: [48, 300],
  2005: [60, 300],
  2007: [100, 600],
  2008: [1, 100],
  2012: [1, 60],
  2013: [24, 120],
};
const FRAME_SECONDS: Readonly<Record<number, readonly [number, number]>> = {
  2000: [90, 600],
  2001: [120, 900],
  2004: [60, 500],
  2005: [45, 300],
  2007: [30, 240],
  2008: [60, 400],
  2012: [20, 150],
  2013: [60, 400],
};
const LIVE = new Set<number>([TASK.WAITING, TASK.RENDERING, TASK.PRE_RENDERING]);
const STOPPED = new Set<number>([TASK.STOP, TASK.USER_STOP, TASK.ARREARAGE_STOP, TASK.TIME_OUT_STOP, TASK.ABANDON]);
const LAYERS = ['masterLayer', 'beauty', 'shadow', 'fx_smoke', 'char_A', 'env_BG', 'AO', 'crypto'];
const PRODUCERS = [null, null, 'Li Wei', 'Maria Santos', 'Chen Jing', 'Tom Becker'];
const TILES = [9, 12, 16, 17, 20, 25];
const RESOLUTIONS: readonly (readonly [number, number])[] = [
  [1920, 1080],
  [3000, 2000],
  [4000, 2250],
  [700, 518],
];

interface Tree {
  root: Task;
  children: Task[];
}

export function generateTasks(store: TaskStore, options: DataSetOptions): void {
  const rng = new Rng((options.seed * 2_654_435_761 + 0x5eed) >>> 0);
  const statuses = statusPlan(rng, options.taskCount, options.inArrears);
  const big = bigTasks(rng, statuses);
  const designs = new Map<number, Design>();
  statuses.forEach((status, index) => {
    if (status === TASK.FINISHED_HAS_FAILED && designs.size < DESIGNS.length) designs.set(index, DESIGNS[designs.size]!);
  });
  const trees = statuses.map((status, index) => makeTree(rng, status, big.has(index), options, designs.get(index)));
  trees.sort((a, b) => a.root.submitDate - b.root.submitDate);
  let id = 35_600_000 + rng.int(0, 99_999);
  let frameBase = 660_000_000 + rng.int(0, 9_999_999);
  for (const { root, children } of trees) {
    root.id = id;
    children.forEach((child, index) => {
      child.id = id + 2 + index;
      child.parentId = id;
    });
    root.children = children.map((child) => child.id);
    const photon = children.find((child) => child.taskType === 'RenderPhoton');
    for (const task of [root, ...children]) {
      if (photon && task !== photon && task.children.length === 0) task.dependsOn = photon.id;
      task.munuSeq = rng.int(0, 99_999);
      if (task.children.length === 0 && task.totalFrames > 0) {
        task.frameBase = frameBase;
        frameBase += task.totalFrames + rng.int(50, 3000);
      }
      store.add(task);
    }
    if (children.length) deriveParent(root, store);
    id = (children.at(-1)?.id ?? id) + rng.int(1, 40);
  }
}

/**
 * Every status at least twice (when the count allows), the rest drawn by weight, in random order. Only an account
 * in arrears has tasks stopped for arrears, and there they are all its live tasks: the farm stopped what was
 * waiting or rendering when the balance ran out.
 */
function statusPlan(rng: Rng, count: number, inArrears: boolean): number[] {
  const allowed = (status: number) => (inArrears ? !LIVE.has(status) : status !== TASK.ARREARAGE_STOP);
  const weights = STATUS_WEIGHTS.map(([status, weight]) => [allowed(status) ? status : TASK.ARREARAGE_STOP, weight] as const).filter(([status]) =>
    allowed(status),
  );
  const statuses = ALL_TASK_STATUSES.filter(allowed).flatMap((status) => [status, status]);
  while (statuses.length < count) statuses.push(rng.weighted(weights));
  return rng.shuffle(statuses).slice(0, count);
}

/** At least three jobs of 2,000+ frames: one rendering, one finished with failures, and others. */
function bigTasks(rng: Rng, statuses: readonly number[]): Set<number> {
  const wanted = Math.max(3, Math.round(statuses.length / 100));
  const big = new Set<number>();
  for (const status of [TASK.RENDERING, TASK.FINISHED_HAS_FAILED, TASK.FINISHED]) {
    const index = statuses.indexOf(status);
    if (index >= 0) big.add(index);
  }
  for (let tries = 0; big.size < Math.min(wanted, statuses.length) && tries < 10_000; tries++) {
    const index = rng.int(0, statuses.length - 1);
    if (!FRAMELESS.has(statuses[index]!)) big.add(index);
  }
  return big;
}

function makeTree(rng: Rng, status: number, big: boolean, options: DataSetOptions, design?: Design): Tree {
  const cgId = big ? rng.pick([2000, 2004, 2007]) : rng.weighted(SOFTWARE_WEIGHTS);
  const frameless = FRAMELESS.has(status);
  const shape = frameless || big || design ? 'simple' : cgId === 2000 && rng.chance(0.5) ? 'layers' : cgId === 2001 && rng.chance(0.55) ? 'still' : 'simple';
  const [minFrames, maxFrames] = big ? [2000, 3200] : FRAME_COUNTS[cgId]!;
  const [minSec, maxSec] = big ? [20, 90] : FRAME_SECONDS[cgId]!;
  const [width, height] = rng.pick(RESOLUTIONS);
  const ram = rng.chance(0.25) ? 128 : 64;
  const layout: Layout = { kind: 'range', first: rng.pick([1, 1, 1001, 101]), step: 1 };
  const count = Math.max(status === TASK.FINISHED_HAS_FAILED ? 6 : 1, rng.int(minFrames, maxFrames));
  const common: Partial<Task> = {
    cgId,
    sceneName: `${rng.pick(SCENES[cgId]!)}${cgId === 2001 ? '' : `_v${String(rng.int(1, 24)).padStart(3, '0')}`}.${rng.pick(EXTENSIONS[cgId]!)}`,
    renderCamera: rng.pick(CAMERAS[cgId]!),
    projectName: rng.chance(0.7) ? rng.pick(options.projects) : '',
    userName: USER_NAME,
    producer: rng.pick(PRODUCERS),
    taskRam: ram,
    hardwareConfigId: ram === 128 ? 303 : 301,
    taskLimit: rng.weighted([
      [null, 30],
      [20, 15],
      [50, 25],
      [100, 20],
      [200, 10],
    ] as const),
    taskUserLevel: rng.weighted([
      [0, 70],
      [50, 20],
      [60, 10],
    ] as const),
    taskLevel: rng.int(60, 81),
    taskOverTime: options.taskOverTime,
    overTimeStop: rng.chance(0.25) ? 86_400 : null,
    coupon: rng.chance(0.15),
    width,
    height,
    failCodes: design ? DESIGN_CODES[design] : rng.sample(renderErrorsFor(cgId), rng.int(1, 2)).map((entry) => entry.code),
  };
  const leaf = (fields: Partial<Task>): Task => newTask(common, { planKey: rng.int(1, 2 ** 31 - 1) }, fields);
  const root = leaf({
    taskType: shape === 'simple' ? (cgId === 2004 ? 'GopRender' : 'Render') : '',
    layout,
    totalFrames: frameless || shape !== 'simple' ? 0 : count,
    framesRange: rangeText(cgId, layout, count),
    avgSec: rng.int(minSec, maxSec),
    layerName: cgId === 2004 ? '' : null,
    labelIds: rng.chance(0.2) ? rng.sample(options.labelIds, rng.int(1, 2)) : [],
    preStatus: shape === 'still' ? TASK.FINISHED : null,
  });
  const children: Task[] = [];
  if (shape === 'layers') {
    const layers = rng.sample(LAYERS, rng.int(2, 4));
    const statuses = layerStatuses(rng, status, layers.length);
    for (const layerName of layers) {
      children.push(leaf({ layerName, layout, totalFrames: count, framesRange: root.framesRange, avgSec: rng.int(minSec, maxSec) }));
    }
    for (const [index, child] of children.entries()) child.status = statuses[index]!;
  } else if (shape === 'still') {
    const [photonStatus, mainStatus] = stillStatuses(rng, status);
    const single: Layout = { kind: 'range', first: 0, step: 1 };
    children.push(
      leaf({
        taskType: 'RenderPhoton',
        taskTypeText: 'render_photons_task',
        frameType: FRAME_TYPE.PHOTON,
        layout: single,
        totalFrames: 1,
        framesRange: '0',
        avgSec: rng.int(60, 300),
        status: photonStatus,
      }),
    );
    const tiles = rng.pick(TILES);
    children.push(
      leaf({
        taskType: 'Render',
        taskTypeText: 'render_major_picture_task',
        layout: { kind: 'tiles', frame: 0 },
        totalFrames: tiles,
        framesRange: '0',
        avgSec: rng.int(200, 900),
        status: mainStatus,
      }),
    );
    root.framesRange = '0';
  }
  root.status = status;
  const leaves = children.length ? children : [root];
  const makespans = leaves.map((task) => shapeLeaf(rng, task, task.status, options, design));
  placeTimes(rng, root, leaves, makespans, options, design);
  return { root, children };
}

function layerStatuses(rng: Rng, status: number, count: number): number[] {
  const one = rng.int(0, count - 1);
  const others = (choices: readonly number[]) => Array.from({ length: count }, (_, index) => (index === one ? status : rng.pick(choices)));
  switch (status) {
    case TASK.FINISHED_HAS_FAILED:
      return others([TASK.FINISHED, TASK.FINISHED_HAS_FAILED]);
    case TASK.RENDERING:
      return others([TASK.FINISHED, TASK.RENDERING, TASK.WAITING]);
    case TASK.STOP:
    case TASK.USER_STOP:
    case TASK.ARREARAGE_STOP:
    case TASK.TIME_OUT_STOP:
    case TASK.ABANDON:
    case TASK.FINISHED_HAS_STOPPED:
      return others([TASK.FINISHED, status]);
    default:
      return Array.from({ length: count }, () => status);
  }
}

/** Photon stage and main stage of a 3ds Max still for the task's status. */
function stillStatuses(rng: Rng, status: number): [number, number] {
  switch (status) {
    case TASK.FINISHED:
    case TASK.FAILED:
      return [status, status];
    case TASK.RENDERING:
      return rng.chance(0.4) ? [TASK.RENDERING, TASK.WAITING] : [TASK.FINISHED, TASK.RENDERING];
    case TASK.WAITING:
      return [TASK.WAITING, TASK.WAITING];
    case TASK.PRE_RENDERING:
      return [TASK.PRE_RENDERING, TASK.WAITING];
    default:
      return [TASK.FINISHED, status];
  }
}

/**
 * Decides which frames are finished, rendering, waiting or stopped for `status`; returns the seconds from the
 * leaf's start to its last finished frame (to its stop, for a task stopped by its timeout).
 */
function shapeLeaf(rng: Rng, task: Task, status: number, options: DataSetOptions, design?: Design): number {
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
function placeTimes(rng: Rng, root: Task, leaves: Task[], makespans: number[], options: DataSetOptions, design?: Design): void {
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
