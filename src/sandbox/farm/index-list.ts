import type { Task } from './model.js';

/** Tasks in ascending id order, with binary searches by id and by submit time (for the task list's indexes). */
export class IdList {
  readonly items: Task[] = [];

  get length(): number {
    return this.items.length;
  }

  /** Inserts a task (at the end when its id is the highest, as new tasks' ids are); returns its position. */
  insert(task: Task): number {
    const items = this.items;
    if (items.length === 0 || items[items.length - 1]!.id < task.id) {
      items.push(task);
      return items.length - 1;
    }
    const at = this.upperBound(task.id);
    items.splice(at, 0, task);
    return at;
  }

  remove(task: Task): void {
    const at = this.upperBound(task.id) - 1;
    if (at >= 0 && this.items[at] === task) this.items.splice(at, 1);
  }

  /** Position of the first task whose id is above `id`. */
  upperBound(id: number, low = 0, high = this.items.length): number {
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.items[mid]!.id <= id) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Position of the first task submitted at or after `ms` (the list must be in submit order as well). */
  firstSubmittedFrom(ms: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.items[mid]!.submitDate < ms) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Position after the last task submitted at or before `ms` (the list must be in submit order as well). */
  afterSubmittedUntil(ms: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.items[mid]!.submitDate <= ms) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** A min-heap of (moment, task): the store's queue of the moments tasks next change on their own. */
export class EventQueue {
  private readonly times: number[] = [];
  private readonly tasks: Task[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The earliest moment queued (Infinity when empty). */
  peek(): number {
    return this.times.length ? this.times[0]! : Infinity;
  }

  push(at: number, task: Task): void {
    const times = this.times;
    const tasks = this.tasks;
    let i = times.length;
    times.push(at);
    tasks.push(task);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= at) break;
      times[i] = times[parent]!;
      tasks[i] = tasks[parent]!;
      i = parent;
    }
    times[i] = at;
    tasks[i] = task;
  }

  /** Removes the earliest entry and calls `take` with it. */
  pop(take: (at: number, task: Task) => void): void {
    const times = this.times;
    const tasks = this.tasks;
    const at = times[0]!;
    const task = tasks[0]!;
    const lastAt = times.pop()!;
    const lastTask = tasks.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && times[right]! < times[left]! ? right : left;
        if (times[child]! >= lastAt) break;
        times[i] = times[child]!;
        tasks[i] = tasks[child]!;
        i = child;
      }
      times[i] = lastAt;
      tasks[i] = lastTask;
    }
    take(at, task);
  }

  clear(): void {
    this.times.length = 0;
    this.tasks.length = 0;
  }
}
