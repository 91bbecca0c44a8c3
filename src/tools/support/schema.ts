import { z } from 'zod';
import { readTime } from '../../client/farm-time.js';

/**
 * Argument schemas shared by every tool, so the same name always means the same thing:
 * `task_id`, `task_ids`, `page`, `page_size`, `status`, `keyword`, `cg_id`.
 */

/** Task status codes (api-catalog §2.1, sdk-reference §4) and the words shown instead. */
export const TASK_STATUS = {
  0: 'waiting',
  1: 'waiting',
  5: 'rendering',
  8: 'pre_rendering',
  10: 'stopped',
  15: 'user_stopped',
  20: 'arrears_stopped',
  23: 'timeout_stopped',
  25: 'finished',
  30: 'finished_with_failures',
  35: 'abandoned',
  40: 'test_finished',
  45: 'failed',
  50: 'analysing',
  60: 'submitting',
  65: 'submit_failed',
  70: 'finished_with_stopped',
  100: 'updating',
} as const satisfies Record<number, string>;

export type TaskStatusName = (typeof TASK_STATUS)[keyof typeof TASK_STATUS];
export const TASK_STATUS_NAMES = [...new Set(Object.values(TASK_STATUS))] as [TaskStatusName, ...TaskStatusName[]];
/** The code sent for each status name (`waiting` → 0, the code the status filter documents). */
export const TASK_STATUS_CODE = Object.fromEntries(
  Object.entries(TASK_STATUS)
    .filter(([code]) => code !== '1')
    .map(([code, name]) => [name, Number(code)]),
) as Record<TaskStatusName, number>;

/** Statuses in which a task will not change any more without a user action (rayvision_sync's end list + 40). */
export const FINAL_TASK_STATUSES: ReadonlySet<number> = new Set([10, 15, 20, 23, 25, 30, 35, 40, 45, 65, 70]);

export function taskStatusName(code: number | null | undefined): string {
  if (code === null || code === undefined) return 'unknown';
  return (Object.hasOwn(TASK_STATUS, code) ? (TASK_STATUS as Record<number, string>)[code] : undefined) ?? `status_${code}`;
}

/** Frame status codes (api-catalog §2.2, zh docs). */
export const FRAME_STATUS = {
  1: 'waiting',
  2: 'rendering',
  3: 'stopped',
  4: 'done',
  5: 'failed',
  6: 'waiting_preprocess',
  7: 'waiting_photon_frame',
  8: 'waiting_priority_frame',
  9: 'waiting_photon_job',
  10: 'waiting_simulation',
  11: 'timed_out',
  12: 'waiting_secondary',
} as const satisfies Record<number, string>;

export type FrameStatusName = (typeof FRAME_STATUS)[keyof typeof FRAME_STATUS];
export const FRAME_STATUS_NAMES = Object.values(FRAME_STATUS) as [FrameStatusName, ...FrameStatusName[]];
export const FRAME_STATUS_CODE = Object.fromEntries(Object.entries(FRAME_STATUS).map(([code, name]) => [name, Number(code)])) as Record<
  FrameStatusName,
  number
>;

export function frameStatusName(code: number | null | undefined): string {
  if (code === null || code === undefined) return 'unknown';
  return (Object.hasOwn(FRAME_STATUS, code) ? (FRAME_STATUS as Record<number, string>)[code] : undefined) ?? `status_${code}`;
}

/**
 * Frame statuses a caller filters or resubmits by: the subset seed 004 documents for recommitFailFrame. As a
 * filter, `waiting` also matches the waiting_* statuses.
 */
export const FRAME_FILTER_STATUSES = ['failed', 'timed_out', 'stopped', 'waiting', 'rendering', 'done'] as const;
export type FrameFilterStatus = (typeof FRAME_FILTER_STATUSES)[number];
export const frameStatusFilter = z.array(z.enum(FRAME_FILTER_STATUSES)).min(1).max(6);

/** Whether a frame status word passes a filter (`waiting` takes every waiting_* status). */
export function matchesFrameFilter(status: string, filter: readonly FrameFilterStatus[]): boolean {
  return filter.some((wanted) => status === wanted || (wanted === 'waiting' && status.startsWith('waiting')));
}

/** Frame type codes (api-catalog §2.3). */
export const FRAME_TYPE = {
  1: 'pre_render',
  2: 'photon',
  3: 'merged_photon',
  4: 'priority',
  5: 'main',
  6: 'priority_composite',
  7: 'main_composite',
  8: 'simulation',
  9: 'render_element',
} as const satisfies Record<number, string>;

export function frameTypeName(code: number | null | undefined): string | undefined {
  if (code === null || code === undefined) return undefined;
  return (Object.hasOwn(FRAME_TYPE, code) ? (FRAME_TYPE as Record<number, string>)[code] : undefined) ?? `type_${code}`;
}

/** A frame id (FrameInfo.id from get_task_frames), not a frame number. */
export const frameId = z.number().int().min(1).describe('Frame id from get_task_frames');

export const frameIds = z.array(z.number().int().min(1)).min(1).max(1000).describe('Frame ids from get_task_frames');

/** DCC software ids (`cgId`; rayvision_api DCC_ID_MAPPINGS, and the supported-software list). */
export const SOFTWARE = {
  maya: 2000,
  '3ds_max': 2001,
  lightwave: 2002,
  arnold: 2003,
  houdini: 2004,
  cinema4d: 2005,
  softimage: 2006,
  blender: 2007,
  vr_standalone: 2008,
  mr_standalone: 2009,
  sketchup: 2010,
  vue: 2011,
  keyshot: 2012,
  clarisse: 2013,
  octane_render: 2014,
  nuke: 2015,
  katana: 2016,
} as const;

export type SoftwareName = keyof typeof SOFTWARE;
const SOFTWARE_BY_ID = new Map<number, SoftwareName>(Object.entries(SOFTWARE).map(([name, id]) => [id, name as SoftwareName]));

export function softwareName(cgId: number | null | undefined): string {
  if (cgId === null || cgId === undefined) return 'unknown';
  return SOFTWARE_BY_ID.get(cgId) ?? `cg_${cgId}`;
}

/** Names looked up in Maps, so that `__proto__` or `constructor` is a name like any other, and unknown. */
const SOFTWARE_BY_NAME = new Map<string, number>([
  ...Object.entries(SOFTWARE),
  ...Object.entries({ max: '3ds_max', '3dsmax': '3ds_max', c4d: 'cinema4d', cinema_4d: 'cinema4d', vray: 'vr_standalone' } as const).map(
    ([alias, name]) => [alias, SOFTWARE[name]] as const,
  ),
]);

/** Resolves a software name (any case, spaces or dashes) or a numeric cgId to the cgId. */
export function resolveCgId(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{4}$/.test(trimmed)) return Number(trimmed);
  return SOFTWARE_BY_NAME.get(trimmed.toLowerCase().replace(/[\s-]+/g, '_'));
}

/*
 * Patterns are checked with refine() rather than regex() so they are enforced without being shipped in every
 * tool's JSON schema: tools/list must stay small (bench target: under 48 KB for all tools).
 */

/**
 * The alias the documents give: the platform number, the platform's task prefix and the task id ("2W19097",
 * "2W35736251": "If the job ID is 2W35736251, task_id is 35736251", seed 001; "P18278" in seeds 002/003).
 * list_platforms' taskPrefix is "W" (seed 001); "P" is the prefix of the classic examples, which carry no platform
 * number. Anything else ("2X35627228", "999ZZZ35627511", "1e3") is refused rather than guessed at.
 */
const TASK_ID = /^(?:\d{1,12}|\d{0,2}[WPwp]\d{1,12})$/;

/** A task id: the number (19097) or the alias the web console shows (2W19097, P18278); a JSON number is taken too. */
const taskIdValue = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z
    .string()
    .trim()
    .refine((text) => TASK_ID.test(text), 'a task id is a number such as 19097 or an alias such as 2W19097')
    .transform((text) => Number(text.replace(/^\d{0,2}[WPwp]/, ''))),
);

export const taskId = taskIdValue.describe('Task id or alias (2W19097)');

/** Task ids, at most `max`; a single id is taken as a list of one. */
export const taskIdList = (max = 100) =>
  z
    .preprocess((value) => (value === undefined || Array.isArray(value) ? value : [value]), z.array(taskIdValue).min(1).max(max))
    .describe('Task ids or aliases (2W19097)');

/** `taskIds.max(50)` keeps working as it did on the plain array schema. */
export const taskIds = Object.assign(taskIdList(), { max: taskIdList });

export const page = z.number().int().min(1).max(100_000).default(1).describe('Page, from 1');

export const pageSize = (fallback: number, max = 100) => z.number().int().min(1).max(max).default(fallback).describe('Items per page');

export const keyword = z.string().trim().min(1).max(200).describe('Search text');

export const taskStatus = z.enum(TASK_STATUS_NAMES).describe('Task status');

export const frameStatus = z.enum(FRAME_STATUS_NAMES).describe('Frame status');

export const cgId = z
  .preprocess(
    (value) => (typeof value === 'number' ? String(value) : value),
    z
      .string()
      .refine((text) => resolveCgId(text) !== undefined, {
        message: `unknown software; use a name (${Object.keys(SOFTWARE).join(', ')}) or a numeric cgId such as 2000`,
      })
      .transform((text) => resolveCgId(text)!),
  )
  .describe('Software name (maya, 3ds_max, houdini, ...) or cgId');

/**
 * A time: ISO 8601 with `Z` or an offset, read as UTC without one (the zone every answer shows), checked to be a
 * real date. It becomes an instant (epoch ms); the farm API sends it on the farm's clock (RAYVISION_API_TIME_ZONE).
 * `dateTimeUntil` reads a date alone as its last second, so that "until 2026-11-20" takes all of that day.
 */
const timeOf = (endOfDay: boolean) =>
  z
    .string()
    .trim()
    .transform((text, ctx) => {
      const ms = readTime(text, { endOfDay });
      if (typeof ms === 'number') return ms;
      ctx.addIssue({ code: 'custom', message: ms });
      return z.NEVER;
    });

const TIME_HINT = 'ISO 8601 (2026-11-20T18:00-05:00); no offset = UTC';
export const dateTime = timeOf(false).describe(TIME_HINT);
export const dateTimeUntil = timeOf(true).describe(`${TIME_HINT}; a date alone = its end`);

export const dryRun = z.boolean().default(false).describe('Preview only; change nothing');

/**
 * A list item in an output schema: declares the keys clients rely on and lets the rest through, so output schemas
 * stay small while structured content keeps every compact field.
 */
export const item = <S extends z.ZodRawShape>(shape: S) => z.looseObject(shape);
