import { TransportError } from '../errors.js';
import type { BodyOf } from '../operations.js';
import type { FarmLink } from './link.js';
import { pageOf, withRest, type Page, type Paged } from './paging.js';

/** A task as get_task_list and get_task_info return it (api-catalog §3.1); the documents disagree on what is always there. */
export interface TaskInfo {
  id: number;
  sceneName?: string | null;
  taskAlias?: string | null;
  taskStatus?: number | null;
  statusText?: string | null;
  preTaskStatus?: number | null;
  preStatusText?: string | null;
  totalFrames?: number | null;
  abortFrames?: number | null;
  executingFrames?: number | null;
  doneFrames?: number | null;
  failedFrames?: number | null;
  framesRange?: string | null;
  projectName?: string | null;
  renderConsume?: number | null;
  taskArrears?: number | null;
  submitDate?: number | null;
  startTime?: number | null;
  completedDate?: number | null;
  renderDuration?: number | null;
  userName?: string | null;
  producer?: string | null;
  taskLevel?: number | null;
  taskUserLevel?: number | null;
  taskLimit?: number | null;
  taskOverTime?: number | null;
  overTimeStop?: number | null;
  outputFileName?: string | null;
  munuTaskId?: string | null;
  layerParentId?: number | string | null;
  cgId?: number | null;
  taskKeyValueVo?: { tiles?: string | null; allCamera?: string | null; renderableCamera?: string | null } | null;
  userAccountConsume?: number | null;
  couponConsume?: number | null;
  isOpen?: number | null;
  taskType?: string | null;
  taskTypeText?: string | null;
  renderCamera?: string | null;
  layerName?: string | null;
  cloneParentId?: number | null;
  cloneOriginalId?: number | null;
  shareMainCapital?: number | null;
  taskRam?: number | null;
  isDelete?: number | null;
  labels?: string | null;
  userId?: number | null;
  respRenderingTaskList?: TaskInfo[] | null;
  [extra: string]: unknown;
}

export interface ErrorCodeInfo {
  id?: number;
  code: string | number;
  type?: number;
  languageFlag?: number;
  desDescriptionCn?: string | null;
  desSolutionCn?: string | null;
  solutionPath?: string | null;
  isRepair?: number;
  isOpen?: number;
  updateTime?: number;
}

export interface CreatedTasks {
  taskIdList?: number[] | null;
  aliasTaskIdList?: string[] | null;
  userId?: number | null;
}

export type TaskAnswers = {
  get_task_list: Paged<TaskInfo> | null;
  /** Documented as List<TaskInfo>, but every example returns the paged object: both are read. */
  get_task_info: Paged<TaskInfo> | TaskInfo[] | null;
  stop_task: unknown;
  start_task: unknown;
  abandon_task: unknown;
  delete_task: unknown;
  set_task_overtime_stop: unknown;
  full_speed_render: unknown;
  update_task_priority: unknown;
  update_task_limit: unknown;
  create_task: CreatedTasks | null;
  upload_task_json: unknown;
  submit_task: unknown;
  get_analysis_error_detail: ErrorCodeInfo[] | null;
};

/**
 * get_task_list's body with the submit-time bounds as instants (epoch ms), sent on the farm's clock. Paging is
 * always sent: the classic interface requires it (seeds 002/003 "Obtain the task list").
 */
export type TaskListRequest = Omit<BodyOf<'get_task_list'>, 'pageNum' | 'pageSize' | 'startTime' | 'endTime'> & {
  pageNum: number;
  pageSize: number;
  /** Submitted at or after this instant. */
  startTime?: number | undefined;
  /** Submitted at or before this instant. */
  endTime?: number | undefined;
};

/** A task list filter: get_task_list without its paging. */
export type TaskQuery = Omit<TaskListRequest, 'pageNum' | 'pageSize'>;

/** Biggest task page the server asks for (the SDK documents no maximum; 100 is what its helpers use). */
export const TASK_PAGE_SIZE = 100;

/** Task-list pages a scan keeps in flight at most: enough to hide a far farm's latency, few enough to waste little. */
const SCAN_IN_FLIGHT = 3;

export interface ScanOptions {
  /** The tasks the caller is looking for among those listed. */
  wanted: (task: TaskInfo) => boolean;
  /** The scan stops once it has read this many wanted tasks. */
  enough: number;
  /** Pages read at most, the first one included. */
  maxPages: number;
  /** Called after each page read, with the list positions read so far and the farm's total. */
  onPage?: (read: number, total: number) => void | Promise<void>;
}

export interface TaskScan {
  /** The tasks read, newest first, each once (a task that moved between pages while they were read is not repeated). */
  tasks: TaskInfo[];
  /** How many tasks match the query, from the first page's counter (the positions read when the farm gives none). */
  total: number;
  /** Whether the farm gave that counter. */
  totalKnown: boolean;
  /** List positions read (the items of the pages read). */
  read: number;
  pages: number;
  /** Every page of the list was read. */
  complete: boolean;
  /** Enough wanted tasks were found while older pages were left unread. */
  stoppedEarly: boolean;
}

export interface Subtasks {
  /** Undefined when the farm does not know the task. */
  task?: TaskInfo;
  children: TaskInfo[];
  /** Child ids; a task without children lists itself, as the SDK's get_small_task_id is used (frames live there). */
  ids: number[];
}

export class TasksApi {
  constructor(private readonly link: FarmLink) {}

  /** One page of tasks, newest first. Wire: the time bounds go as `yyyy-MM-dd HH:mm:ss` on the farm's clock. */
  async list(query: TaskListRequest): Promise<Page<TaskInfo>> {
    const { startTime, endTime, ...rest } = query;
    const clock = this.link.clock;
    const bounds = {
      startTime: startTime === undefined ? undefined : clock.format(startTime),
      endTime: endTime === undefined ? undefined : clock.format(endTime),
    };
    return pageOf(await this.link.send('get_task_list', { ...rest, ...bounds }));
  }

  /**
   * Every task matching a query, up to `maxPages` pages of 100: the first page gives the total, the others are asked
   * for together. A task that moves between pages while they are read is counted once.
   */
  async listAll(
    query: TaskQuery,
    options: { maxPages: number; onPage?: (fetched: number, total: number) => void | Promise<void> },
  ): Promise<{ tasks: TaskInfo[]; total: number; complete: boolean }> {
    const ask = (pageNum: number) => this.list({ ...query, pageNum, pageSize: TASK_PAGE_SIZE });
    const first = await ask(1);
    const { pages, planned } = await withRest(first, ask, { pageSize: TASK_PAGE_SIZE, ...options });
    const byId = new Map<number, TaskInfo>();
    for (const task of pages.flat()) if (!byId.has(task.id)) byId.set(task.id, task);
    return { tasks: [...byId.values()], total: first.total, complete: planned * TASK_PAGE_SIZE >= first.total };
  }

  /**
   * Task-list pages newest first until `enough` wanted tasks were read, the list ends, or `maxPages` were read, so its
   * cost follows what the caller needs, not the account's history. After the first page (which gives the total), up
   * to SCAN_IN_FLIGHT pages are asked for ahead, fewer when the share of wanted tasks so far says fewer will do; pages
   * are taken in order, and those still in flight when the scan has enough are left unread. Stops between pages when
   * the request is cancelled.
   */
  async scan(query: TaskQuery, options: ScanOptions): Promise<TaskScan> {
    const byId = new Map<number, TaskInfo>();
    let found = 0;
    let read = 0;
    let pages = 0;
    let ended = false;
    const ask = (pageNum: number): Promise<Page<TaskInfo>> => {
      if (this.link.signal?.aborted) {
        const message = `Listing tasks was cancelled after ${pages} ${pages === 1 ? 'page' : 'pages'}.`;
        return Promise.reject(new TransportError('get_task_list', 'aborted', message, { sent: false }));
      }
      return this.list({ ...query, pageNum, pageSize: TASK_PAGE_SIZE });
    };
    const first = await ask(1);
    // Without the farm's counter, the list ends at its first short page.
    const total = first.totalKnown ? first.total : Infinity;
    const lastPage = Math.min(options.maxPages, Math.ceil(total / TASK_PAGE_SIZE));
    const take = async (page: Page<TaskInfo>) => {
      pages++;
      read += page.items.length;
      for (const task of page.items) {
        if (byId.has(task.id)) continue;
        byId.set(task.id, task);
        if (options.wanted(task)) found++;
      }
      if (page.items.length === 0 || (!first.totalKnown && page.items.length < TASK_PAGE_SIZE)) ended = true;
      await options.onPage?.(read, first.totalKnown ? first.total : read);
    };
    await take(first);
    // Each page is settled as it arrives, so one that fails while an earlier one is awaited is not left unhandled.
    const ahead: Promise<{ page: Page<TaskInfo> } | { error: unknown }>[] = [];
    let next = 2;
    while (!ended && found < options.enough && pages < lastPage) {
      const share = found / Math.max(1, read);
      const likely = share > 0 ? Math.ceil((options.enough - found) / (share * TASK_PAGE_SIZE)) : SCAN_IN_FLIGHT;
      while (ahead.length < Math.min(SCAN_IN_FLIGHT, likely) && next <= lastPage) {
        ahead.push(
          ask(next++).then(
            (page) => ({ page }),
            (error: unknown) => ({ error }),
          ),
        );
      }
      const answer = await ahead.shift()!;
      if ('error' in answer) throw answer.error;
      await take(answer.page);
    }
    const complete = ended || pages >= Math.ceil(total / TASK_PAGE_SIZE);
    return {
      tasks: [...byId.values()],
      total: first.totalKnown ? first.total : read,
      totalKnown: first.totalKnown,
      read,
      pages,
      complete,
      stoppedEarly: !complete && found >= options.enough,
    };
  }

  /** Tasks by id, found among the answer's tasks and their child (layer or stage) tasks. */
  async byId(ids: readonly number[]): Promise<Map<number, TaskInfo>> {
    const data = await this.link.send('get_task_info', { taskIds: ids });
    const found = new Map<number, TaskInfo>();
    const visit = (task: TaskInfo) => {
      found.set(task.id, task);
      for (const child of task.respRenderingTaskList ?? []) visit(child);
    };
    (Array.isArray(data) ? data : (data?.items ?? [])).forEach(visit);
    return found;
  }

  /** Tasks by id, in the order asked; ids the farm does not know are listed in `missing`. */
  async find(ids: readonly number[]): Promise<{ tasks: TaskInfo[]; missing: number[] }> {
    const found = await this.byId(ids);
    const tasks = ids.map((id) => found.get(id)).filter((task): task is TaskInfo => task !== undefined);
    return { tasks, missing: ids.filter((id) => !found.has(id)) };
  }

  /** SDK `get_small_task_id`: get_task_info, then `respRenderingTaskList[].id`. */
  async subtasks(taskId: number): Promise<Subtasks> {
    const task = (await this.byId([taskId])).get(taskId);
    const children = task?.respRenderingTaskList ?? [];
    return { ...(task ? { task } : {}), children, ids: children.length ? children.map((child) => child.id) : [taskId] };
  }

  stop(body: BodyOf<'stop_task'>) {
    return this.link.send('stop_task', body);
  }

  start(body: BodyOf<'start_task'>) {
    return this.link.send('start_task', body);
  }

  abandon(body: BodyOf<'abandon_task'>) {
    return this.link.send('abandon_task', body);
  }

  delete(body: BodyOf<'delete_task'>) {
    return this.link.send('delete_task', body);
  }

  /** Wire: `overTime` in seconds (seed 002 and the SDK's set_task_overtime_top). */
  setOvertimeStop(body: BodyOf<'set_task_overtime_stop'>) {
    return this.link.send('set_task_overtime_stop', body);
  }

  fullSpeed(body: BodyOf<'full_speed_render'>) {
    return this.link.send('full_speed_render', body);
  }

  setPriority(body: BodyOf<'update_task_priority'>) {
    return this.link.send('update_task_priority', body);
  }

  setNodeLimit(body: BodyOf<'update_task_limit'>) {
    return this.link.send('update_task_limit', body);
  }

  /**
   * Reserves task ids. Wire: `count` (default 1) and `taskUserLevel` (default 50) are sent always, as the SDK's
   * create_task does; the classic interface takes no `cloneOriginalId` or `artist` (the catalog drops them).
   */
  async create(body: BodyOf<'create_task'>): Promise<{ taskIds: number[]; aliases: string[] }> {
    const data = await this.link.send('create_task', { ...body, count: body.count ?? 1, taskUserLevel: body.taskUserLevel ?? 50 });
    return { taskIds: data?.taskIdList ?? [], aliases: data?.aliasTaskIdList ?? [] };
  }

  uploadJson(body: BodyOf<'upload_task_json'>) {
    return this.link.send('upload_task_json', body);
  }

  submit(body: BodyOf<'submit_task'>) {
    return this.link.send('submit_task', body);
  }

  /**
   * What the farm knows about error codes, in the server's language unless another is asked for. Wire: the SDK
   * sends `code` for one code and `codes` for several; a dialect without `codes` (classic) is asked code by code.
   */
  async explainErrorCodes(codes: readonly string[], language: 0 | 1 = this.link.language): Promise<ErrorCodeInfo[]> {
    if (codes.length === 1 || !this.link.sends('get_analysis_error_detail', 'codes')) {
      const lists = await Promise.all(codes.map((code) => this.link.send('get_analysis_error_detail', { code, language })));
      return lists.flatMap((list) => list ?? []);
    }
    return (await this.link.send('get_analysis_error_detail', { codes, language })) ?? [];
  }
}
