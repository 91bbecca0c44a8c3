/**
 * The connector's queue in front of undici. At most `concurrency` requests are in flight (undici gets exactly that
 * many connections, so it never queues a request itself); every other call waits here, where the connector knows for
 * certain that it has not been sent. Calls wait in lanes (an HTTP session each; calls without one share the default
 * lane): lanes with waiting calls take turns for each free slot, a named lane has at most `laneConcurrency` requests
 * in flight, and a lane holding `laneQueue` waiting calls refuses the next at once. A call waits at most the `waitMs`
 * it was queued with; the connector's timeout for the request itself starts only once the call has its slot.
 */

export const DEFAULT_LANE_QUEUE = 1000;
/** As long as MCP clients commonly wait for an answer before they cancel a request themselves. */
export const DEFAULT_QUEUE_TIMEOUT_MS = 60_000;

/** Half of the connections, at least one: one busy session leaves the other half to the rest. */
export function defaultLaneConcurrency(concurrency: number): number {
  return Math.max(1, Math.floor(concurrency / 2));
}

export interface SchedulerLimits {
  /** Requests in flight at most, over every lane. */
  concurrency: number;
  /** Requests in flight at most for one named lane; the default lane may use every slot. */
  laneConcurrency: number;
  /** Calls waiting at most in one lane; one more is refused. */
  laneQueue: number;
}

/** Why a call left the queue without being sent. */
export type QueueExitReason = 'full' | 'cancelled' | 'expired' | 'closed';

export class QueueExit extends Error {
  constructor(
    readonly reason: QueueExitReason,
    /** Milliseconds the call waited before it left. */
    readonly waitedMs: number,
  ) {
    super(`left the queue unsent (${reason})`);
    this.name = 'QueueExit';
  }
}

interface Waiter {
  readonly lane: Lane;
  readonly grant: (lane: Lane) => void;
  readonly refuse: (exit: QueueExit) => void;
  readonly enqueuedAt: number;
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** One lane's share of the connector; also the slot a granted call holds until it calls `release`. */
export class Lane {
  inFlight = 0;
  readonly waiting: Waiter[] = [];
  constructor(
    readonly id: string | undefined,
    readonly cap: number,
  ) {}
}

/** Queued deadlines are checked by one shared timer, at most this often, instead of one timer per waiting call. */
const SWEEP_GAP_MS = 25;

export class Scheduler {
  private inFlight = 0;
  private readonly lanes = new Map<string, Lane>();
  private readonly defaultLane: Lane;
  /** Lanes with waiting calls, in turn order; a lane is here exactly while it has waiting calls. */
  private readonly ready: Lane[] = [];
  /** Index in `ready` of the lane whose turn is next. */
  private turn = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;
  private closed = false;

  constructor(readonly limits: SchedulerLimits) {
    this.defaultLane = new Lane(undefined, limits.concurrency);
  }

  /** Requests in flight now, over every lane. */
  get active(): number {
    return this.inFlight;
  }

  /** Named lanes with calls waiting or in flight (idle ones are forgotten). */
  get openLanes(): number {
    return this.lanes.size;
  }

  /** Calls waiting now, over every lane. */
  get waiting(): number {
    let count = 0;
    for (const lane of this.ready) count += lane.waiting.length;
    return count;
  }

  /**
   * A slot for one request of `laneId`: the lane at once when it may send now (no promise is made), else a promise
   * granted in turn. Throws or rejects with a QueueExit when the call leaves unsent: the lane's queue is full, the
   * signal aborts, or it waited `waitMs` without a slot.
   */
  acquire(laneId: string | undefined, signal: AbortSignal | undefined, waitMs: number): Lane | Promise<Lane> {
    if (this.closed) throw new QueueExit('closed', 0);
    if (signal?.aborted) throw new QueueExit('cancelled', 0);
    const lane = laneId === undefined ? this.defaultLane : (this.lanes.get(laneId) ?? this.open(laneId));
    if (this.inFlight < this.limits.concurrency && lane.inFlight < lane.cap && lane.waiting.length === 0) {
      lane.inFlight++;
      this.inFlight++;
      return lane;
    }
    if (lane.waiting.length >= this.limits.laneQueue) {
      this.forgetIfIdle(lane);
      throw new QueueExit('full', 0);
    }
    return new Promise<Lane>((grant, refuse) => {
      const enqueuedAt = performance.now();
      const waiter: Waiter = { lane, grant, refuse, enqueuedAt, deadline: enqueuedAt + waitMs, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.leave(waiter, 'cancelled');
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      lane.waiting.push(waiter);
      if (lane.waiting.length === 1) this.ready.push(lane);
      this.armSweep(waiter.deadline);
    });
  }

  /** Gives back the slot `acquire` granted; the next lane in turn gets it. */
  release(lane: Lane): void {
    lane.inFlight--;
    this.inFlight--;
    this.dispatch();
    this.forgetIfIdle(lane);
  }

  /** Refuses every waiting call (the connector is closing); calls in flight finish on their own. */
  close(): void {
    this.closed = true;
    for (const lane of [...this.ready]) for (const waiter of [...lane.waiting]) this.leave(waiter, 'closed');
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private open(id: string): Lane {
    const lane = new Lane(id, Math.min(this.limits.laneConcurrency, this.limits.concurrency));
    this.lanes.set(id, lane);
    return lane;
  }

  /** Named lanes live only while they have calls, so sessions that come and go leave nothing behind. */
  private forgetIfIdle(lane: Lane): void {
    if (lane.id !== undefined && lane.inFlight === 0 && lane.waiting.length === 0) this.lanes.delete(lane.id);
  }

  /** Hands free slots to waiting calls, one per lane in turn, skipping lanes at their cap. */
  private dispatch(): void {
    while (this.inFlight < this.limits.concurrency && this.ready.length > 0) {
      const count = this.ready.length;
      let index = -1;
      for (let step = 0; step < count; step++) {
        const candidate = (this.turn + step) % count;
        const lane = this.ready[candidate]!;
        if (lane.inFlight < lane.cap) {
          index = candidate;
          break;
        }
      }
      if (index < 0) return;
      const lane = this.ready[index]!;
      const waiter = lane.waiting.shift()!;
      if (lane.waiting.length === 0) {
        this.ready.splice(index, 1);
        this.turn = index;
      } else {
        this.turn = index + 1;
      }
      if (this.turn >= this.ready.length) this.turn = 0;
      lane.inFlight++;
      this.inFlight++;
      if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.grant(lane);
    }
  }

  /** Takes a waiting call out of its lane at once and rejects it. */
  private leave(waiter: Waiter, reason: QueueExitReason): void {
    const { lane } = waiter;
    const at = lane.waiting.indexOf(waiter);
    if (at < 0) return;
    lane.waiting.splice(at, 1);
    if (lane.waiting.length === 0) this.unready(lane);
    this.forgetIfIdle(lane);
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
    waiter.refuse(new QueueExit(reason, performance.now() - waiter.enqueuedAt));
  }

  private unready(lane: Lane): void {
    const index = this.ready.indexOf(lane);
    if (index < 0) return;
    this.ready.splice(index, 1);
    if (index < this.turn) this.turn--;
    if (this.turn >= this.ready.length) this.turn = 0;
  }

  private armSweep(deadline: number): void {
    if (deadline >= this.sweepAt) return;
    clearTimeout(this.sweepTimer);
    this.sweepAt = deadline;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, deadline - performance.now()));
    this.sweepTimer.unref();
  }

  /** Rejects every waiting call whose deadline has passed, then sets the timer for the next deadline. */
  private sweep(): void {
    this.sweepTimer = undefined;
    this.sweepAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    const expired: Waiter[] = [];
    for (const lane of [...this.ready]) {
      const { waiting } = lane;
      let kept = 0;
      for (const waiter of waiting) {
        if (waiter.deadline <= now) expired.push(waiter);
        else {
          waiting[kept++] = waiter;
          if (waiter.deadline < next) next = waiter.deadline;
        }
      }
      if (kept === waiting.length) continue;
      waiting.length = kept;
      if (kept === 0) this.unready(lane);
      this.forgetIfIdle(lane);
    }
    for (const waiter of expired) {
      if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.refuse(new QueueExit('expired', now - waiter.enqueuedAt));
    }
    if (next !== Infinity) this.armSweep(Math.max(next, now + SWEEP_GAP_MS));
  }
}
