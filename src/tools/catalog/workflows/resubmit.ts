import { z } from 'zod';
import { RayvisionError } from '../../../client/errors.js';
import type { TaskInfo } from '../../../client/api/index.js';
import { RefusedError, defineTool, type Preview, type ToolContext } from '../../define.js';
import { estimateCost, estimateText } from '../../support/cost.js';
import { blocks, plural, tsv } from '../../support/format.js';
import { taskLink } from '../../links.js';
import { frameCounts, summarizeTask, taskLine } from '../../support/records.js';
import { costlyFields, previewFirst } from '../../safety.js';
import { item, taskIds } from '../../support/schema.js';
import { analyseFailures, frameNumbers, judgeCauses, limiter, planResubmission, type FrameCause, type ResubmitPlan } from '../../support/failures.js';
import { HOLD_REASONS, HOLD_WORDS, type HoldReason } from '../../support/retry.js';

type Outcome = 'would_resubmit' | 'resubmitted' | 'failed' | 'held' | 'refused' | 'skipped' | 'not_found';

type TaskOutcome = {
  id: number;
  alias?: string;
  scene?: string;
  status?: string;
  outcome: Outcome;
  /** Frames resubmitted (or that would be). */
  frames: number;
  /** Failed frames held back, by reason. */
  held?: Partial<Record<HoldReason, number>>;
  /** Frame numbers (dry run), or why the task was refused, skipped or failed. */
  detail?: string;
};

/** Why a task cannot have its frames resubmitted, or undefined when it can. */
function refusal(task: TaskInfo): string | undefined {
  if (task.isDelete === 0) return 'it is deleted (in the recycle bin)';
  if (task.taskStatus === 35) return 'it is abandoned';
  return undefined;
}

const include = z.array(z.enum(HOLD_REASONS)).max(3).optional().describe('Also resubmit these held-back frames');

interface Target {
  task: TaskInfo;
  row: TaskOutcome;
  plan: ResubmitPlan;
}

/**
 * What a resubmission would send: per task, the failed frames worth a retry (support/retry.ts), unless `include`
 * releases held-back ones. The same analysis as triage_failures, so triage's suggested call resubmits what it said.
 */
async function plan(ctx: ToolContext, args: { task_ids: number[]; include?: HoldReason[] | undefined }) {
  const ids = [...new Set(args.task_ids)];
  const { tasks, missing } = await ctx.api.tasks.find(ids);
  if (tasks.length === 0) throw new RefusedError(`No task with id ${ids.join(', ')} exists on the farm; nothing was resubmitted.`);
  // A child task given with its parent would be resubmitted twice (the parent's resubmission covers its children).
  const parentOf = new Map<number, number>();
  for (const task of tasks) for (const child of task.respRenderingTaskList ?? []) parentOf.set(child.id, task.id);
  const outcomes: TaskOutcome[] = [];
  const candidates: { task: TaskInfo; row: TaskOutcome }[] = [];
  for (const task of tasks) {
    const s = summarizeTask(task);
    const row: TaskOutcome = {
      id: task.id,
      ...(s.alias ? { alias: s.alias } : {}),
      ...(s.scene ? { scene: s.scene } : {}),
      status: s.status,
      outcome: 'skipped',
      frames: 0,
    };
    outcomes.push(row);
    const parent = parentOf.get(task.id);
    const refused = refusal(task);
    if (parent !== undefined && ids.includes(parent)) row.detail = `covered by its parent task ${parent}`;
    else if (refused) Object.assign(row, { outcome: 'refused', detail: refused });
    else if (frameCounts(task).failed === 0) row.detail = 'no failed frames';
    else candidates.push({ task, row });
  }
  for (const id of missing) outcomes.push({ id, outcome: 'not_found', frames: 0, detail: 'not on the farm' });

  const limit = limiter();
  const analyses = await Promise.all(candidates.map(({ task }) => analyseFailures(ctx, task, limit)));
  const { causes, note } = await judgeCauses(ctx, analyses);
  const released = new Set(args.include ?? []);
  const targets: Target[] = [];
  candidates.forEach(({ task, row }, i) => {
    const analysis = analyses[i]!;
    const p = planResubmission(analysis, causes, released);
    const held = countHeld(p);
    if (Object.keys(held).length) row.held = held;
    if (analysis.frames.length === 0) row.detail = 'no failed frames any more';
    else if (p.resubmit.length === 0) Object.assign(row, { outcome: 'held', detail: heldText(p) });
    else {
      Object.assign(row, { outcome: 'would_resubmit', frames: p.resubmit.length, detail: frameNumbers(p.resubmit.map((f) => f.frame)) });
      targets.push({ task, row, plan: p });
    }
  });
  const estimate = await estimateCost(
    ctx,
    targets.map(({ task, plan: p }) => ({ task, frames: p.resubmit.length })),
  );
  const frames = targets.reduce((sum, t) => sum + t.plan.resubmit.length, 0);
  const heldFrames = candidates.reduce((sum, { row }) => sum + Object.values(row.held ?? {}).reduce((a, b) => a + b, 0), 0);
  const preview: Preview = {
    action: `resubmit ${plural(frames, 'failed frame')} of ${plural(targets.length, 'task')}`,
    lines: [
      ...targets.map(({ task, row }) => `${taskLine(task)}: resubmit ${plural(row.frames, 'frame')}${row.held ? `, hold back ${heldCell(row)}` : ''}`),
      ...outcomes.filter((o) => o.outcome !== 'would_resubmit').map((o) => `${o.id}: ${o.outcome}, ${o.detail ?? ''}`),
    ],
    items: outcomes,
    estimate,
    ...(frames === 0 ? { blocked: 'Nothing to resubmit' } : {}),
  };
  return { preview, outcomes, targets, frames, heldFrames, note };
}

function countHeld(p: ResubmitPlan): Partial<Record<HoldReason, number>> {
  const counts: Partial<Record<HoldReason, number>> = {};
  for (const frame of p.held) counts[frame.reason] = (counts[frame.reason] ?? 0) + 1;
  return counts;
}

/** `held back: 255 frames (50004) because its cause is not fixed by a retry` */
function heldText(p: ResubmitPlan): string {
  return HOLD_REASONS.filter((reason) => p.held.some((f) => f.reason === reason))
    .map((reason) => {
      const frames = p.held.filter((f) => f.reason === reason);
      return `${plural(frames.length, 'frame')} (${codesOf(frames)}) held back because ${HOLD_WORDS[reason]}`;
    })
    .join('; ');
}

const codesOf = (frames: readonly FrameCause[]) => [...new Set(frames.map((f) => f.code))].join(', ');

/**
 * One request per task that holds the frames (a child task for a layered job), each sent once. Returns the frames
 * sent and, when a request failed, why (frames sent before it stay resubmitted).
 */
async function send(ctx: ToolContext, target: Target): Promise<{ sent: number; error?: string }> {
  const byLeaf = new Map<number, number[]>();
  for (const f of target.plan.resubmit) byLeaf.set(f.taskId, [...(byLeaf.get(f.taskId) ?? []), f.frame.id]);
  let sent = 0;
  for (const [leaf, ids] of byLeaf) {
    try {
      await ctx.api.frames.restart({ taskId: leaf, selectAll: 0, ids });
      sent += ids.length;
    } catch (error) {
      if (!(error instanceof RayvisionError)) throw error;
      return { sent, error: `${error.message}${sent ? ` (${plural(sent, 'frame')} of this task had been resubmitted before it)` : ''}` };
    }
  }
  return { sent };
}

export const resubmitFailures = defineTool({
  name: 'resubmit_failures',
  toolset: 'frames',
  safety: 'costly',
  title: 'Resubmit failures',
  description: 'Resubmit the failed frames worth a retry, each task once; billed. Previews unless dry_run=false.',
  input: () => ({ task_ids: taskIds, include, dry_run: previewFirst }),
  output: () => ({
    dry_run: z.boolean(),
    tasks: z.array(item({ id: z.number() })),
    frames: z.number(),
    held: z.number(),
    message: z.string(),
    ...costlyFields,
  }),
  preview: async (args, ctx) => (await plan(ctx, args)).preview,
  handler: async (args, ctx) => {
    const { preview, outcomes, targets, frames, heldFrames, note } = await plan(ctx, args);
    const estimate = preview.estimate!;
    const heldNote = heldFrames
      ? `Held back ${plural(heldFrames, 'failed frame')} (see held): resubmitting them as they are would most likely fail and be billed again. Pass include ${JSON.stringify(
          HOLD_REASONS.filter((r) => outcomes.some((o) => o.held?.[r])),
        )} to resubmit them anyway, e.g. once their cause is fixed.`
      : undefined;
    if (!args.dry_run && targets.length) {
      // Each task once, in parallel (writes are never retried), so each outcome is known on its own.
      await Promise.all(
        targets.map(async (target) => {
          const { sent, error } = await send(ctx, target);
          if (error) Object.assign(target.row, { outcome: 'failed', frames: sent, detail: error });
          else target.row.outcome = 'resubmitted';
        }),
      );
      // The table shows each task as the farm has it now.
      const { tasks } = await ctx.api.tasks.find(outcomes.filter((o) => o.outcome !== 'not_found').map((o) => o.id));
      for (const task of tasks) {
        const row = outcomes.find((o) => o.id === task.id);
        if (row) row.status = summarizeTask(task).status;
      }
    }
    const acted = outcomes.filter((o) => o.outcome === (args.dry_run ? 'would_resubmit' : 'resubmitted'));
    const sentFrames = acted.reduce((sum, o) => sum + o.frames, 0);
    const table = tsv(
      ['id', 'alias', 'scene', 'status', 'outcome', 'frames', 'held', args.dry_run ? 'frame_numbers / reason' : 'reason'],
      outcomes.map((o) => [o.id, o.alias, o.scene, o.status, o.outcome, o.frames || '', heldCell(o), o.outcome === 'resubmitted' ? '' : o.detail]),
    );
    let message: string;
    if (frames === 0)
      message = `Nothing to resubmit${args.dry_run ? '' : ', so nothing was sent'}: no frame here is worth a retry as it is (see outcome and held).`;
    else if (args.dry_run) message = `Dry run: nothing was resubmitted. Call again with dry_run false to ${preview.action} (billed).`;
    else {
      const failed = outcomes.filter((o) => o.outcome === 'failed').length;
      message = `Resubmitted ${plural(sentFrames, 'failed frame')} of ${plural(acted.length, 'task')}${failed ? `; ${plural(failed, 'task')} failed (see outcome)` : ''}. wait_for_tasks follows them.`;
    }
    return {
      text: blocks(message, table, estimateText(estimate), heldNote, note),
      structured: { dry_run: args.dry_run, tasks: outcomes, frames: sentFrames, held: heldFrames, estimate, message },
      links: acted.map((o) => taskLink(o.id, o.scene)),
    };
  },
});

const heldCell = (o: TaskOutcome) =>
  o.held
    ? Object.entries(o.held)
        .map(([reason, n]) => `${n} ${reason}`)
        .join(', ')
    : '';
