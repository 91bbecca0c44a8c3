import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, type Server } from '@modelcontextprotocol/server';
import { FarmApi, type Page, type TaskInfo } from '../client/api/index.js';
import type { Connector } from '../client/connector.js';
import type { Logger } from '../client/log.js';
import { MIN_POLL_SECONDS, PollSchedule, type PollSettings } from '../server/poll.js';
import { frameCounts } from '../tools/support/records.js';
import { taskId as taskIdSchema } from '../tools/support/schema.js';
import { ACTIVE_STATUS_CODES } from '../tools/support/task-sets.js';
import type { Toolset } from '../tools/toolsets.js';
import { NotFoundError, notFound } from './views.js';

/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS = 50;
/** Active tasks compared per poll of the task list (the tasks resource shows the first 25 of them). */
const LIST_PAGE = 100;
/** Newest tasks compared per poll (the tasks resource shows 10 besides the active ones). */
const NEWEST_PAGE = 20;
/**
 * A subscription due this soon after the one that triggers a poll joins it, so that subscriptions whose schedules
 * have drifted apart still share requests; never when that would poll it sooner than 5 s after its last poll.
 */
const COALESCE_MS = 2_000;

/** What a subscription follows: the task list, or one task (its detail and its frames change together). */
export type Target = { kind: 'list' } | { kind: 'task'; taskId: number; toolset: Toolset };

/** rayvision://tasks, rayvision://tasks/{task_id} and rayvision://tasks/{task_id}/frames[?page=N]; nothing else changes on its own. */
export function subscriptionTarget(uri: string): Target | undefined {
  if (uri === 'rayvision://tasks') return { kind: 'list' };
  const match = /^rayvision:\/\/tasks\/([^/?#]+)(\/frames(?:\?page=\d+)?)?$/.exec(uri);
  if (!match) return undefined;
  const id = taskIdSchema.safeParse(decodeURIComponent(match[1]!));
  return id.success ? { kind: 'task', taskId: id.data, toolset: match[2] ? 'frames' : 'tasks' } : undefined;
}

/** What the user sees change in a task: its status and frame counters, and those of its child tasks. */
export function taskFingerprint(task: TaskInfo): string {
  return JSON.stringify([task.taskStatus, frameCounts(task), (task.respRenderingTaskList ?? []).map((c) => [c.id, c.taskStatus, frameCounts(c)])]);
}

interface Subscription {
  uri: string;
  target: Target;
  fingerprint: string;
  schedule: PollSchedule;
  /** Date.now() at which it is polled next. */
  due: number;
  /** Date.now() of its last poll (or of its baseline). */
  polled: number;
}

export interface WatcherDeps {
  connector: Connector;
  logger: Logger;
  poll: PollSettings;
  toolsets: ReadonlySet<Toolset>;
  updated(uri: string): Promise<void>;
  listChanged(): void;
  /** The lane its polls queue in toward the farm (an HTTP session's id, known once the session exists). */
  lane?: () => string | undefined;
}

/**
 * Polls the farm for one connection's subscriptions. One timer serves them all; each subscription has its own
 * schedule (back to the interval after a change, longer and longer while nothing changes), and the subscriptions
 * due together are polled with one request: get_task_info for all their tasks, get_task_list for the list.
 */
export class TaskWatcher {
  private readonly subs = new Map<string, Subscription>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;
  /** The newest task id seen by the list subscription: a task above it is new (resources/list changed). */
  private newestId: number | undefined;

  constructor(private readonly deps: WatcherDeps) {}

  get size(): number {
    return this.subs.size;
  }

  async subscribe(uri: string): Promise<void> {
    if (this.subs.has(uri)) return;
    const target = subscriptionTarget(uri);
    if (!target) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `${uri} cannot be subscribed to: only rayvision://tasks and rayvision://tasks/{task_id} (or its /frames) change on their own.`,
      );
    }
    const toolset = target.kind === 'list' ? 'tasks' : target.toolset;
    if (!this.deps.toolsets.has(toolset))
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${uri} is not served: the "${toolset}" toolset is not enabled.`);
    if (this.subs.size >= MAX_SUBSCRIPTIONS) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `This connection already holds ${MAX_SUBSCRIPTIONS} subscriptions, the most allowed; unsubscribe from some first.`,
      );
    }
    // The state to compare with comes first: it also checks that the task exists.
    const fingerprint = target.kind === 'list' ? (await this.listPrint()).print : await this.taskBaseline(target.taskId);
    if (this.closed || this.subs.has(uri)) return;
    const schedule = new PollSchedule(this.deps.poll);
    const now = Date.now();
    this.subs.set(uri, { uri, target, fingerprint, schedule, due: now + schedule.seconds * 1000, polled: now });
    this.deps.logger.debug(`subscribed to ${uri} (${this.subs.size} subscriptions)`);
    this.arm();
  }

  unsubscribe(uri: string): void {
    if (this.subs.delete(uri)) this.deps.logger.debug(`unsubscribed from ${uri} (${this.subs.size} left)`);
    if (this.subs.size === 0) this.disarm();
  }

  /** Stops every poll for good: the connection is gone. A poll under way is cancelled. */
  stop(): void {
    this.closed = true;
    this.subs.clear();
    this.disarm();
    this.abort.abort();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.disarm();
    if (this.closed || this.polling || this.subs.size === 0) return;
    const next = Math.min(...[...this.subs.values()].map((s) => s.due));
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    this.polling = true;
    const now = Date.now();
    const due = [...this.subs.values()].filter((s) => s.due <= now + COALESCE_MS && now - s.polled >= MIN_POLL_SECONDS * 1000);
    try {
      if (due.length === 0) return;
      const ids = [...new Set(due.flatMap((s) => (s.target.kind === 'task' ? [s.target.taskId] : [])))];
      const [tasks, list] = await Promise.all([
        ids.length ? this.taskPrints(ids) : undefined,
        due.some((s) => s.target.kind === 'list') ? this.listPrint() : undefined,
      ]);
      for (const sub of due) {
        if (this.closed || this.subs.get(sub.uri) !== sub) continue;
        sub.polled = now;
        const print = sub.target.kind === 'task' ? tasks?.get(sub.target.taskId) : list?.print;
        const changed = print !== undefined && print !== sub.fingerprint;
        if (changed) {
          sub.fingerprint = print;
          await this.deps.updated(sub.uri).catch(() => undefined);
        }
        sub.due = Date.now() + sub.schedule.next(changed) * 1000;
      }
      if (list?.newTasks && !this.closed) this.deps.listChanged();
      this.deps.logger.debug(
        `polled ${due.length} subscriptions (${ids.length ? `get_task_info for ${ids.length} tasks` : ''}${ids.length && list ? ', ' : ''}${list ? 'get_task_list' : ''})${list?.newTasks ? '; new tasks' : ''}`,
      );
    } catch (error) {
      if (this.closed) return;
      // The farm did not answer: keep the subscriptions and try again later, backing off as if nothing changed.
      this.deps.logger.warn(`polling for subscriptions failed: ${error instanceof Error ? error.message : String(error)}`);
      for (const sub of due) Object.assign(sub, { polled: now, due: Date.now() + sub.schedule.next(false) * 1000 });
    } finally {
      this.polling = false;
      this.arm();
    }
  }

  private get api(): FarmApi {
    const lane = this.deps.lane?.();
    return new FarmApi(this.deps.connector, { signal: this.abort.signal, ...(lane ? { lane } : {}) });
  }

  /** One get_task_info for every task due; a task the farm no longer knows gets the fingerprint `missing`. */
  private async taskPrints(ids: readonly number[]): Promise<Map<number, string>> {
    const found = await this.api.tasks.byId(ids);
    return new Map(ids.map((id) => [id, found.has(id) ? taskFingerprint(found.get(id)!) : 'missing']));
  }

  private async taskBaseline(taskId: number): Promise<string> {
    const print = (await this.taskPrints([taskId])).get(taskId)!;
    if (print === 'missing') throw notFound(`No task with id ${taskId} exists on the farm; nothing to subscribe to.`);
    return print;
  }

  /**
   * What rayvision://tasks shows, as one fingerprint: the active tasks (all that move on their own, up to 100) and
   * the newest tasks, where a new one shows up even when it has already finished by the time of the poll.
   */
  private async listPrint(): Promise<{ print: string; newTasks: boolean }> {
    const [active, newest] = await Promise.all([
      this.api.tasks.list({ pageNum: 1, pageSize: LIST_PAGE, statusList: ACTIVE_STATUS_CODES }),
      this.api.tasks.list({ pageNum: 1, pageSize: NEWEST_PAGE }),
    ]);
    const shown = (page: Page<TaskInfo>) => [page.total, page.items.map((t) => [t.id, t.taskStatus, frameCounts(t)])];
    const newestId = Math.max(0, ...newest.items.map((t) => t.id));
    // The first look only learns the newest id; after it, a higher id is a task that was not there before.
    const newTasks = this.newestId !== undefined && newestId > this.newestId;
    this.newestId = Math.max(this.newestId ?? 0, newestId);
    return { print: JSON.stringify([shown(active), shown(newest)]), newTasks };
  }
}

export interface SubscriptionOptions {
  connector: Connector;
  logger: Logger;
  poll: PollSettings;
  toolsets: ReadonlySet<Toolset>;
}

/**
 * The watcher of one connection (stdio, or an HTTP session): its updates go out through the instance, which sends
 * them unsolicited on 2025 connections and routes them onto open subscriptions/listen streams on 2026 ones. Closing
 * the connection stops every poll.
 */
export function watchConnection(server: Server, options: SubscriptionOptions): TaskWatcher {
  const watcher = new TaskWatcher({
    ...options,
    updated: (uri) => server.sendResourceUpdated({ uri }),
    listChanged: () => server.sendResourceListChanged(),
    // A session's polls queue in its lane like its calls, so a session with many subscriptions cannot crowd others.
    lane: () => (server.transport as { sessionId?: string } | undefined)?.sessionId,
  });
  const previous = server.onclose;
  server.onclose = () => {
    watcher.stop();
    previous?.();
  };
  return watcher;
}

/** 2025-era resources/subscribe and resources/unsubscribe, driving the connection's watcher. */
export function installSubscribe(server: Server, watcher: TaskWatcher): void {
  server.setRequestHandler('resources/subscribe', async (request) => {
    try {
      await watcher.subscribe(request.params.uri);
    } catch (error) {
      if (error instanceof NotFoundError) throw new ResourceNotFoundError(request.params.uri, error.message);
      throw error;
    }
    return {};
  });
  server.setRequestHandler('resources/unsubscribe', async (request) => {
    watcher.unsubscribe(request.params.uri);
    return {};
  });
}
