import { farmData, farmText } from './sanitize.js';

/**
 * Compact answers that fit a model's context: TSV for lists, ISO times, words for codes,
 * no nulls and no empty sections, and a line that says how to get more.
 */

type Cell = string | number | boolean | null | undefined;

/**
 * A TSV table with a header row, set apart as farm data: every table shows the farm's records. Tabs, line breaks
 * and invisible characters inside cells are escaped (sanitize.ts), so a cell can never start a line of its own.
 */
export function tsv(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const clean = (cell: Cell) => (cell === null || cell === undefined ? '' : farmText(cell));
  return farmData([columns.join('\t'), ...rows.map((row) => row.map(clean).join('\t'))].join('\n'));
}

/**
 * Epoch milliseconds → ISO 8601 UTC with its `Z`, seconds precision. Times the farm writes as text on its own clock
 * are read into instants by the farm API (FarmClock), which knows the farm's zone.
 */
export function isoTime(value: number | null | undefined): string | undefined {
  if (value === null || value === undefined || value === 0 || !Number.isFinite(value)) return undefined;
  return `${new Date(value).toISOString().slice(0, 19)}Z`;
}

/** Money with at most 2 decimals, no trailing zeros. */
export function money(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : undefined;
}

/** Seconds → `1h02m`, `4m05s`, `12s`. */
export function duration(seconds: number | null | undefined): string | undefined {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return undefined;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface PageInfo {
  page: number;
  pageSize: number;
  total: number;
  shown: number;
}

/** Items after this page. */
export function remaining({ page, pageSize, total, shown }: PageInfo): number {
  return Math.max(0, total - (page - 1) * pageSize - shown);
}

/** `Showing 21-40 of 320. 280 more: pass page=3.` (empty when everything is shown). */
export function pageFooter(info: PageInfo): string {
  const { page, pageSize, total, shown } = info;
  if (total === 0) return '';
  const first = (page - 1) * pageSize + 1;
  const last = first + shown - 1;
  const more = remaining(info);
  if (page === 1 && more === 0) return '';
  const range = shown > 0 ? `Showing ${first}-${last} of ${total}.` : `Page ${page} is past the end (${total} in all).`;
  return more > 0 ? `${range} ${more} more: pass page=${page + 1}.` : range;
}

/** Joins non-empty blocks with blank lines. */
export function blocks(...parts: (string | undefined | false | null)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n\n');
}

/** `key: value` lines for the fields that have a value; a value cannot break its line (sanitize.ts). */
export function facts(entries: Record<string, Cell>): string {
  return Object.entries(entries)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${farmText(value)}`)
    .join('\n');
}

/**
 * Drops null, undefined, empty strings, empty arrays and empty objects, recursively (structured content has no nulls).
 * A second part is merged into the same object (its keys win) without building `{ ...a, ...b }` first.
 */
export function compact<T>(value: T): T;
export function compact<A extends object, B extends object>(value: A, more: B): Omit<A, keyof B> & B;
export function compact(value: unknown, more?: object): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const compacted = compact(item);
      if (!isEmpty(compacted)) out.push(compacted);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  copyCompacted(value, out);
  if (more) copyCompacted(more, out);
  return out;
}

function copyCompacted(from: object, to: Record<string, unknown>): void {
  for (const key in from) {
    if (!Object.hasOwn(from, key)) continue;
    const compacted = compact((from as Record<string, unknown>)[key]);
    if (!isEmpty(compacted)) to[key] = compacted;
  }
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

const SECRET_KEY = /pass(word|wd)?$|secret|userkey|raysynckey|accesskey|^signature$|token$|^sk$|^key$/i;
export const REDACTED = '[redacted]';

/**
 * Replaces credentials the farm returns (transfer passwords, RaySync keys, session keys) unless the user chose to
 * reveal them with RAYVISION_REVEAL_SECRETS=1.
 */
export function redactSecrets<T>(value: T, reveal: boolean): T {
  if (reveal) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, false)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && item !== null && item !== undefined && item !== '' ? REDACTED : redactSecrets(item, false);
    }
    return out as T;
  }
  return value;
}

/** Bytes → `512 B`, `1.5 KB`, `12 MB`, `3.2 GB` (1024-based, at most one decimal). */
export function bytes(size: number | string | null | undefined): string | undefined {
  if (size === null || size === undefined || size === '') return undefined;
  let n = Number(size);
  if (!Number.isFinite(n) || n < 0) return undefined;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 || n >= 100 ? Math.round(n) : Math.round(n * 10) / 10} ${units[unit]}`;
}
