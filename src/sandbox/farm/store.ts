import { ensureFrames, advanceLeaf, deriveParent, type RenderWorld } from './render.js';
import { ACTIVE, type Frame, type Task } from './model.js';

export interface StoreOptions {
  /** The account's task timeout (queryUserSetting's taskOverTimeSec), read whenever a task needs it. */
  taskTimeoutSec: () => number;
  /** Whether the account is in arrears (output files then show `isArrears` 1). */
  inArrears: () => boolean;
}

/**
 * Every task of the farm, with O(1) lookup by id, the top-level ids newest first, the set of leaf tasks that move
 * on their own, and an index from frame id to task (frame ids are contiguous per task: frameBase + position).
 */
export class TaskStore implements RenderWorld {
  private readonly byId = new Map<number, Task>();
  /** Top-level task ids, oldest (lowest) first. */
  private readonly order: number[] = [];
  private readonly active = new Set<Task>();
  /** Leaf tasks by ascending frameBase, for frame-id lookups. */
  private readonly frameIndex: Task[] = [];
  private readonly indexed = new Set<Task>();
  private lastId = 0;
  private lastFrameId = 0;
  /** Money charged for frames finished since the farm started. */
  spent = 0;

  constructor(
    readonly origin: number,
    private readonly options: StoreOptions,
  ) {}

  taskTimeoutSec(): number {
    return this.options.taskTimeoutSec();
  }

  inArrears(): boolean {
    return this.options.inArrears();
  }

  /** Adds a task (parents before their children; tasks in ascending id order). */
  add(task: Task): void {
    this.byId.set(task.id, task);
    this.lastId = Math.max(this.lastId, task.id);
    if (task.parentId === 0) this.order.push(task.id);
    if (task.children.length === 0 && task.totalFrames > 0) this.indexFrames(task);
    this.statusChanged(task);
  }

  /** Gives a leaf task its frame ids (after the highest so far). */
  indexFrames(task: Task): void {
    if (this.indexed.has(task)) return;
    this.indexed.add(task);
    if (task.frameBase <= this.lastFrameId) task.frameBase = this.lastFrameId + 1 + (task.id % 997);
    this.frameIndex.push(task);
    this.lastFrameId = task.frameBase + task.totalFrames - 1;
  }

  task(id: number): Task | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Top-level tasks, newest first. */
  topLevel(): Task[] {
    const tasks: Task[] = new Array(this.order.length);
    for (let i = 0; i < this.order.length; i++) tasks[i] = this.byId.get(this.order[this.order.length - 1 - i]!)!;
    return tasks;
  }

  all(): IterableIterator<Task> {
    return this.byId.values();
  }

  /** A fresh task id above every existing one, with the gap other users' tasks leave on a real farm. */
  nextId(): number {
    this.lastId += 1 + (this.lastId % 7);
    return this.lastId;
  }

  nextFrameBase(): number {
    return this.lastFrameId + 1 + 113;
  }

  statusChanged(task: Task): void {
    if (task.children.length === 0 && ACTIVE.has(task.status) && task.isDelete === 1 && !task.reserved) this.active.add(task);
    else this.active.delete(task);
  }

  /** After the account's task timeout changed: every rendering task recomputes when it stops. */
  timeoutChanged(): void {
    for (const task of this.active) task.nextEventAt = 0;
  }

  charge(amount: number): void {
    this.spent += amount;
  }

  /** Brings one task (a parent with its layers, or a layer with its parent) up to `now`. */
  sync(task: Task, now: number): Task {
    if (task.children.length > 0) {
      for (const id of task.children) advanceLeaf(this.byId.get(id)!, now, this);
      deriveParent(task, this);
    } else {
      advanceLeaf(task, now, this);
      const parent = task.parentId ? this.byId.get(task.parentId) : undefined;
      if (parent) deriveParent(parent, this);
    }
    return task;
  }

  /** Brings every moving task up to `now` (before answers that span the whole account). */
  syncAll(now: number): void {
    const parents = new Set<Task>();
    for (const task of [...this.active]) {
      advanceLeaf(task, now, this);
      const parent = task.parentId ? this.byId.get(task.parentId) : undefined;
      if (parent) parents.add(parent);
    }
    for (const parent of parents) deriveParent(parent, this);
  }

  /** The task a frame id belongs to and the frame itself (frames are built on first use). */
  frame(frameId: number, now: number): { task: Task; frame: Frame } | undefined {
    let low = 0;
    let high = this.frameIndex.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const task = this.frameIndex[mid]!;
      if (frameId < task.frameBase) high = mid - 1;
      else if (frameId >= task.frameBase + task.totalFrames) low = mid + 1;
      else {
        this.sync(task, now);
        return { task, frame: ensureFrames(task, this)[frameId - task.frameBase]! };
      }
    }
    return undefined;
  }

  /** Leaf tasks of a task: its layers, or itself. */
  leaves(task: Task): Task[] {
    return task.children.length ? task.children.map((id) => this.byId.get(id)!) : [task];
  }
}
