import type { TaskInfo } from '../client/api/index.js';
import type { ToolContext } from '../tools/define.js';
import { describePlatforms, describeProfile, describeSettings } from '../tools/support/account.js';
import { analyseFailures, causesText, frameNumbers, judgeCauses, planResubmission } from '../tools/support/failures.js';
import { blocks, pageFooter, plural, tsv } from '../tools/support/format.js';
import { frameTable } from '../tools/support/frames.js';
import { countByStatus, countsLine, summarizeFrame, summarizeTask, taskDetail, taskDetailText, type FrameSummary } from '../tools/support/records.js';
import { softwareName, taskStatusName } from '../tools/support/schema.js';
import { describeRenderEnvs, describeSoftware, summarizeEnv } from '../tools/support/software.js';
import { ACTIVE_STATUS_CODES } from '../tools/support/task-sets.js';

/**
 * The text of each resource, built from the farm API with the formatters of the tools that show the same thing
 * (src/tools/support), so a resource and its tool never drift apart.
 */

/** A resource whose subject the farm does not know; the resource layer answers it as resource-not-found. */
export class NotFoundError extends Error {}

export function notFound(message: string): NotFoundError {
  return new NotFoundError(message);
}

export async function accountText(ctx: ToolContext): Promise<string> {
  const [profile, settings] = await Promise.all([ctx.api.account.profile(), ctx.api.account.settings()]);
  return blocks(`Profile:\n${describeProfile(profile).text}`, `Settings:\n${describeSettings(settings).text}`);
}

export async function platformsText(ctx: ToolContext): Promise<string> {
  const { zone, platforms } = await ctx.api.account.platforms();
  return describePlatforms(zone, platforms, ctx.api.account.platform).text;
}

const ACTIVE_SHOWN = 25;
/** The statuses the active list asks for, by the names get_task_list takes, so its hint finds every one of them. */
const ACTIVE_STATUS_NAMES = [...new Set(ACTIVE_STATUS_CODES.map(taskStatusName))];
const RECENT_SHOWN = 10;

function taskTable(tasks: readonly TaskInfo[]): string {
  return tsv(
    ['id', 'alias', 'scene', 'status', 'done', 'failed', 'total', 'submitted'],
    tasks.map(summarizeTask).map((s) => [s.id, s.alias, s.scene, s.status, s.done, s.failed, s.total, s.submitted]),
  );
}

/** Active tasks (all that move on their own, up to 50) and the newest tasks that are not among them. */
export async function tasksText(ctx: ToolContext): Promise<string> {
  const [active, recent] = await Promise.all([
    ctx.api.tasks.list({ pageNum: 1, pageSize: ACTIVE_SHOWN, statusList: ACTIVE_STATUS_CODES }),
    ctx.api.tasks.list({ pageNum: 1, pageSize: RECENT_SHOWN }),
  ]);
  const activeItems = active.items;
  const activeTotal = active.total;
  const activeIds = new Set(activeItems.map((t) => t.id));
  const recentItems = recent.items.filter((t) => !activeIds.has(t.id));
  const allTotal = recent.totalKnown ? recent.total : recentItems.length;
  return blocks(
    activeTotal ? `Active tasks (${activeTotal}: ${ACTIVE_STATUS_NAMES.join(', ')}):\n${taskTable(activeItems)}` : 'No active tasks.',
    activeTotal > activeItems.length
      ? `${activeTotal - activeItems.length} more active: get_task_list status=${JSON.stringify(ACTIVE_STATUS_NAMES)} pages through all ${activeTotal}.`
      : undefined,
    recentItems.length ? `Recent tasks (newest of ${allTotal}, active ones above):\n${taskTable(recentItems)}` : undefined,
    'One task: rayvision://tasks/{task_id}. All tasks: get_task_list.',
  );
}

/** What get_task_info shows of a task (detail, frame counts, child tasks) and, when frames failed, their causes. */
export async function taskText(ctx: ToolContext, taskId: number): Promise<string> {
  const task = (await ctx.api.tasks.byId([taskId])).get(taskId);
  if (!task) throw notFound(`No task with id ${taskId} exists on the farm; rayvision://tasks lists the recent ones.`);
  const failed = summarizeTask(task).failed ?? 0;
  const failures = failed ? await failureSummary(ctx, task) : undefined;
  return blocks(taskDetailText(taskDetail(task, ctx.api.account.currency)), failures, `Frames, failed first: rayvision://tasks/${taskId}/frames`);
}

/** The causes of a task's failed frames, as triage_failures finds and judges them (the same analysis). */
async function failureSummary(ctx: ToolContext, task: TaskInfo): Promise<string> {
  const analysis = await analyseFailures(ctx, task);
  if (analysis.frames.length === 0) return `The counters report failed frames, but none is failed any more (resubmitted?).`;
  const { causes, note } = await judgeCauses(ctx, [analysis]);
  const plan = planResubmission(analysis, causes);
  const next = [
    `triage_failures task_ids=[${task.id}] explains them in full`,
    ctx.offers('resubmit_failures') && plan.resubmit.length
      ? `resubmit_failures task_ids=[${task.id}] previews resubmitting the ${plural(plan.resubmit.length, 'frame')} worth a retry`
      : undefined,
  ].filter(Boolean);
  return blocks(
    `Failures: ${plural(analysis.frames.length, 'failed frame')} (frames ${frameNumbers(analysis.frames.map((f) => f.frame))}); ${plan.resubmit.length} worth a retry, ${plan.held.length} held back.`,
    `Causes (from ${plural(analysis.logsRead, 'render log')}):\n${causesText(causes)}`,
    note,
    `Next: ${next.join('; ')}.`,
  );
}

export const FRAMES_PAGE_SIZE = 100;
const FRAME_ORDER = ['failed', 'timed_out', 'rendering', 'waiting', 'stopped', 'done'];
const frameRank = (status: string) => {
  const i = FRAME_ORDER.indexOf(status.startsWith('waiting') ? 'waiting' : status);
  return i < 0 ? FRAME_ORDER.length : i;
};

/** All frames of a task (of its child tasks for a layered job), failed first, one page of 100. */
export async function framesText(ctx: ToolContext, taskId: number, page: number): Promise<string> {
  const { task, children } = await ctx.api.tasks.subtasks(taskId);
  if (!task) throw notFound(`No task with id ${taskId} exists on the farm; rayvision://tasks lists the recent ones.`);
  const holders = children.length ? children : [task];
  const read = await Promise.all(holders.map(async (holder) => ({ holder, ...(await ctx.api.frames.allAtOnce(holder.id)) })));
  const frames = read.flatMap(({ holder, frames: list }) => list.map((frame) => ({ task: holder.id, frame: summarizeFrame(frame) })));
  if (frames.length === 0) return `Task ${taskId} has no frames yet.`;
  // Array.prototype.sort is stable: within a status the farm's order is kept.
  frames.sort((a, b) => frameRank(a.frame.status) - frameRank(b.frame.status));
  const shown = frames.slice((page - 1) * FRAMES_PAGE_SIZE, page * FRAMES_PAGE_SIZE);
  const footer = pageFooter({ page, pageSize: FRAMES_PAGE_SIZE, total: frames.length, shown: shown.length }).replace(
    /pass page=(\d+)/,
    `read rayvision://tasks/${taskId}/frames?page=$1`,
  );
  return blocks(
    `Task ${taskId}: ${plural(frames.length, 'frame')}: ${countsLine(countByStatus(frames.map((f) => f.frame)))}. Failed first.`,
    read.some((r) => !r.complete) ? 'The farm stopped answering pages before the end; the counts cover the frames read.' : undefined,
    shown.length ? withTaskColumn(shown, holders.length > 1, ctx.api.account.currency) : undefined,
    footer,
  );
}

/** frameTable, with the child task holding each frame in front when the frames come from several. */
function withTaskColumn(rows: readonly { task: number; frame: FrameSummary }[], several: boolean, currency: string): string {
  return frameTable(
    rows.map((r) => r.frame),
    { currency, ...(several ? { owners: rows.map((r) => r.task) } : {}) },
  );
}

/** Supported programs and their versions (on Windows, where every program renders). */
export async function softwareText(ctx: ToolContext): Promise<string> {
  const { software, defaultCgId } = await ctx.api.environments.software();
  const list = describeSoftware(software, defaultCgId);
  const catalogs = await Promise.allSettled(list.map((s) => ctx.api.environments.catalog(s.cg_id, 'windows', softwareName(s.cg_id))));
  const rows = list.map((s, i) => {
    const catalog = catalogs[i]!;
    const versions = catalog.status === 'fulfilled' ? catalog.value.versions.map((v) => v.version).join(', ') : 'unavailable';
    return [s.cg_id, s.name, s.key, versions, s.linux === undefined ? '' : s.linux ? 'yes' : 'no', s.default ? 'yes' : ''];
  });
  return blocks(
    `${plural(list.length, 'supported program')}; versions on Windows.`,
    rows.length ? tsv(['cg_id', 'name', 'key', 'versions', 'linux', 'default'], rows) : undefined,
    'Plugins and Linux versions: get_supported_plugins. Your environments: rayvision://render-envs/{cg_id}.',
  );
}

export async function renderEnvsText(ctx: ToolContext, cgId: number): Promise<string> {
  return describeRenderEnvs((await ctx.api.environments.renderEnvs([cgId])).map(summarizeEnv), softwareName(cgId));
}
