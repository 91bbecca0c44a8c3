import { TransportError } from '../errors.js';
import type { BodyOf } from '../operations.js';
import type { FarmLink } from './link.js';
import { pageOf, withRest, type Page, type Paged } from './paging.js';

/** A frame as get_task_frames returns it (api-catalog §3.2). */
export interface FrameInfo {
  id: number;
  taskId?: number | null;
  frameIndex?: string | null;
  frameBlock?: string | null;
  frameStatus?: number | null;
  frameStatusText?: string | null;
  feeAmount?: number | null;
  couponFee?: number | null;
  framePrice?: number | null;
  feeType?: number | null;
  arrearsFee?: number | null;
  startTime?: number | null;
  endTime?: number | null;
  frameExecuteTime?: number | null;
  frameType?: number | null;
  recommitFlag?: number | null;
  taskOverTime?: number | null;
  gopName?: string | null;
  frameRam?: number | null;
  nodeId?: string | null;
  averageCpu?: number | null;
  averageMemory?: number | null;
  /** Sandbox and newer farms: the analysis/render error code of a failed frame. */
  errorCode?: string | number | null;
  [extra: string]: unknown;
}

/** Frame counters of the whole account (get_frame_stats). */
export interface FrameStats {
  executingFramesTotal?: number | null;
  doneFramesTotal?: number | null;
  failedFramesTotal?: number | null;
  waitingFramesTotal?: number | null;
  abandonFramesTotal?: number | null;
  totalFrames?: number | null;
}

/** One block of a frame in the live progress of a 3ds Max task. */
export interface GrabInfo {
  frameIndex?: string | null;
  frameBlock?: string | null;
  frameStatus?: string | number | null;
  framePercent?: string | number | null;
  frameUsed?: string | number | null;
  frameEst?: string | number | null;
  feeAmount?: string | number | null;
  couponFee?: string | number | null;
  startTime?: string | null;
  endTime?: string | null;
  renderInfo?: string | null;
  grabUrl?: string | null;
}

/** get_task_progress: the task's stage and its blocks, row by row. */
export interface ProcessImage {
  width?: number | null;
  height?: number | null;
  block?: number | null;
  isRenderPhoton?: boolean | null;
  currentTaskType?: string | null;
  sceneName?: string | null;
  startTime?: string | null;
  endTime?: string | null;
  completedTime?: string | null;
  grabInfo?: (GrabInfo[] | null)[] | null;
}

/** get_task_progress as the API returns it: the stage's times as instants (epoch ms). */
export type TaskProgress = Omit<ProcessImage, 'startTime' | 'endTime' | 'completedTime'> & { startTime?: number; endTime?: number; completedTime?: number };

export type FrameAnswers = {
  get_task_frames: Paged<FrameInfo> | null;
  get_frame_stats: FrameStats | null;
  restart_failed_frames: unknown;
  restart_frames: unknown;
  stop_task_frames: unknown;
  get_task_progress: ProcessImage | null;
  /** Seeds 000/001 show data "SUCCESS" (copied from another operation); 002 shows the list of paths. */
  get_frame_thumbnail: string[] | string | null;
};

/** The SDK's page size maximum for frames. */
export const MAX_FRAME_PAGE_SIZE = 100;
/** Pages read at most for one task's frames (20,000 frames at 100 a page); the SDK allows 2,000 pages. */
export const MAX_FRAME_PAGES = 200;

/** Frame status codes of failed frames the resubmissions ask for: failed. */
const FAILED = 5;

export interface AllFramesOptions {
  pageSize?: number;
  maxPages?: number;
  /** searchKeyword: the "several frames on one machine" group name. */
  keyword?: string;
  /** Called after each page with the frames fetched so far and the total when the farm gives one. */
  onPage?: (fetched: number, total: number | undefined, page: number) => void | Promise<void>;
}

export interface AllFrames {
  frames: FrameInfo[];
  /** The farm's total, or the number fetched when it gives none. */
  total: number;
  pages: number;
  /** False when the page bound stopped the loop before the end. */
  complete: boolean;
}

export class FramesApi {
  constructor(private readonly link: FarmLink) {}

  /** One page of a task's frames, in the farm's order. */
  async page(body: BodyOf<'get_task_frames'>): Promise<Page<FrameInfo>> {
    return pageOf(await this.link.send('get_task_frames', body));
  }

  /**
   * SDK `get_all_frames`: get_task_frames page by page until a page comes back empty or the farm's total is reached
   * (one request fewer than the SDK, which always reads the empty page), within `maxPages`. Stops between pages when
   * the request is cancelled.
   */
  async all(taskId: number, options: AllFramesOptions = {}): Promise<AllFrames> {
    const pageSize = Math.min(options.pageSize ?? MAX_FRAME_PAGE_SIZE, MAX_FRAME_PAGE_SIZE);
    const maxPages = options.maxPages ?? MAX_FRAME_PAGES;
    const byId = new Map<number, FrameInfo>();
    let total: number | undefined;
    let pages = 0;
    let complete = false;
    while (pages < maxPages) {
      if (this.link.signal?.aborted) {
        const message = `Paging the frames of task ${taskId} was cancelled after ${plural(pages, 'page')}.`;
        throw new TransportError('get_task_frames', 'aborted', message, { sent: false });
      }
      pages++;
      const page = await this.page({ taskId, pageNum: pages, pageSize, searchKeyword: options.keyword });
      if (page.totalKnown) total = page.total;
      // Frames are keyed by id so a list that shifts between pages cannot count a frame twice.
      for (const frame of page.items) byId.set(frame.id, frame);
      await options.onPage?.(byId.size, total, pages);
      if (page.items.length === 0 || (total !== undefined && byId.size >= total)) {
        complete = true;
        break;
      }
    }
    return { frames: [...byId.values()], total: complete ? byId.size : Math.max(total ?? 0, byId.size), pages, complete };
  }

  /** Every frame of a task that holds frames: the first page gives the total, the others are asked for together. */
  async allAtOnce(taskId: number): Promise<{ frames: FrameInfo[]; complete: boolean }> {
    const ask = (pageNum: number) => this.page({ taskId, pageNum, pageSize: MAX_FRAME_PAGE_SIZE });
    const first = await ask(1);
    if (!first.totalKnown) {
      // No total to plan with: page one by one until an empty page, as the SDK does.
      const { frames, complete } = await this.all(taskId);
      return { frames, complete };
    }
    const { pages } = await withRest(first, ask, { pageSize: MAX_FRAME_PAGE_SIZE, maxPages: MAX_FRAME_PAGES });
    const byId = new Map<number, FrameInfo>();
    for (const frame of pages.flat()) byId.set(frame.id, frame);
    return { frames: [...byId.values()], complete: byId.size >= first.total };
  }

  async stats(): Promise<FrameStats> {
    return (await this.link.send('get_frame_stats')) ?? {};
  }

  /** Whether the dialect lets a resubmission choose frame statuses (classic has no `status` and takes failed frames). */
  takesStatus(operation: 'restart_failed_frames' | 'restart_frames'): boolean {
    return this.link.sends(operation, 'status');
  }

  /**
   * Resubmits the frames of tasks in the given frame statuses. Wire: `status` is not sent where the dialect has none
   * (classic); where it is required (dayan, seed 004) and not given, failed frames are asked for, which is what an
   * omitted status means on the current dialect (api-catalog #30).
   */
  restartFailed(taskIds: readonly number[], status?: readonly number[]) {
    const sent = status ?? (this.link.requires('restart_failed_frames', 'status') ? [FAILED] : undefined);
    return this.link.send('restart_failed_frames', { taskIds, status: sent });
  }

  /** Wire: `taskId` (003 and the SDK; 002's `taskIds` is a typo), `selectAll` 1 = all frames, 0 = only `ids`. */
  restart(body: BodyOf<'restart_frames'>) {
    return this.link.send('restart_frames', body);
  }

  stop(body: BodyOf<'stop_task_frames'>) {
    return this.link.send('stop_task_frames', body);
  }

  /** The task's live progress; its start and end times (farm-clock text) read as instants. */
  async progress(body: BodyOf<'get_task_progress'>): Promise<TaskProgress> {
    const data = (await this.link.send('get_task_progress', body)) ?? {};
    const clock = this.link.clock;
    const { startTime, endTime, completedTime, ...rest } = data;
    return { ...rest, startTime: clock.instant(startTime), endTime: clock.instant(endTime), completedTime: clock.instant(completedTime) };
  }

  /** Thumbnail paths of a done frame. Wire: frameStatus must be 4 (done), as the SDK's get_frame_thumbnall sends. */
  async thumbnail(frameId: number): Promise<string[]> {
    const data = await this.link.send('get_frame_thumbnail', { id: frameId, frameStatus: 4 });
    const paths = Array.isArray(data) ? data : typeof data === 'string' && data !== 'SUCCESS' ? [data] : [];
    return paths.filter((path) => typeof path === 'string' && path !== '');
  }
}

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;
