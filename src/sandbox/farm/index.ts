import { OPERATIONS, type OperationId } from '../../client/operations.js';
import { FarmError, type FarmModel, type FarmRequest } from '../types.js';
import { Account, DEFAULT_BALANCE } from './account.js';
import type { ActionContext } from './actions.js';
import { SimClock } from './clock.js';
import { Environments } from './environments.js';
import { generateTasks, type DataSetOptions } from './generate.js';
import { HANDLERS } from './handlers.js';
import { Labels } from './labels.js';
import { OperationLog, seedHistory } from './logs.js';
import { Rng } from './random.js';
import { taskRecord } from './records.js';
import { TaskStore } from './store.js';
import { Transfer } from './transfer.js';
import { frameRecord } from './frames.js';
import { ensureFrames } from './render.js';

export interface FarmOptions {
  /** Seed of the deterministic data set: the same seed (and start time) gives the same farm. */
  seed?: number;
  /** Simulated seconds per real second (default 1; 0 freezes the clock except for `advance`). */
  speed?: number;
  /** Number of top-level tasks to generate (default 320). */
  taskCount?: number;
  /** Simulated epoch ms at which the farm starts (default: now). Fix it to compare data sets across runs. */
  startTime?: number;
  /** When set, every secret value the farm returns (transfer passwords, RaySync keys) contains this string. */
  canary?: string;
  /** The account's balance before the sandbox renders anything (default 2350.75); below 0 it is in arrears. */
  balance?: number;
}

/**
 * The simulated render farm behind the sandbox's HTTP layer: a seeded data set of tasks, frames, environments,
 * projects and account data, a clock that renders frames as simulated time passes, and one handler per operation.
 * The tasks (and the operation log that describes them) are generated when something first needs them, so a
 * farm nobody asks about costs nothing to start.
 */
export class Farm implements FarmModel {
  readonly seed: number;
  readonly clock: SimClock;
  readonly labels = new Labels();
  readonly account: Account;
  readonly envs: Environments;
  readonly transfer: Transfer;
  private dataSetState?: { store: TaskStore; log: OperationLog };
  /** What the data set is made from, as the farm starts (later changes do not rewrite the generated history). */
  private readonly dataSet: DataSetOptions;

  constructor(readonly options: FarmOptions = {}) {
    this.seed = options.seed ?? 1;
    const origin = options.startTime ?? Date.now();
    this.clock = new SimClock(origin, options.speed ?? 1);
    this.account = new Account(new Rng(this.seed ^ 0xacc0), origin, options.balance ?? DEFAULT_BALANCE, () => this.dataSetState?.store.timeoutChanged());
    this.envs = new Environments(new Rng(this.seed ^ 0xe7e7));
    this.transfer = new Transfer(new Rng(this.seed ^ 0x7f3a), options.canary);
    this.dataSet = {
      seed: this.seed,
      taskCount: options.taskCount ?? 320,
      origin,
      projects: this.labels.ownProjectNames(),
      labelIds: this.labels.presetLabelIds(),
      taskOverTime: this.account.settings.taskOverTimeSec,
      inArrears: this.account.openingBalance < 0,
    };
  }

  /** Every task of the farm (generated on first use). */
  get store(): TaskStore {
    return this.data().store;
  }

  /** The task operation log (its history describes the generated tasks). */
  get log(): OperationLog {
    return this.data().log;
  }

  private data(): { store: TaskStore; log: OperationLog } {
    if (this.dataSetState) return this.dataSetState;
    const store = new TaskStore(this.clock.origin, { taskTimeoutSec: () => this.account.settings.taskOverTimeSec, inArrears: () => this.inArrears() });
    generateTasks(store, this.dataSet);
    const log = new OperationLog();
    seedHistory(log, store.newest(200));
    this.dataSetState = { store, log };
    return this.dataSetState;
  }

  /** Whether the tasks have been generated (by a request or a read that needed them). */
  get generated(): boolean {
    return this.dataSetState !== undefined;
  }

  /** Whether the account is in arrears: a negative balance (the tasks it owes for are stopped, status 20). */
  inArrears(): boolean {
    return this.account.balance(this.dataSetState?.store.spent ?? 0) < 0;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.clock.now();
  }

  /** Moves simulated time forward (tests use it to render deterministically). */
  advance(seconds: number): void {
    this.clock.advance(seconds);
  }

  handle(request: FarmRequest): unknown {
    const handler = HANDLERS[request.operation];
    if (!handler) throw new FarmError(404, `${request.operation} has no interface of its own`);
    // queryPlatforms is how a client finds its platform numbers, so it answers whatever the header says.
    if (request.operation !== 'list_platforms') this.account.checkPlatform(request.platform);
    // The tasks are generated only when the handler reaches for them.
    const farm = this;
    const ctx: ActionContext = {
      get store() {
        return farm.store;
      },
      get log() {
        return farm.log;
      },
      labels: this.labels,
      now: this.clock.now(),
      path: OPERATIONS[request.operation].paths[request.scheme],
      args: request.args,
    };
    return handler(this, ctx, request);
  }

  /** Calls an operation directly, without HTTP (current scheme, English). */
  call(operation: OperationId, args: Record<string, unknown> = {}): unknown {
    return this.handle({ operation, args, scheme: 'current', platform: '2', languageFlag: '1' });
  }

  /** A task's TaskInfo record as the API returns it, brought up to now; undefined for an unknown id. */
  taskInfo(id: number): Record<string, unknown> | undefined {
    const task = this.store.task(id);
    return task ? taskRecord(this.store.sync(task, this.now()), this.store, this.labels, this.now()) : undefined;
  }

  /** Every frame record of a task (its layers' frames for a parent), brought up to now. */
  taskFrames(id: number): Record<string, unknown>[] {
    const task = this.store.task(id);
    if (!task) return [];
    const now = this.now();
    this.store.sync(task, now);
    return this.store.leaves(task).flatMap((leaf) => ensureFrames(leaf, this.store).map((frame) => frameRecord(leaf, frame, now)));
  }

  /** Top-level task records (newest first); `deleted` lists the recycle bin instead. */
  tasks(options: { deleted?: boolean } = {}): Record<string, unknown>[] {
    const now = this.now();
    this.store.syncAll(now);
    return this.store
      .topLevel()
      .filter((task) => !task.reserved && task.isDelete === (options.deleted ? 0 : 1))
      .map((task) => taskRecord(task, this.store, this.labels, now));
  }
}

export function createFarm(options: FarmOptions = {}): Farm {
  return new Farm(options);
}
