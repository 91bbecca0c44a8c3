import { z } from 'zod';
import { RayvisionError } from '../../../client/errors.js';
import type { TaskInfo } from '../../../client/api/index.js';
import { defineTool, type ToolContext } from '../../define.js';
import { blocks, duration, isoTime, plural, tsv } from '../../support/format.js';
import { taskLink, tasksLink } from '../../links.js';
import { describeProfile } from '../../support/account.js';
import { frameCounts, summarizeTask } from '../../support/records.js';
import { TASK_STATUS_CODE, dateTime, dateTimeUntil, item, taskStatusName } from '../../support/schema.js';
import { FAILURE_STATUS_CODES } from '../../support/task-sets.js';

const RUNNING_CODES = [5, 8];
/** Rows shown per list: one screen of text. */
const SHOWN_RUNNING = 10;
const SHOWN_FAILURES = 5;
/** Running tasks fetched per status (and given in structured content); the text shows the 10 furthest along. */
const LISTED_RUNNING = 20;

/** How far a running task is, and when it should finish at the rate its frames have been finishing. */
export type RunningTask = {
  id: number;
  alias?: string;
  scene?: string;
  status: string;
  done: number;
  failed: number;
  total: number;
  percent: number;
  /** Seconds left, and the moment, at the observed frame rate. */
  left?: string;
  eta?: string;
};

/**
 * The farm's clock, as well as we know it: our clock corrected by what the connector learned from a 610 answer,
 * and never earlier than a time the farm itself wrote (a sandbox with a fast clock runs ahead of ours).
 */
export function farmNow(ctx: ToolContext, tasks: readonly TaskInfo[]): number {
  const seen = tasks.flatMap((t) => [t.submitDate, t.startTime, t.completedDate]).filter((ms): ms is number => typeof ms === 'number');
  return Math.max(ctx.api.now(), ...seen);
}

/** Percent done and the finish estimated from frames done per second since the task started rendering. */
export function progressOf(task: TaskInfo, now: number): RunningTask {
  const counts = frameCounts(task);
  const s = summarizeTask(task);
  const remaining = Math.max(0, counts.total - counts.done - counts.failed - counts.abandoned);
  const elapsedSec = task.startTime ? (now - task.startTime) / 1000 : 0;
  const rate = counts.done > 0 && elapsedSec > 0 ? counts.done / elapsedSec : 0;
  const leftSec = rate > 0 ? remaining / rate : undefined;
  return {
    id: task.id,
    ...(s.alias ? { alias: s.alias } : {}),
    ...(s.scene ? { scene: s.scene } : {}),
    status: s.status,
    done: counts.done,
    failed: counts.failed,
    total: counts.total,
    percent: counts.total ? Math.floor((100 * counts.done) / counts.total) : 0,
    ...(leftSec !== undefined ? { left: duration(leftSec)!, eta: isoTime(now + leftSec * 1000)! } : {}),
  };
}

export const jobStatusSummary = defineTool({
  name: 'job_status_summary',
  toolset: 'tasks',
  safety: 'read',
  title: 'Job status summary',
  description: 'One screen: tasks by status, running ones with percent and ETA, failures, arrears; since/until bound the submit time.',
  input: () => ({
    since: dateTime.optional(),
    until: dateTimeUntil.optional(),
  }),
  output: () => ({
    total: z.number(),
    counts: item({}),
    running: z.array(item({ id: z.number() })),
    failures: z.array(item({ id: z.number() })),
    account: item({}).optional(),
  }),
  handler: async (args, ctx) => {
    const window = { startTime: args.since, endTime: args.until };
    // One small request per status gives exact counts at a cost that does not grow with the number of tasks;
    // only the running and failed statuses bring back the tasks themselves.
    const statuses = Object.entries(TASK_STATUS_CODE);
    const pageSizeFor = (code: number) => (RUNNING_CODES.includes(code) ? LISTED_RUNNING : FAILURE_STATUS_CODES.includes(code) ? SHOWN_FAILURES : 1);
    const [pages, profile] = await Promise.all([
      Promise.all(statuses.map(([, code]) => ctx.api.tasks.list({ pageNum: 1, pageSize: pageSizeFor(code), statusList: [code], ...window }))),
      accountView(ctx),
    ]);
    const counts: Record<string, number> = {};
    statuses.forEach(([name], i) => {
      const n = pages[i]!.total;
      if (n) counts[name] = n;
    });
    const sorted = Object.fromEntries(Object.entries(counts).sort(([, a], [, b]) => b - a));
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const itemsOf = (codes: readonly number[]) => statuses.flatMap(([, code], i) => (codes.includes(code) ? pages[i]!.items : []));
    const runningTasks = itemsOf(RUNNING_CODES);
    const now = farmNow(
      ctx,
      pages.flatMap((p) => p.items),
    );
    const running = runningTasks.map((task) => progressOf(task, now)).sort((a, b) => b.percent - a.percent);
    const runningTotal = RUNNING_CODES.reduce((sum, code) => sum + (counts[taskStatusName(code)] ?? 0), 0);
    const failures = itemsOf(FAILURE_STATUS_CODES)
      .sort((a, b) => (b.submitDate ?? 0) - (a.submitDate ?? 0))
      .slice(0, SHOWN_FAILURES)
      .map(summarizeTask);
    const failureTotal = FAILURE_STATUS_CODES.reduce((sum, code) => sum + (counts[taskStatusName(code)] ?? 0), 0);
    const arrearsStopped = counts['arrears_stopped'] ?? 0;
    const scope = windowText(args.since, args.until);
    const [rendering, preRendering] = RUNNING_CODES.map((code) => counts[taskStatusName(code)] ?? 0) as [number, number];

    const shownRunning = running.slice(0, SHOWN_RUNNING);
    const text = blocks(
      total
        ? `${plural(total, 'task')}${scope}: ${Object.entries(sorted)
            .map(([name, n]) => `${n} ${name}`)
            .join(', ')}.`
        : `No tasks${scope}.`,
      shownRunning.length
        ? `${runningHeading(rendering, preRendering)}${runningTotal > shownRunning.length ? `, ${shownRunning.length} shown; get_task_list status=["rendering","pre_rendering"] lists all` : ''}:\n${tsv(
            ['id', 'alias', 'scene', 'status', 'done', 'failed', 'total', 'percent', 'left', 'eta'],
            shownRunning.map((r) => [r.id, r.alias, r.scene, r.status, r.done, r.failed, r.total, `${r.percent}%`, r.left, r.eta]),
          )}`
        : undefined,
      failures.length
        ? `Recent failures (${failures.length} of ${failureTotal}):\n${tsv(
            ['id', 'alias', 'scene', 'status', 'failed', 'total', 'submitted'],
            failures.map((f) => [f.id, f.alias, f.scene, f.status, f.failed, f.total, f.submitted]),
          )}`
        : undefined,
      accountLine(profile.view, arrearsStopped, profile.note),
      nextSteps(runningTotal, failureTotal),
    );
    const account = { ...(profile.view ?? {}), ...(arrearsStopped ? { arrears_stopped_tasks: arrearsStopped } : {}) };
    return {
      text,
      structured: { total, counts: sorted, running, failures, ...(Object.keys(account).length ? { account } : {}) },
      links: [tasksLink(), ...shownRunning.map((r) => taskLink(r.id, r.scene))],
    };
  },
});

/** ` submitted from 2026-11-20T05:00:00Z to 2026-11-21T04:59:59Z`, ` submitted since ...`, or nothing. */
function windowText(since: number | undefined, until: number | undefined): string {
  if (since !== undefined && until !== undefined) return ` submitted from ${isoTime(since)} to ${isoTime(until)}`;
  if (since !== undefined) return ` submitted since ${isoTime(since)}`;
  return until !== undefined ? ` submitted until ${isoTime(until)}` : '';
}

/** `Rendering (22) and pre-rendering (4)`: the two statuses of work in progress, each counted as itself. */
function runningHeading(rendering: number, preRendering: number): string {
  const parts = [
    rendering ? `Rendering (${rendering})` : undefined,
    preRendering ? `${rendering ? 'pre-rendering' : 'Pre-rendering'} (${preRendering})` : undefined,
  ];
  return parts.filter(Boolean).join(' and ');
}

interface AccountView {
  balance?: number;
  currency?: string;
  coupon?: number;
  credit?: number;
}

/** Balance and credit from the profile; a profile the account may not read leaves a note, not a failure. */
async function accountView(ctx: ToolContext): Promise<{ view?: AccountView; note?: string }> {
  try {
    const profile = describeProfile(await ctx.api.account.profile()).view;
    const view: AccountView = {};
    for (const key of ['balance', 'currency', 'coupon', 'credit'] as const)
      if (profile[key] !== undefined) (view as Record<string, unknown>)[key] = profile[key];
    return { view };
  } catch (error) {
    if (!(error instanceof RayvisionError) || ctx.signal.aborted) throw error;
    return { note: `Account balance unavailable: ${error.message}` };
  }
}

function accountLine(view: AccountView | undefined, arrearsStopped: number, note: string | undefined): string | undefined {
  if (note) return note;
  if (!view) return undefined;
  const money = view.balance !== undefined ? `balance ${view.balance}${view.currency ? ` ${view.currency}` : ''}` : undefined;
  const inArrears = (view.balance ?? 0) < 0;
  const parts = [
    money,
    view.coupon ? `coupons ${view.coupon}` : undefined,
    inArrears ? 'the account is in arrears' : undefined,
    arrearsStopped ? `${plural(arrearsStopped, 'task')} stopped for arrears (top up, then start_task)` : undefined,
  ].filter(Boolean);
  return parts.length ? `Account: ${parts.join('; ')}.` : undefined;
}

function nextSteps(running: number, failures: number): string | undefined {
  const steps = [
    failures ? 'triage_failures explains failed frames' : undefined,
    running ? 'wait_for_tasks follows running tasks to the end' : undefined,
  ].filter(Boolean);
  return steps.length ? `Next: ${steps.join('; ')}.` : undefined;
}
