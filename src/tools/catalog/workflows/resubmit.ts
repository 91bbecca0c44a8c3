import { z } from 'zod';
import { RayvisionError } from '../../../client/errors.js';
import type { TaskInfo } from '../../../client/api/index.js';
import { RefusedError, defineTool } from '../../define.js';
import { blocks, plural, tsv } from '../../support/format.js';
import { taskLink } from '../../links.js';
import { frameCounts, summarizeTask } from '../../support/records.js';
import { item, taskIds } from '../../support/schema.js';
import { failedFramesOf, frameNumbers } from '../../support/failures.js';
import { allowFanOut } from '../../support/task-sets.js';

type Outcome = 'would_resubmit' | 'resubmitted' | 'failed' | 'refused' | 'skipped' | 'not_found';

type TaskOutcome = {
  id: number;
  alias?: string;
  scene?: string;
  status?: string;
  outcome: Outcome;
  frames: number;
  /** Frame numbers (dry run), or why the task was refused, skipped or failed. */
  detail?: string;
};

/** Why a task cannot have its frames resubmitted, or undefined when it can. */
function refusal(task: TaskInfo): string | undefined {
  if (task.isDelete === 0) return 'it is deleted (in the recycle bin)';
  if (task.taskStatus === 35) return 'it is abandoned';
  return undefined;
}

/**
 * The frame statuses resubmitted: failed (5) and timed out (11), both of which the counters count as failed (a dialect
 * without `status`, classic, resubmits failed frames).
 */
const FAILED_STATUSES = [5, 11];

export const resubmitFailures = defineTool({
  name: 'resubmit_failures',
  toolset: 'frames',
  safety: 'costly',
  title: 'Resubmit failures',
  description: 'Resubmit the failed frames of tasks, each once; billed. Dry run (default) lists frame numbers.',
  input: {
    task_ids: taskIds,
    dry_run: z.boolean().default(true).describe('Preview only (default)'),
  },
  output: { dry_run: z.boolean(), tasks: z.array(item({ id: z.number() })), frames: z.number(), message: z.string() },
  handler: async (args, ctx) => {
    allowFanOut(ctx.signal);
    const ids = [...new Set(args.task_ids)];
    const { tasks, missing } = await ctx.api.tasks.find(ids);
    if (tasks.length === 0) throw new RefusedError(`No task with id ${ids.join(', ')} exists on the farm; nothing was resubmitted.`);
    // A child task given with its parent would be resubmitted twice (the parent's resubmission covers its children).
    const parentOf = new Map<number, number>();
    for (const task of tasks) for (const child of task.respRenderingTaskList ?? []) parentOf.set(child.id, task.id);
    const outcomes: TaskOutcome[] = [];
    const targets: { task: TaskInfo; row: TaskOutcome }[] = [];
    for (const task of tasks) {
      const s = summarizeTask(task);
      const row: TaskOutcome = { id: task.id, ...(s.alias ? { alias: s.alias } : {}), ...(s.scene ? { scene: s.scene } : {}), status: s.status, outcome: 'skipped', frames: 0 };
      outcomes.push(row);
      const parent = parentOf.get(task.id);
      const refused = refusal(task);
      const failed = frameCounts(task).failed;
      if (parent !== undefined && ids.includes(parent)) row.detail = `covered by its parent task ${parent}`;
      else if (refused) Object.assign(row, { outcome: 'refused', detail: refused });
      else if (failed === 0) row.detail = 'no failed frames';
      else {
        row.frames = failed;
        targets.push({ task, row });
      }
    }
    for (const id of missing) outcomes.push({ id, outcome: 'not_found', frames: 0, detail: 'not on the farm' });

    if (args.dry_run) {
      // The frames themselves, so the preview names the frame numbers that would render again.
      await Promise.all(
        targets.map(async ({ task, row }) => {
          const { failed } = await failedFramesOf(ctx, task);
          Object.assign(row, { outcome: 'would_resubmit', frames: failed.length, detail: frameNumbers(failed.map((f) => f.frame)) });
        }),
      );
    } else {
      // One request per task, each sent once (writes are never retried), so each outcome is known on its own.
      await Promise.all(
        targets.map(async ({ row }) => {
          try {
            await ctx.api.frames.restartFailed([row.id], FAILED_STATUSES);
            row.outcome = 'resubmitted';
          } catch (error) {
            if (!(error instanceof RayvisionError)) throw error;
            Object.assign(row, { outcome: 'failed', detail: error.message });
          }
        }),
      );
    }
    const acted = outcomes.filter((o) => o.outcome === (args.dry_run ? 'would_resubmit' : 'resubmitted'));
    const frames = acted.reduce((sum, o) => sum + o.frames, 0);
    const table = tsv(
      ['id', 'alias', 'scene', 'status', 'outcome', 'frames', args.dry_run ? 'frame_numbers / reason' : 'reason'],
      outcomes.map((o) => [o.id, o.alias, o.scene, o.status, o.outcome, o.frames || '', o.detail]),
    );
    if (!args.dry_run && acted.length === 0) {
      throw new RefusedError(`Nothing was resubmitted: ${outcomes.map((o) => `${o.id} ${o.detail ?? o.outcome}`).join('; ')}.`);
    }
    const message = args.dry_run
      ? `Dry run: nothing was resubmitted. ${frames ? `Call again with dry_run false to resubmit ${plural(frames, 'failed frame')} of ${plural(acted.length, 'task')} (billed).` : 'No task here has failed frames to resubmit.'}`
      : `Resubmitted ${plural(frames, 'failed frame')} of ${plural(acted.length, 'task')}${outcomes.length > acted.length ? `; ${outcomes.length - acted.length} not resubmitted (see outcome)` : ''}. wait_for_tasks follows them.`;
    return {
      text: blocks(message, table),
      structured: { dry_run: args.dry_run, tasks: outcomes, frames, message },
      links: acted.map((o) => taskLink(o.id, o.scene)),
    };
  },
});
