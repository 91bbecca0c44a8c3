import { FarmError } from '../types.js';
import { parseChinaTime } from './clock.js';

/** The platform's paged object (api-catalog §1.3): `size` is the page size asked for, as in the seed examples. */
export interface Page<T> {
  pageCount: number;
  pageNum: number;
  total: number;
  size: number;
  items: T[];
}

export function page<T>(items: readonly T[], pageNum: number, pageSize: number): Page<T> {
  const { number, start } = pageBounds(pageNum, pageSize);
  return pageOf(items.slice(start, start + pageSize), items.length, number, pageSize);
}

/** Checks paging arguments like the platform: the page number (0 reads as 1) and the first position on the page. */
export function pageBounds(pageNum: number, pageSize: number): { number: number; start: number } {
  if (pageNum < 0) throw new FarmError(600, `parameter pageNum is invalid: must be 1 or more (got ${pageNum})`);
  if (pageSize < 1) throw new FarmError(600, `parameter pageSize is invalid: must be 1 or more (got ${pageSize})`);
  const number = Math.max(1, pageNum);
  return { number, start: (number - 1) * pageSize };
}

/** A page whose items were picked without listing every match (`total` counts them all). */
export function pageOf<T>(items: T[], total: number, pageNum: number, pageSize: number): Page<T> {
  return { pageCount: Math.ceil(total / pageSize), pageNum, total, size: pageSize, items };
}

/** A `yyyy-MM-dd HH:mm:ss` bound (China time) from the request; empty means unbounded, as the SDK sends "". */
export function timeBound(args: Record<string, unknown>, name: string): number | undefined {
  const text = args[name];
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  const ms = parseChinaTime(text);
  if (ms === undefined) throw new FarmError(600, `parameter ${name} is invalid: use yyyy-MM-dd HH:mm:ss (got "${text}")`);
  return ms;
}

export function intArg(args: Record<string, unknown>, name: string, fallback: number): number {
  const value = args[name];
  return typeof value === 'number' ? value : fallback;
}
