import { RayvisionError } from '../../client/errors.js';
import type { TaskInfo } from '../../client/api/index.js';
import type { ToolContext } from '../define.js';
import { money, plural } from './format.js';
import { frameCounts } from './records.js';

/**
 * What a costly action is expected to bill, shown in every preview and compared with RAYVISION_MAX_COST. The farm
 * bills by render time and has no price query, so this is an estimate, and it says what it rests on:
 * - a task that has billed frames already: its own cost per rendered frame so far (renderConsume over the frames
 *   that rendered, done or failed, since failed attempts are billed too);
 * - a task with none: the account's unit price (the profile's cpuPrice or gpuPrice, by the platform's type) counted
 *   once per frame. The farm does not document the unit (assumption: a node-hour), so this is a rough figure.
 * Amounts are in the account's currency (the profile's zone decides it, as the balance shows it).
 */

export type Estimate = {
  /** Frames the action would have the farm render (and bill); absent when the farm has not counted them yet. */
  frames?: number;
  /** The estimated amount; absent when there is no basis for one. */
  cost?: number;
  currency?: 'CNY' | 'USD';
  /** What the estimate rests on, in words. */
  basis: string;
};

/** Frames of one task the action would bill. */
export interface Billed {
  task: TaskInfo;
  frames: number;
}

/** A task's cost so far: its own, or its child tasks' together when a parent reports none. */
function spent(task: TaskInfo): number {
  const own = Number(task.renderConsume ?? 0);
  if (own > 0 || !task.respRenderingTaskList?.length) return Number.isFinite(own) ? own : 0;
  return task.respRenderingTaskList.reduce((sum, child) => sum + spent(child), 0);
}

/** Frames of a task that would still render (and be billed): everything not done or failed. */
export function framesLeft(task: TaskInfo): number {
  const c = frameCounts(task);
  return Math.max(0, c.total - c.done - c.failed);
}

/** The task's own cost per rendered frame so far, when it has billed any frame. */
export function costPerFrame(task: TaskInfo): number | undefined {
  const counts = frameCounts(task);
  const rendered = counts.done + counts.failed;
  const cost = spent(task);
  return cost > 0 && rendered > 0 ? cost / rendered : undefined;
}

/** `0.0412` for small per-frame figures, 2 decimals for larger ones. */
const perFrame = (value: number) => (value >= 1 ? String(money(value)) : value.toPrecision(3).replace(/\.?0+$/, ''));

interface UnitPrice {
  price: number;
  kind: 'CPU' | 'GPU';
}

/** The account's currency and, only when a task has no billed frame to go by, its unit price. */
async function account(ctx: ToolContext, needPrice: boolean): Promise<{ currency?: 'CNY' | 'USD'; unit?: UnitPrice; note?: string }> {
  try {
    const { profile, currency } = await ctx.api.account.profile();
    if (!needPrice) return { currency };
    const { platforms } = await ctx.api.account.platforms().catch(() => ({ platforms: [] }));
    const platform = platforms.find((p) => String(p.platform) === ctx.api.account.platform);
    // list_platforms `type`: 0 GPU, 1 CPU (api-catalog §5.1); an unknown platform is taken as CPU.
    const kind = platform?.type === 0 ? 'GPU' : 'CPU';
    const price = Number(kind === 'GPU' ? profile.gpuPrice : profile.cpuPrice);
    return { currency, ...(Number.isFinite(price) && price > 0 ? { unit: { price, kind } } : {}) };
  } catch (error) {
    if (!(error instanceof RayvisionError) || ctx.signal.aborted) throw error;
    return { note: `the account could not be read (${error.message})` };
  }
}

/** The estimate for frames of several tasks: one profile read, and the platform list only when a price is needed. */
export async function estimateCost(ctx: ToolContext, billed: readonly Billed[]): Promise<Estimate> {
  const items = billed.filter((b) => b.frames > 0);
  const frames = items.reduce((sum, b) => sum + b.frames, 0);
  if (frames === 0) return { frames: 0, cost: 0, basis: 'nothing would be rendered' };
  const own = items.map((b) => ({ ...b, rate: costPerFrame(b.task) }));
  const unpriced = own.filter((b) => b.rate === undefined);
  const { currency, unit, note } = await account(ctx, unpriced.length > 0);
  const unitCurrency = currency ? ` ${currency}` : '';
  const reasons: string[] = [];
  const priced = own.filter((b) => b.rate !== undefined);
  if (priced.length === 1 && items.length === 1) reasons.push(`the task's own cost per rendered frame so far, ${perFrame(priced[0]!.rate!)}${unitCurrency}`);
  else if (priced.length)
    reasons.push(`each task's own cost per rendered frame so far${priced.length < items.length ? ` (${plural(priced.length, 'task')})` : ''}`);
  if (unpriced.length) {
    const which = unpriced.map((b) => b.task.id).join(', ');
    reasons.push(
      unit
        ? `the account's ${unit.kind} unit price, ${perFrame(unit.price)}${unitCurrency}, once per frame for task ${which}, which has billed no frame yet (a rough figure: the farm bills by render time)`
        : `no basis for task ${which}: it has billed no frame yet and ${note ?? "the account's unit price is not known"}`,
    );
  }
  const cost = unpriced.length && !unit ? undefined : money(own.reduce((sum, b) => sum + b.frames * (b.rate ?? unit!.price), 0));
  return { frames, ...(cost !== undefined ? { cost } : {}), ...(currency ? { currency } : {}), basis: reasons.join('; ') };
}

/** An estimate that cannot be made (no frames counted yet), in the account's currency for the limit's sake. */
export async function noEstimate(ctx: ToolContext, basis: string): Promise<Estimate> {
  const { currency } = await account(ctx, false);
  return { ...(currency ? { currency } : {}), basis };
}

/** `about 12.4 USD`, or `unknown` */
export function costText(estimate: Estimate): string {
  if (estimate.cost === undefined) return 'unknown';
  return `about ${estimate.cost}${estimate.currency ? ` ${estimate.currency}` : ' (currency unknown)'}`;
}

/** `Estimated cost: about 12.4 USD for 250 frames (an estimate, from ...).` */
export function estimateText(estimate: Estimate): string {
  if (estimate.frames === 0) return 'Estimated cost: nothing would be rendered, so nothing billed.';
  const frames = estimate.frames === undefined ? '' : ` for ${plural(estimate.frames, 'frame')}`;
  return `Estimated cost: ${costText(estimate)}${frames} (an estimate; basis: ${estimate.basis}).`;
}
