import { z } from 'zod';
import { MAX_FRAME_PAGES, MAX_FRAME_PAGE_SIZE } from '../../client/api/index.js';
import { RefusedError, defineTool } from '../define.js';
import { blocks, compact, duration, facts, isoTime, money, pageFooter, plural, remaining, tsv } from '../support/format.js';
import { frameTable, noFramesReason, pagingWithProgress } from '../support/frames.js';
import { framesLink } from '../links.js';
import { countByStatus, countsLine, frameItem, summarizeFrame } from '../support/records.js';
import { frameId, frameStatusFilter, frameStatusName, item, keyword, matchesFrameFilter, page, pageSize, taskId } from '../support/schema.js';

const toolset = 'frames';

const statusFilter = frameStatusFilter.optional();
const groupKeyword = keyword.optional().describe('Machine group name');

export const getTaskFrames = defineTool({
  toolset,
  operation: 'get_task_frames',
  description: "One page of a task's frames in the farm's order; layered tasks keep frames in child tasks.",
  input: () => ({
    task_id: taskId,
    page,
    page_size: pageSize(50, MAX_FRAME_PAGE_SIZE),
    status: statusFilter.describe('Only these, within the page'),
    keyword: groupKeyword,
  }),
  output: () => ({ task_id: z.number(), frames: z.array(frameItem), total: z.number(), more: z.number(), currency: z.string().optional() }),
  handler: async (args, ctx) => {
    const page = await ctx.api.frames.page({ taskId: args.task_id, pageNum: args.page, pageSize: args.page_size, searchKeyword: args.keyword });
    const items = page.items.map(summarizeFrame);
    const total = page.total;
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: items.length });
    if (total === 0) {
      const reason = args.keyword ? `Task ${args.task_id} has no frames in group "${args.keyword}".` : await noFramesReason(ctx, args.task_id);
      return { text: reason, structured: { task_id: args.task_id, frames: [], total: 0, more: 0 } };
    }
    const counts = countByStatus(items);
    const wanted = args.status;
    const shown = wanted ? items.filter((frame) => matchesFrameFilter(frame.status, wanted)) : items;
    const heading = `Task ${args.task_id}: ${plural(total, 'frame')}.${items.length ? ` This page: ${countsLine(counts)}.` : ''}`;
    const filterNote = wanted
      ? `Status filter (${args.status!.join(', ')}) applied within this page only: ${shown.length} of ${items.length} frames match; get_all_task_frames filters all frames.`
      : undefined;
    return {
      text: blocks(
        heading,
        filterNote,
        shown.length ? frameTable(shown, { currency: ctx.api.account.currency }) : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length }),
      ),
      structured: { task_id: args.task_id, frames: shown, total, more, currency: ctx.api.account.currency },
      links: [framesLink(args.task_id)],
    };
  },
});

const LIST_CAP = 1000;

export const getAllTaskFrames = defineTool({
  toolset,
  operation: 'get_all_task_frames',
  description: `All frames of a task (up to ${MAX_FRAME_PAGES * MAX_FRAME_PAGE_SIZE}): counts by status and a capped list.`,
  input: () => ({
    task_id: taskId,
    status: statusFilter.describe('List only these statuses'),
    limit: z.number().int().min(1).max(LIST_CAP).default(100).describe('Most frames listed'),
  }),
  output: () => ({
    task_id: z.number(),
    total: z.number(),
    counts: z.record(z.string(), z.number()),
    frames: z.array(frameItem),
    matching: z.number(),
    complete: z.boolean(),
    currency: z.string().optional(),
  }),
  handler: async (args, ctx) => {
    const all = await ctx.api.frames.all(args.task_id, pagingWithProgress(ctx));
    if (all.frames.length === 0) {
      return {
        text: await noFramesReason(ctx, args.task_id),
        structured: { task_id: args.task_id, total: 0, counts: {}, frames: [], matching: 0, complete: all.complete },
      };
    }
    const frames = all.frames.map(summarizeFrame);
    const counts = countByStatus(frames);
    const wanted = args.status;
    const matching = wanted ? frames.filter((frame) => matchesFrameFilter(frame.status, wanted)) : frames;
    const listed = matching.slice(0, args.limit);
    const omitted = matching.length - listed.length;
    const scope = wanted ? `${args.status!.join('/')} frames` : 'frames';
    return {
      text: blocks(
        `Task ${args.task_id}: ${plural(frames.length, 'frame')}: ${countsLine(counts)}.`,
        all.complete
          ? undefined
          : `Stopped after ${all.pages} pages; the farm reports ${all.total} frames, so the counts cover the first ${frames.length} only.`,
        listed.length
          ? `${matching.length} ${scope}${omitted ? `, first ${listed.length} listed` : ''}:\n${frameTable(listed, { currency: ctx.api.account.currency })}`
          : `No ${scope}.`,
        omitted ? `${omitted} more not listed: pass status to narrow, or limit up to ${LIST_CAP}, or page with get_task_frames.` : undefined,
      ),
      structured: {
        task_id: args.task_id,
        total: frames.length,
        counts,
        frames: listed,
        matching: matching.length,
        complete: all.complete,
        currency: ctx.api.account.currency,
      },
      links: [framesLink(args.task_id)],
    };
  },
});

export const getFrameStats = defineTool({
  toolset,
  operation: 'get_frame_stats',
  description: 'Frame counts by status across all tasks of the account.',
  input: () => ({}),
  output: () => ({ rendering: z.number(), done: z.number(), failed: z.number(), waiting: z.number(), abandoned: z.number().optional(), total: z.number() }),
  handler: async (_args, ctx) => {
    const data = await ctx.api.frames.stats();
    const stats = compact({
      rendering: data.executingFramesTotal ?? 0,
      done: data.doneFramesTotal ?? 0,
      failed: data.failedFramesTotal ?? 0,
      waiting: data.waitingFramesTotal ?? 0,
      abandoned: data.abandonFramesTotal ?? undefined,
      total: data.totalFrames ?? 0,
    });
    const parts = Object.entries(stats)
      .filter(([key]) => key !== 'total')
      .map(([key, n]) => `${n} ${key}`);
    return { text: `Frames across all tasks: ${parts.join(', ')}; ${stats.total} in all.`, structured: stats };
  },
});

const STAGE = { photon: 2, main: 5 } as const;
const seconds = (value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? undefined : duration(Number(value)));

export const getTaskProgress = defineTool({
  toolset,
  operation: 'get_task_progress',
  description: 'Block-by-block progress of a 3ds Max task, with preview image paths.',
  input: () => ({ task_id: taskId, stage: z.enum(['photon', 'main']).optional().describe('Default: the current stage') }),
  output: () => ({ task_id: z.number(), stage: z.string().optional(), blocks: z.array(item({ block: z.string() })), currency: z.string().optional() }),
  handler: async (args, ctx) => {
    const data = await ctx.api.frames.progress({ taskId: args.task_id, frameType: args.stage ? STAGE[args.stage] : undefined });
    const stage = data.currentTaskType === 'RenderPhoton' || data.isRenderPhoton ? 'photon' : data.currentTaskType ? 'main' : args.stage;
    const grabs = (data.grabInfo ?? []).flatMap((row, block) => (row ?? []).map((grab) => ({ grab, block: block + 1 })));
    const progress = grabs.map(({ grab, block }) =>
      compact({
        block: grab.frameBlock || String(block),
        frame: grab.frameIndex ?? undefined,
        status: grab.frameStatus === null || grab.frameStatus === undefined || grab.frameStatus === '' ? undefined : frameStatusName(Number(grab.frameStatus)),
        percent: grab.framePercent === null || grab.framePercent === undefined || grab.framePercent === '' ? undefined : Number(grab.framePercent),
        used: seconds(grab.frameUsed),
        remaining: Number(grab.framePercent) >= 100 ? undefined : seconds(grab.frameEst),
        cost: money(Number(grab.feeAmount ?? 0) + Number(grab.couponFee ?? 0)) || undefined,
        info: grab.renderInfo ?? undefined,
        preview: grab.grabUrl ?? undefined,
      }),
    );
    const overview = facts({
      stage,
      scene: data.sceneName,
      size: data.width && data.height ? `${data.width}x${data.height}` : undefined,
      blocks: data.block,
      started: isoTime(data.startTime),
      completed: isoTime(data.completedTime ?? data.endTime),
    });
    return {
      text: blocks(
        `Progress of task ${args.task_id}${stage ? ` (${stage} stage)` : ''}:`,
        overview,
        progress.length
          ? tsv(
              ['block', 'frame', 'status', 'percent', 'used', 'remaining', 'preview'],
              progress.map((p) => [p.block, p.frame, p.status, p.percent, p.used, p.remaining, p.preview]),
            )
          : 'No blocks are rendering or rendered yet (progress exists only for 3ds Max tasks).',
      ),
      structured: {
        task_id: args.task_id,
        ...(stage ? { stage } : {}),
        blocks: progress,
        ...(progress.some((p) => p.cost) ? { currency: ctx.api.account.currency } : {}),
      },
    };
  },
});

export const getFrameThumbnail = defineTool({
  toolset,
  operation: 'get_frame_thumbnail',
  description: 'Thumbnail image paths of a done frame.',
  input: () => ({ frame_id: frameId }),
  output: () => ({ frame_id: z.number(), paths: z.array(z.string()) }),
  handler: async (args, ctx) => {
    const paths = await ctx.api.frames.thumbnail(args.frame_id);
    if (paths.length === 0) throw new RefusedError(`The farm returned no thumbnail for frame ${args.frame_id}; only done frames have thumbnails.`);
    return { text: `Thumbnail of frame ${args.frame_id}:\n${paths.join('\n')}`, structured: { frame_id: args.frame_id, paths } };
  },
});
