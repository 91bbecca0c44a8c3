import { FarmError } from '../types.js';
import { USER_ID } from './account.js';
import { chinaTime } from './clock.js';
import { frameIndex, frameNumber } from './frames.js';
import { FINISHED, FRAME, TASK, isFinishedFrame, schedulerId, type Frame, type Task } from './model.js';
import { hash01 } from './random.js';
import { outputFolder, sceneBase } from './records.js';
import { ensureFrames } from './render.js';
import type { TaskStore } from './store.js';
import { treeSegments } from './transfer.js';

/** Rendered results: the output tree (getOutputUserDirFile), frame thumbnails and 3ds Max progress images. */

const EXTENSION: Readonly<Record<number, string>> = { 2000: 'exr', 2001: 'tga', 2004: 'exr', 2005: 'tif', 2007: 'png', 2008: 'exr', 2012: 'jpg', 2013: 'exr' };

interface Entry {
  fileName: string;
  fileSize: number | null;
  iconPath: null;
  lastModify: string;
  fileType: string | null;
  filePath: string;
  directory: boolean;
  isArrears: number;
}

/** `isArrears` is the account's state (seed 001: "whether you are in arrears"). */
const folder = (store: TaskStore, name: string, path: string, at: number): Entry => ({
  fileName: name,
  fileSize: null,
  iconPath: null,
  lastModify: chinaTime(at),
  fileType: null,
  filePath: path,
  directory: true,
  isArrears: store.inArrears() ? 1 : 0,
});

/**
 * Lists one level of the output storage. The root holds one folder per rendered task (`<id>_<scene>`, newest first;
 * with `taskId`, only that task's folders); a Maya layer's folder holds a folder per layer; files are the frames done.
 */
export function outputFiles(store: TaskStore, args: Record<string, unknown>, now: number): Entry[] {
  const segments = treeSegments(String(args.treePath ?? ''));
  if (segments.length === 0) {
    let leaves: Task[];
    if (typeof args.taskId === 'number') {
      const task = store.task(args.taskId);
      if (!task || task.reserved) throw new FarmError(404, `task ${args.taskId} does not exist`);
      leaves = store.leaves(store.sync(task, now));
    } else {
      leaves = store.topLevel().flatMap((task) => store.leaves(task));
    }
    return leaves.filter((task) => task.counts.done > 0).map((task) => folder(store, outputFolder(task), `/${outputFolder(task)}`, task.completedDate ?? now));
  }
  const task = store.task(Number(/^(\d+)_/.exec(segments[0]!)?.[1]));
  if (!task || task.children.length > 0 || outputFolder(task) !== segments[0] || task.counts.done === 0) throw notFound(segments);
  store.sync(task, now);
  const base = `/${segments[0]}`;
  const layered = task.cgId === 2000 && task.layerName !== null;
  if (layered && segments.length === 1) return [folder(store, task.layerName!, `${base}/${task.layerName}`, task.completedDate ?? now)];
  if (segments.length !== (layered ? 2 : 1) || (layered && segments[1] !== task.layerName)) throw notFound(segments);
  const directory = `/${segments.join('/')}`;
  return doneFrames(task, store).flatMap((frame) => {
    const name = fileName(task, frame);
    return name ? [file(store, task, frame, name, directory)] : [];
  });
}

function notFound(segments: string[]): FarmError {
  return new FarmError(404, `output path /${segments.join('/')} does not exist`);
}

function doneFrames(task: Task, store: TaskStore): Frame[] {
  return ensureFrames(task, store).filter((frame) => frame.status === FRAME.DONE);
}

/** The file a done frame left; a still's tiles are merged into one image once every tile is done. */
function fileName(task: Task, frame: Frame): string | undefined {
  const base = sceneBase(task);
  if (task.taskType === 'RenderPhoton') return `${base}.vrmap`;
  if (task.layout.kind === 'tiles')
    return frame.k === task.totalFrames - 1 && task.counts.done === task.totalFrames ? `${base}.${EXTENSION[task.cgId]}` : undefined;
  const number = String(frameNumber(task, frame.k)).padStart(4, '0');
  if (task.cgId === 2004) return `mantra1.${number}.exr`;
  return `${base}${task.layerName ? `_${task.layerName}` : ''}.${number}.${EXTENSION[task.cgId] ?? 'exr'}`;
}

function file(store: TaskStore, task: Task, frame: Frame, name: string, directory: string): Entry {
  const type = name.slice(name.lastIndexOf('.') + 1);
  const size = Math.floor((type === 'vrmap' ? 80e6 : 1.5e6) + hash01(task.planKey, frame.k, 14) * 38e6);
  return {
    fileName: name,
    fileSize: size,
    iconPath: null,
    lastModify: chinaTime(frame.end),
    fileType: type,
    filePath: `${directory}/${name}`,
    directory: false,
    isArrears: store.inArrears() ? 1 : 0,
  };
}

/** Thumbnail paths of a completed frame (seed 002: a list of relative, backslashed paths). */
export function thumbnail(store: TaskStore, frameId: number, frameStatus: number, now: number): string[] {
  if (frameStatus !== FRAME.DONE)
    throw new FarmError(600, `parameter frameStatus is invalid: thumbnails exist only for completed frames (frameStatus 4), got ${frameStatus}`);
  const found = store.frame(frameId, now);
  if (!found) throw new FarmError(404, `frame ${frameId} does not exist`);
  const { task, frame } = found;
  if (frame.status !== FRAME.DONE) {
    throw new FarmError(600, `frame ${frameId} is not complete (frameStatus ${frame.status}); only completed frames have thumbnails`);
  }
  const number = String(frameNumber(task, frame.k)).padStart(4, '0');
  return [`small_pic\\100000\\${USER_ID}\\${task.id}\\Render_${frame.id}_renderbus_${number}[-].jpg`];
}

/**
 * Block-by-block progress of a 3ds Max task (loadTaskProcessImg): `frameType` 2 = photon stage, 5 = main image,
 * omitted = the stage rendering now. `grabInfo` has one list per frame with one entry per block (tile), all strings.
 */
export function progress(store: TaskStore, taskId: number, frameType: number | undefined, now: number): Record<string, unknown> {
  const found = store.task(taskId);
  if (!found || found.reserved) throw new FarmError(404, `task ${taskId} does not exist`);
  const root = found.parentId ? store.task(found.parentId)! : found;
  if (root.cgId !== 2001)
    throw new FarmError(600, `task ${taskId} is a ${root.cgId === 2000 ? 'Maya' : 'non-3ds Max'} task; progress images exist only for 3ds Max tasks`);
  store.sync(root, now);
  const leaves = store.leaves(root);
  const photon = leaves.find((leaf) => leaf.taskType === 'RenderPhoton');
  const main = leaves.find((leaf) => leaf.taskType !== 'RenderPhoton') ?? leaves[0]!;
  const stage = frameType === 2 ? (photon ?? main) : frameType === 5 ? main : photon && !FINISHED.has(photon.status) ? photon : main;
  const frames = stage.totalFrames ? ensureFrames(stage, store) : [];
  const groups = new Map<number, Frame[]>();
  for (const frame of frames) {
    if (stage.layout.kind === 'range' && frame.start === 0) continue;
    const number = frameNumber(stage, frame.k);
    groups.set(number, [...(groups.get(number) ?? []), frame]);
  }
  const done = !frames.some((frame) => frame.status === FRAME.WAITING || frame.status === FRAME.RENDERING || frame.status === FRAME.WAIT_PHOTON_JOB);
  const grabInfo = [...groups.values()].slice(-200).map((group) => group.map((frame) => block(stage, frame, now)));
  return {
    isRenderPhoton: stage === photon,
    currentTaskType: stage === photon ? 'RenderPhoton' : 'Render',
    sceneName: `${root.sceneName}-${root.renderCamera}`,
    width: root.width,
    height: root.height,
    block: stage.layout.kind === 'tiles' ? stage.totalFrames : 1,
    startTime: stage.startTime ? chinaTime(stage.startTime) : null,
    endTime: done && stage.completedDate ? chinaTime(stage.completedDate) : null,
    completedTime: done && stage.completedDate && stage.status !== TASK.RENDERING ? chinaTime(stage.completedDate) : null,
    grabInfo,
  };
}

function block(task: Task, frame: Frame, now: number): Record<string, string | null> {
  const started = frame.start > 0;
  const finished = isFinishedFrame(frame.status);
  const used = finished ? Math.round((frame.end - frame.start) / 1000) : frame.status === FRAME.RENDERING ? Math.round((now - frame.start) / 1000) : 0;
  const percent = frame.status === FRAME.DONE ? 100 : frame.status === FRAME.RENDERING ? Math.min(99, Math.floor((used / frame.planSec) * 100)) : 0;
  const fee = finished ? frame.fee.toFixed(2) : '0.00';
  return {
    startTime: started ? chinaTime(frame.start) : '',
    endTime: finished ? chinaTime(frame.end) : '',
    frameStatus: String(frame.status),
    isMaxPrice: '0',
    feeAmount: task.coupon ? '0.00' : fee,
    couponFee: task.coupon ? fee : '0.00',
    frameIndex: frameIndex(task, frame.k),
    frameBlock: task.layout.kind === 'tiles' ? String(frame.k + 1) : null,
    framePercent: String(percent),
    frameUsed: String(used),
    frameEst: String(frame.status === FRAME.RENDERING ? Math.max(0, frame.planSec - used) : 0),
    renderInfo: frame.status === FRAME.RENDERING ? `Rendering image... ${percent}%` : '',
    grabUrl: started ? `/mnt/output/d2_1/small_pic/${USER_ID}/${task.id}/${task.taskType}_${schedulerId(task)}_${frame.k}_rayvision0000[-]tga.jpg` : '',
  };
}
