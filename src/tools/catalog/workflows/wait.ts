import { z } from 'zod';
import type { TaskInfo } from '../../../client/api/index.js';
import { RefusedError, defineTool, type ToolContext } from '../../define.js';
import { blocks, duration, plural } from '../../support/format.js';
import { taskLink } from '../../links.js';
import { frameCounts, summarizeTask, taskItem, taskLine } from '../../support/records.js';
import { FINAL_TASK_STATUSES, taskIds } from '../../support/schema.js';
import { MIN_POLL_SECONDS, PollSchedule, pause } from '../../../server/poll.js';

/** wait_for_tasks polls every 5 s while tasks move, backing off to 30 s while they do not. */
const WAIT_POLL = { intervalSec: MIN_POLL_SECONDS, maxIntervalSec: 30 };
export const MAX_WAIT_SECONDS = 900;
/**
 * Many clients give up on a request after 60 s unless progress keeps it alive, so the default stays under that; a
 * caller that receives progress can ask for up to 15 minutes.
 */
const DEFAULT_WAIT_SECONDS = 50;

const isFinal = (task: TaskInfo) => FINAL_TASK_STATUSES.has(task.taskStatus ?? -1);

/** Frames that will not render again on their own (done, failed, abandoned) of all frames, across the tasks. */
function settled(tasks: readonly TaskInfo[]): { progress: number; total: number; done: number; failed: number } {
  let progress = 0;
  let total = 0;
  let done = 0;
  let failed = 0;
  for (const task of tasks) {
    const c = frameCounts(task);
    progress += Math.min(c.total, c.done + c.failed + c.abandoned);
    total += c.total;
    done += c.done;
    failed += c.failed;
  }
  return { progress, total, done, failed };
}

/** What the user sees change: statuses and frame counters. */
const fingerprint = (tasks: readonly TaskInfo[]) => JSON.stringify(tasks.map((t) => [t.id, t.taskStatus, frameCounts(t)]));

export const waitForTasks = defineTool({
  name: 'wait_for_tasks',
  toolset: 'tasks',
  safety: 'read',
  title: 'Wait for tasks',
  description: 'Wait until tasks reach a final state (or max_wait_seconds), with frame progress.',
  input: () => ({
    task_ids: taskIds,
    max_wait_seconds: z.number().int().min(MIN_POLL_SECONDS).max(MAX_WAIT_SECONDS).default(DEFAULT_WAIT_SECONDS).describe('Give up after (s)'),
  }),
  output: () => ({ finished: z.boolean(), tasks: z.array(taskItem), waited_seconds: z.number() }),
  handler: async (args, ctx) => {
    const ids = [...new Set(args.task_ids)];
    const started = Date.now();
    const deadline = started + args.max_wait_seconds * 1000;
    let { tasks, missing } = await ctx.api.tasks.find(ids);
    if (missing.length)
      throw new RefusedError(`No task with id ${missing.join(', ')} exists on the farm; check the ids with get_task_list. Nothing was waited for.`);
    const schedule = new PollSchedule(WAIT_POLL);
    let lastProgress = -1;
    let previous = '';
    for (;;) {
      const now = settled(tasks);
      const finals = tasks.filter(isFinal).length;
      // MCP progress must increase; resubmitted frames can make the count go down, so only rises are reported.
      if (now.progress > lastProgress) {
        lastProgress = now.progress;
        await ctx.progress(
          now.progress,
          now.total,
          `${now.done} done, ${now.failed} failed of ${plural(now.total, 'frame')}; ${finals} of ${plural(tasks.length, 'task')} final`,
        );
      }
      const remaining = deadline - Date.now();
      if (finals === tasks.length || remaining <= 0) break;
      const current = fingerprint(tasks);
      const wait = (previous === '' ? schedule.seconds : schedule.next(current !== previous)) * 1000;
      previous = current;
      await sleepOrCancel(ctx, Math.min(wait, remaining));
      ({ tasks, missing } = await ctx.api.tasks.find(ids));
      if (missing.length) throw new RefusedError(`Task ${missing.join(', ')} disappeared from the farm while waiting (deleted for good?).`);
    }
    return answer(tasks, Math.round((Date.now() - started) / 1000));
  },
});

async function sleepOrCancel(ctx: ToolContext, ms: number): Promise<void> {
  try {
    await pause(ms, ctx.signal);
  } catch {
    throw new RefusedError('wait_for_tasks was cancelled; the tasks carry on rendering.');
  }
}

function answer(tasks: TaskInfo[], waited: number) {
  const pending = tasks.filter((task) => !isFinal(task));
  const finished = pending.length === 0;
  const lines = tasks.map(taskLine).join('\n');
  const headline = finished
    ? `${tasks.length === 1 ? 'The task' : `All ${tasks.length} tasks`} reached a final state${waited ? ` after ${duration(waited)}` : ''}:`
    : `Still not final after ${duration(waited)}: ${pending.map((t) => t.id).join(', ')}. Call wait_for_tasks again to keep waiting.`;
  const failed = tasks.filter((task) => frameCounts(task).failed > 0).map((task) => task.id);
  return {
    text: blocks(headline, lines, failed.length ? `Failed frames in ${failed.join(', ')}: triage_failures explains them.` : undefined),
    structured: { finished, tasks: tasks.map(summarizeTask), waited_seconds: waited },
    links: tasks.map((task) => taskLink(task.id, task.sceneName ?? undefined)),
  };
}
