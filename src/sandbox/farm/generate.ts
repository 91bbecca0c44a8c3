import { USER_NAME } from './account.js';
import { renderErrorsFor } from './causes.js';
import { placeTimes, shapeLeaf } from './generate-progress.js';
import {
  CAMERAS,
  DESIGN_CODES,
  DESIGNS,
  EXTENSIONS,
  FRAME_COUNTS,
  FRAME_SECONDS,
  LAYERS,
  LIVE,
  PRODUCERS,
  RESOLUTIONS,
  SCENES,
  SOFTWARE_WEIGHTS,
  STATUS_WEIGHTS,
  TILES,
  type Design,
} from './generate-tables.js';
import { ALL_TASK_STATUSES, FRAME_TYPE, FRAMELESS, TASK, newTask, rangeText, type Layout, type Task } from './model.js';
import { Rng } from './random.js';
import { deriveParent } from './render.js';
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
