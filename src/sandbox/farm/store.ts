import { EventQueue, IdList } from './index-list.js';
import { ACTIVE, COUNT_KEYS, FINISHED, TASK, emptyCounts, type Counts, type Frame, type Task } from './model.js';
import { advanceLeaf, deriveParent, ensureFrames, type RenderWorld } from './render.js';

export interface StoreOptions {
  /** The account's task timeout (queryUserSetting's taskOverTimeSec), read whenever a task needs it. */
  taskTimeoutSec: () => number;
  /** Whether the account is in arrears (output files then show `isArrears` 1). */
  inArrears: () => boolean;
}

/** Frame counters of every counted leaf (not in the recycle bin, not reserved): queryAllFrameStats. */
export interface FrameTotals extends Counts {
  totalFrames: number;
}

/**
 * Every task of the farm, kept so that a request costs the same at 300 tasks as at 30,000:
 * - by id, and every id in ascending order (keyword search by id or alias);
 * - the listed top-level tasks (not reserved, not deleted) in id order, overall and per status, and the recycle
 *   bin, so a task-list page is found by binary search instead of a filter over the whole account;
 * - top-level tasks by scene name (keyword search);
 * - account-wide frame counters, updated as frames change (frame stats);
 * - a queue of the moments moving tasks next change, so bringing the farm up to now touches only the tasks due;
 * - leaf tasks by ascending frameBase, for frame-id lookups.
 */
export class TaskStore implements RenderWorld {
  private readonly byId = new Map<number, Task>();
  /** Every task id, ascending. */
  private readonly ids: number[] = [];
  /** Top-level task ids, oldest (lowest) first. */
  private readonly order: number[] = [];
  private readonly active = new Set<Task>();
  private readonly events = new EventQueue();
  /** Leaf tasks by ascending frameBase, for frame-id lookups. */
  private readonly frameIndex: Task[] = [];
  private readonly indexed = new Set<Task>();
  /** Listed top-level tasks, and the status each is filed under in `byStatus`. */
  readonly listed = new IdList();
  private readonly listedStatus = new Map<Task, number>();
  private readonly byStatus = new Map<number, IdList>();
  readonly recycleBin = new IdList();
  /** Top-level tasks (listed or deleted) by lower-cased scene name. */
  readonly byScene = new Map<string, IdList>();
  /** Whether listed tasks in id order are also in submit-time order (time windows can then be binary searched). */
  submitOrdered = true;
  readonly totals: FrameTotals = { ...emptyCounts(), totalFrames: 0 };
  /** `idText()` and how many ids it was made from. */
  private idTextCache = '';
  private idTextOf = -1;
  private lastId = 0;
  private lastFrameId = 0;
  /** Money charged for frames finished since the farm started. */
  spent = 0;

  constructor(
    readonly origin: number,
    private readonly options: StoreOptions,
  ) {}

  /** Adds a task (parents before their children; tasks in ascending id order). */
  add(task: Task): void {
    this.byId.set(task.id, task);
    if (task.id > this.lastId) {
      this.ids.push(task.id);
      this.lastId = task.id;
    } else {
      this.ids.splice(upperBound(this.ids, task.id), 0, task.id);
    }
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

  /** Top-level tasks, newest first (a copy: for whole-account answers and tests, not per-request paths). */
  topLevel(): Task[] {
    const tasks: Task[] = new Array(this.order.length);
    for (let i = 0; i < this.order.length; i++) tasks[i] = this.byId.get(this.order[this.order.length - 1 - i]!)!;
    return tasks;
  }

  /** The newest `count` top-level tasks. */
  newest(count: number): Task[] {
    const tasks: Task[] = [];
    for (let i = this.order.length - 1; i >= 0 && tasks.length < count; i--) tasks.push(this.byId.get(this.order[i]!)!);
    return tasks;
  }

  all(): IterableIterator<Task> {
    return this.byId.values();
  }

  /** Every task id in ascending order (layers included). */
  allIds(): readonly number[] {
    return this.ids;
  }

  /** Every task id as text, `|`-separated and ended (`|35600001|35600003|`), for searches by part of a number. */
  idText(): string {
    if (this.idTextOf !== this.ids.length) {
      this.idTextCache = `|${this.ids.join('|')}|`;
      this.idTextOf = this.ids.length;
    }
    return this.idTextCache;
  }

  /** Listed top-level tasks in one status, in id order. */
  withStatus(status: number): IdList | undefined {
    return this.byStatus.get(status);
  }

  /** A fresh task id above every existing one, with the gap other users' tasks leave on a real farm. */
  nextId(): number {
    return this.lastId + 1 + (this.lastId % 7);
  }

  nextFrameBase(): number {
    return this.lastFrameId + 1 + 113;
  }

  taskTimeoutSec(): number {
    return this.options.taskTimeoutSec();
  }

  inArrears(): boolean {
    return this.options.inArrears();
  }

  /** Re-files a task after its status, recycle-bin flag or reservation changed, and re-plans when it next moves. */
  statusChanged(task: Task): void {
    const leaf = task.children.length === 0;
    if (leaf && ACTIVE.has(task.status) && task.isDelete === 1 && !task.reserved) this.active.add(task);
    else this.active.delete(task);
    if (leaf) this.tally(task, task.isDelete === 1 && !task.reserved);
    if (task.parentId === 0) this.file(task);
    this.schedule(task);
    // A stage waiting for this one (a 3ds Max main image for its photon stage) may start once it finished.
    const parent = task.parentId ? this.byId.get(task.parentId) : undefined;
    if (!parent) return;
    for (const id of parent.children) {
      const sibling = this.byId.get(id);
      if (sibling?.dependsOn === task.id) this.schedule(sibling);
    }
  }

  /** After the account's task timeout changed: every rendering task recomputes when it stops. */
  timeoutChanged(): void {
    for (const task of this.active) {
      task.nextEventAt = 0;
      this.schedule(task);
    }
  }

  /** A leaf was brought up to date (RenderWorld): queue its next change. */
  moved(task: Task): void {
    this.schedule(task);
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

  /** Brings every task that changes by `now` up to it (before answers that span the whole account). */
  syncAll(now: number): void {
    // A stage woken by another one in this pass is due in the same pass: a few rounds settle it.
    for (let round = 0; round < 4 && this.events.peek() <= now; round++) {
      const due: Task[] = [];
      while (this.events.peek() <= now) {
        this.events.pop((at, task) => {
          if (task.eventAt !== at) return;
          task.eventAt = Infinity;
          due.push(task);
        });
      }
      const parents = new Set<Task>();
      for (const task of due) {
        advanceLeaf(task, now, this);
        this.schedule(task);
        const parent = task.parentId ? this.byId.get(task.parentId) : undefined;
        if (parent) parents.add(parent);
      }
      for (const parent of parents) deriveParent(parent, this);
    }
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

  /** The moment a task next changes on its own (0 = at once, Infinity = never). */
  private nextChange(task: Task): number {
    if (!this.active.has(task)) return Infinity;
    if (task.status === TASK.RENDERING) return task.nextEventAt;
    if (task.dependsOn !== 0 && task.awaitingDependency) {
      const dependency = this.byId.get(task.dependsOn);
      return !dependency || FINISHED.has(dependency.status) ? 0 : Infinity;
    }
    return task.queueUntil;
  }

  private schedule(task: Task): void {
    const at = this.nextChange(task);
    if (at === task.eventAt) return;
    task.eventAt = at;
    if (at === Infinity) return;
    if (this.events.size > 4 * this.active.size + 4096) this.compactEvents();
    this.events.push(at, task);
  }

  /** Drops queue entries that no longer match their task (each change queues a new one). */
  private compactEvents(): void {
    this.events.clear();
    for (const task of this.active) if (task.eventAt !== Infinity) this.events.push(task.eventAt, task);
  }

  /** Keeps a leaf's counters in the account totals while it counts (`tally`), and out of them otherwise. */
  private tally(task: Task, counts: boolean): void {
    if (counts === (task.tally !== undefined)) return;
    const sign = counts ? 1 : -1;
    for (const key of COUNT_KEYS) this.totals[key] += sign * task.counts[key];
    this.totals.totalFrames += sign * task.totalFrames;
    task.tally = counts ? this.totals : undefined;
  }

  /** Files a top-level task in the list indexes for its state. */
  private file(task: Task): void {
    const listed = !task.reserved && task.isDelete === 1;
    const filedStatus = this.listedStatus.get(task);
    if (filedStatus !== undefined && (!listed || filedStatus !== task.status)) {
      this.byStatus.get(filedStatus)!.remove(task);
      this.listedStatus.delete(task);
      if (!listed) this.listed.remove(task);
    }
    if (listed && this.listedStatus.get(task) === undefined) {
      if (filedStatus === undefined) {
        const at = this.listed.insert(task);
        const items = this.listed.items;
        if ((at > 0 && items[at - 1]!.submitDate > task.submitDate) || (at + 1 < items.length && items[at + 1]!.submitDate < task.submitDate))
          this.submitOrdered = false;
        this.indexScene(task);
      }
      let list = this.byStatus.get(task.status);
      if (!list) this.byStatus.set(task.status, (list = new IdList()));
      list.insert(task);
      this.listedStatus.set(task, task.status);
    }
    if (!task.reserved && task.isDelete === 0 && this.recycleBin.upperBound(task.id) === this.recycleBin.upperBound(task.id - 1)) {
      this.recycleBin.insert(task);
      this.indexScene(task);
    }
  }

  private indexScene(task: Task): void {
    const key = task.sceneName.toLowerCase();
    let list = this.byScene.get(key);
    if (!list) this.byScene.set(key, (list = new IdList()));
    if (list.upperBound(task.id) === list.upperBound(task.id - 1)) list.insert(task);
  }
}

function upperBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
