import { z } from 'zod';
import { TASK_PAGE_SIZE, type TaskInfo, type TaskScan } from '../../../client/api/index.js';
import { RefusedError, defineTool } from '../../define.js';
import { blocks, plural, tsv } from '../../support/format.js';
import { framesLink } from '../../links.js';
import { frameCounts, summarizeTask } from '../../support/records.js';
import { dateTime, item, taskIds } from '../../support/schema.js';
import {
  SAMPLE,
  analyseFailures,
  causesText,
  frameNumbers,
  judgeCauses,
  limiter,
  planResubmission,
  type CauseSummary,
  type ResubmitPlan,
  type TaskFailures,
} from '../../support/failures.js';
import { HOLD_REASONS, HOLD_WORDS, type HoldReason } from '../../support/retry.js';
import { FAILABLE_STATUS_CODES, monotonicProgress } from '../../support/task-sets.js';

/** Task pages scanned at most (20,000 tasks) when fewer than `limit` of them have failed frames. */
const MAX_SCAN_PAGES = 200;

export const triageFailures = defineTool({
  name: 'triage_failures',
  toolset: 'frames',
  safety: 'read',
  title: 'Triage failures',
  description: 'Group failed frames by cause, say which a retry can fix, and give the resubmit_failures call.',
  input: () => ({
    task_ids: taskIds.optional().describe('Default: scan'),
    since: dateTime.optional().describe('Submitted from'),
    until: dateTime.optional().describe('Submitted until'),
    limit: z.number().int().min(1).max(100).default(20).describe('Tasks analysed'),
  }),
  output: () => ({
    scanned: z.number(),
    total_failable: z.number().optional(),
    complete: z.boolean(),
    with_failures: z.number(),
    causes: z.array(item({ code: z.string() })),
    tasks: z.array(item({ id: z.number() })),
    resubmit: item({}).optional(),
  }),
  handler: async (args, ctx) => {
    const progress = monotonicProgress(ctx);
    let candidates: TaskInfo[];
    let scan: TaskScan | undefined;
    const notes: (string | undefined)[] = [];
    if (args.task_ids) {
      const { tasks, missing } = await ctx.api.tasks.find([...new Set(args.task_ids)]);
      if (tasks.length === 0) throw new RefusedError(`No task with id ${args.task_ids.join(', ')} exists on the farm; check the ids with get_task_list.`);
      candidates = tasks;
      notes.push(missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined);
    } else {
      // Only the statuses that can hold failed frames, newest first, until `limit` tasks with failed frames are found.
      scan = await ctx.api.tasks.scan(
        { statusList: FAILABLE_STATUS_CODES, startTime: args.since, endTime: args.until },
        {
          wanted: hasFailures,
          enough: args.limit,
          maxPages: MAX_SCAN_PAGES,
          onPage: (read, total) => progress(read, undefined, `scanned ${read} of ${total} tasks`),
        },
      );
      candidates = scan.tasks;
    }
    const scanned = candidates.length;
    const withFailures = candidates.filter(hasFailures);
    const chosen = withFailures.slice(0, args.limit);
    const limit = limiter();
    let analysed = 0;
    const analyses: TaskFailures[] = await Promise.all(
      chosen.map(async (task) => {
        const result = await analyseFailures(ctx, task, limit);
        analysed++;
        await progress(scanned + analysed, scanned + chosen.length, `analysed ${analysed} of ${plural(chosen.length, 'task')} with failed frames`);
        return result;
      }),
    );
    const { causes, note } = await judgeCauses(ctx, analyses);
    const plans = analyses.map((a) => ({ analysis: a, plan: planResubmission(a, causes) }));
    const tasks = plans.map(({ analysis: a, plan }) => {
      const s = summarizeTask(a.task);
      return {
        id: s.id,
        ...(s.alias ? { alias: s.alias } : {}),
        ...(s.scene ? { scene: s.scene } : {}),
        status: s.status,
        failed: a.frames.length,
        total: s.total ?? 0,
        causes: [...new Set(a.frames.map((f) => f.code))],
        frames: frameNumbers(a.frames.map((f) => f.frame)),
        resubmit: plan.resubmit.length,
        held: plan.held.length,
      };
    });
    const worth = tasks.filter((t) => t.resubmit > 0);
    const resubmitFrames = worth.reduce((sum, t) => sum + t.resubmit, 0);
    const held = plans.flatMap(({ plan }) => plan.held);
    const call = { task_ids: worth.map((t) => t.id) };
    const inferred = causes.reduce((sum, c) => sum + (c.inferred ?? 0), 0);
    notes.push(
      note,
      inferred
        ? `The causes of ${plural(inferred, 'frame')} are inferred: every sampled log of their status (up to ${SAMPLE} per task) named the same code.`
        : undefined,
      scan ? scanNote(scan, withFailures.length - chosen.length, args.limit) : undefined,
      !scan && withFailures.length > chosen.length
        ? `${withFailures.length - chosen.length} more of the tasks given have failed frames and were not analysed: raise limit.`
        : undefined,
      ...nextSteps(ctx.offers('resubmit_failures'), plans, causes),
    );
    const have = (n: number) => `${n} ${n === 1 ? 'has' : 'have'} failed frames`;
    const headline = !scan
      ? `${plural(withFailures.length, 'task')} of ${scanned} given ${withFailures.length === 1 ? 'has' : 'have'} failed frames.`
      : scan.complete
        ? `Scanned ${plural(scanned, 'task')} that can hold failed frames; ${have(withFailures.length)}.`
        : `Scanned the newest ${scan.totalKnown ? `${scanned} of ${plural(scan.total, 'task')}` : plural(scanned, 'task')} that can hold failed frames; ${have(withFailures.length)}.`;
    return {
      text: blocks(
        headline,
        causes.length ? `Causes:\n${causesText(causes)}` : undefined,
        tasks.length
          ? `Tasks:\n${tsv(
              ['id', 'alias', 'scene', 'status', 'failed', 'total', 'causes', 'frames', 'resubmit', 'held'],
              tasks.map((t) => [t.id, t.alias, t.scene, t.status, t.failed, t.total, t.causes.join(','), t.frames, t.resubmit, t.held]),
            )}`
          : undefined,
        ...notes,
      ),
      structured: {
        scanned,
        ...(scan?.totalKnown ? { total_failable: scan.total } : {}),
        complete: scan?.complete ?? true,
        with_failures: withFailures.length,
        causes,
        tasks,
        ...(analyses.length
          ? { resubmit: { ...(worth.length ? { call } : {}), frames: resubmitFrames, held: held.length, held_by_reason: countBy(held.map((h) => h.reason)) } }
          : {}),
      },
      links: tasks.map((t) => framesLink(t.id)),
    };
  },
});

const hasFailures = (task: TaskInfo) => frameCounts(task).failed > 0;

/**
 * What a scan left out, in numbers it knows: tasks with failed frames read but beyond `limit`, and the older tasks
 * it did not read (because `limit` tasks with failures were found, or at the page bound), with how to reach them.
 */
function scanNote(scan: TaskScan, notAnalysed: number, limit: number): string | undefined {
  const more = notAnalysed > 0 ? `${notAnalysed} more of the tasks read have failed frames and were not analysed. ` : '';
  if (scan.complete)
    return notAnalysed > 0
      ? `${notAnalysed} more tasks with failed frames were not analysed: raise limit, narrow since and until, or pass task_ids.`
      : undefined;
  const unread = scan.totalKnown ? `the older ${scan.total - scan.read}` : 'older ones';
  const why = scan.stoppedEarly
    ? `the scan stopped once ${plural(limit, 'task')} with failed frames were found`
    : `the scan stops after ${plural(MAX_SCAN_PAGES * TASK_PAGE_SIZE, 'task')}`;
  return `${more}Of the tasks that can hold failed frames, ${unread} were not read: ${why}. To go further, narrow with since and until, raise limit, or pass task_ids.`;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/**
 * What to do next: the resubmit_failures call that resubmits exactly the frames worth a retry (the same analysis
 * and rule), what it holds back and how to include it. A server that cannot resubmit (read-only, toolsets) says so.
 */
function nextSteps(canResubmit: boolean, plans: readonly { analysis: TaskFailures; plan: ResubmitPlan }[], causes: readonly CauseSummary[]): string[] {
  const worth = plans.filter(({ plan }) => plan.resubmit.length > 0).map(({ analysis }) => analysis.task.id);
  const frames = plans.reduce((sum, { plan }) => sum + plan.resubmit.length, 0);
  const held = plans.flatMap(({ plan }) => plan.held);
  const heldFor = (reason: HoldReason) => held.filter((h) => h.reason === reason).length;
  const heldText = HOLD_REASONS.filter((reason) => heldFor(reason)).map((reason) => `${heldFor(reason)} because ${HOLD_WORDS[reason]}`);
  if (!canResubmit) {
    return frames
      ? [
          `${plural(frames, 'frame')} of task ${worth.join(', ')} are worth a retry; this server does not offer resubmit_failures, the farm's console can resubmit them.`,
        ]
      : [];
  }
  const steps: string[] = [];
  if (frames) {
    steps.push(
      `Next: resubmit_failures ${JSON.stringify({ task_ids: worth })} resubmits the ${plural(frames, 'frame')} worth a retry (a dry run first unless dry_run is false)${heldText.length ? `, and holds back ${heldText.length === 1 ? heldText[0] : `${held.length}: ${heldText.join('; ')}`}` : ''}.`,
    );
  } else if (held.length) {
    steps.push(`No frame here is worth resubmitting as it is: ${heldText.join('; ')}.`);
  }
  const fixFirst = causes.filter((c) => c.retry === 'fix_first').map((c) => c.code);
  const toFix = plans.filter(({ plan }) => plan.held.some((h) => h.reason === 'fix_first')).map(({ analysis }) => analysis.task.id);
  if (fixFirst.length && toFix.length) {
    steps.push(
      `After fixing ${fixFirst.join(', ')} as the fix column says, resubmit_failures ${JSON.stringify({ task_ids: toFix, include: ['fix_first'] })} resubmits those frames too.`,
    );
  }
  return steps;
}
