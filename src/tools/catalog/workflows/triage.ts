import { z } from 'zod';
import type { TaskInfo } from '../../../client/api/index.js';
import { RefusedError, defineTool } from '../../define.js';
import { blocks, plural, tsv } from '../../support/format.js';
import { framesLink } from '../../links.js';
import { frameCounts, summarizeTask } from '../../support/records.js';
import { dateTime, item, taskIds } from '../../support/schema.js';
import { analyseFailures, causesText, explainCodes, frameNumbers, mergeCauses, type TaskFailures } from '../../support/failures.js';
import { FAILABLE_STATUS_CODES, allowFanOut, monotonicProgress } from '../../support/task-sets.js';

/** Render logs read per task at most; the answer says when it sampled. */
export const LOGS_PER_TASK = 10;
/** Task pages scanned at most (20,000 tasks). */
const MAX_SCAN_PAGES = 200;

export const triageFailures = defineTool({
  name: 'triage_failures',
  toolset: 'frames',
  safety: 'read',
  title: 'Triage failures',
  description: 'Group the failed frames of tasks by error code, explain each, suggest the resubmission.',
  input: {
    task_ids: taskIds.optional().describe('Default: scan'),
    submitted_after: dateTime.optional().describe('Scan from'),
    submitted_before: dateTime.optional().describe('Scan until'),
    limit: z.number().int().min(1).max(100).default(20).describe('Tasks analysed'),
  },
  output: { scanned: z.number(), with_failures: z.number(), causes: z.array(item({ code: z.string() })), tasks: z.array(item({ id: z.number() })) },
  handler: async (args, ctx) => {
    allowFanOut(ctx.signal);
    const progress = monotonicProgress(ctx);
    let candidates: TaskInfo[];
    let scanned: number;
    let notes: (string | undefined)[] = [];
    if (args.task_ids) {
      const { tasks, missing } = await ctx.api.tasks.find([...new Set(args.task_ids)]);
      if (tasks.length === 0) throw new RefusedError(`No task with id ${args.task_ids.join(', ')} exists on the farm; check the ids with get_task_list.`);
      candidates = tasks;
      scanned = tasks.length;
      notes.push(missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined);
    } else {
      // Only the statuses that can hold failed frames, at the biggest page size, all pages at once.
      const scan = await ctx.api.tasks.listAll(
        { statusList: FAILABLE_STATUS_CODES, startTime: args.submitted_after, endTime: args.submitted_before },
        { maxPages: MAX_SCAN_PAGES, onPage: (fetched, total) => progress(fetched, undefined, `scanned ${fetched} of ${total} tasks`) },
      );
      candidates = scan.tasks;
      scanned = scan.tasks.length;
      notes.push(scan.complete ? undefined : `Scanned the newest ${scanned} of ${scan.total} tasks only; narrow with submitted_after.`);
    }
    const withFailures = candidates.filter((task) => frameCounts(task).failed > 0);
    const chosen = withFailures.slice(0, args.limit);
    let analysed = 0;
    const analyses: TaskFailures[] = await Promise.all(
      chosen.map(async (task) => {
        const result = await analyseFailures(ctx, task, LOGS_PER_TASK);
        analysed++;
        await progress(scanned + analysed, scanned + chosen.length, `analysed ${analysed} of ${plural(chosen.length, 'task')} with failed frames`);
        return result;
      }),
    );
    const { explained, note } = await explainCodes(ctx, analyses.flatMap((a) => a.causes.map((c) => c.code)));
    const causes = mergeCauses(analyses, explained);
    const failedFrames = analyses.reduce((sum, a) => sum + a.failed.length, 0);
    const sampledFrames = analyses.reduce((sum, a) => sum + a.sampled, 0);
    const tasks = analyses.map((a) => {
      const s = summarizeTask(a.task);
      return {
        id: s.id,
        ...(s.alias ? { alias: s.alias } : {}),
        ...(s.scene ? { scene: s.scene } : {}),
        status: s.status,
        failed: a.failed.length,
        total: s.total ?? 0,
        causes: a.causes.map((c) => c.code),
        frames: frameNumbers(a.failed.map((f) => f.frame)),
      };
    });
    const resubmittable = analyses.filter((a) => a.failed.length > 0).map((a) => a.task.id);
    const repeated = causes.filter((c) => c.repeated).map((c) => c.code);
    notes = [
      ...notes,
      note,
      sampledFrames < failedFrames ? `Causes come from the render logs of ${sampledFrames} of ${failedFrames} failed frames (up to ${LOGS_PER_TASK} sampled per task).` : undefined,
      withFailures.length > chosen.length ? `${withFailures.length - chosen.length} more tasks with failed frames were not analysed: raise limit, narrow the time window or pass task_ids.` : undefined,
      repeated.length ? `Frames with ${repeated.join(', ')} already failed again after a resubmission: fix the cause first, or they will likely fail (and be billed) again.` : undefined,
      resubmittable.length
        ? `Next: apply the fixes above where they ask for a change, then resubmit_failures ${JSON.stringify({ task_ids: resubmittable })} previews the resubmission (dry run by default).`
        : undefined,
    ];
    const headline = args.task_ids
      ? `${plural(withFailures.length, 'task')} of ${scanned} given ${withFailures.length === 1 ? 'has' : 'have'} failed frames.`
      : `Scanned ${plural(scanned, 'task')} that can hold failed frames; ${withFailures.length} ${withFailures.length === 1 ? 'has' : 'have'} failed frames.`;
    return {
      text: blocks(
        headline,
        causes.length ? `Causes:\n${causesText(causes)}` : undefined,
        tasks.length ? `Tasks:\n${tsv(['id', 'alias', 'scene', 'status', 'failed', 'total', 'causes', 'frames'], tasks.map((t) => [t.id, t.alias, t.scene, t.status, t.failed, t.total, t.causes.join(','), t.frames]))}` : undefined,
        ...notes,
      ),
      structured: { scanned, with_failures: withFailures.length, causes, tasks },
      links: tasks.map((t) => framesLink(t.id)),
    };
  },
});
