/**
 * The farm's clock and the times people give. The farm reads and writes `yyyy-MM-dd HH:mm:ss` without a zone
 * (task-list and log bounds, log lines, operation records); those are wall-clock times in the farm's zone. The
 * documents give that zone once: the envelope's `serverTime` is "UTC +8" (seed 002 and 003, "Return parameter"
 * table; api-catalog §1.3; sdk-reference §5), so UTC+08:00 is the default (RAYVISION_API_TIME_ZONE changes it).
 * Everything this server shows is UTC (`Z`); a time given without an offset is read as UTC too.
 */

/** The zone the documents give for the farm's clock (seed 002/003: serverTime "UTC +8"). */
export const DEFAULT_FARM_TIME_ZONE = '+08:00';

export interface TimeZone {
  /** `UTC+08:00`, `UTC`, or a zone name such as `Asia/Shanghai`. */
  readonly name: string;
  /** Minutes the zone is ahead of UTC at an instant. */
  offsetMinutes(ms: number): number;
}

const FIXED = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** `+08:00`, `UTC+8`, `-0530`, `UTC`, `Z`, or an IANA zone name; undefined for anything else. */
export function parseTimeZone(text: string): TimeZone | undefined {
  const trimmed = text.trim();
  if (/^(?:UTC|GMT|Z)$/i.test(trimmed)) return fixedZone(0);
  const fixed = FIXED.exec(trimmed);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    if (Number(fixed[3] ?? 0) > 59 || minutes > 14 * 60) return undefined;
    return fixedZone(fixed[1] === '-' ? -minutes : minutes);
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{1,60}$/.test(trimmed)) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: trimmed,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  return { name: format.resolvedOptions().timeZone, offsetMinutes: (ms) => namedOffset(format, ms) };
}

function fixedZone(minutes: number): TimeZone {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const name = minutes === 0 ? 'UTC' : `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return { name, offsetMinutes: () => minutes };
}

function namedOffset(format: Intl.DateTimeFormat, ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 18:07:47`, optionally with `T` and fractional seconds, and no zone: the farm's own form. */
const FARM_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?$/;
/** The same form inside longer text (a render-log line), milliseconds and all, unless an offset of its own follows. */
const FARM_TEXT_IN_LINE = /(?<![\d-])(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?![\d:]|\.\d|\s?(?:Z|[+-]\d{2}:?\d{2})\b)/g;

/** The farm's clock in the configured zone: instants to the text the farm takes, and the farm's text to instants. */
export class FarmClock {
  constructor(readonly zone: TimeZone) {}

  /** An instant (epoch ms) as the farm's time parameters take it: `yyyy-MM-dd HH:mm:ss` on its clock. */
  format(ms: number): string {
    const wall = ms + this.zone.offsetMinutes(ms) * 60_000;
    return new Date(wall).toISOString().slice(0, 19).replace('T', ' ');
  }

  /** The instant of a `yyyy-MM-dd HH:mm:ss` the farm wrote on its clock; undefined for any other text. */
  parse(text: string): number | undefined {
    const match = FARM_TEXT.exec(text.trim());
    return match ? this.fromWall(match.slice(1, 7).map(Number)) : undefined;
  }

  /** Any time an answer holds: epoch ms (a number or its digits), farm-clock text, or ISO 8601 with an offset. */
  instant(value: unknown): number | undefined {
    if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    const text = value.trim();
    if (/^\d{10,13}$/.test(text)) return Number(text.length === 10 ? `${text}000` : text);
    const farm = this.parse(text);
    if (farm !== undefined) return farm;
    const iso = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? Date.parse(text) : Number.NaN;
    return Number.isFinite(iso) ? iso : undefined;
  }

  /** Text with the farm-clock times in it (render-log lines) given in UTC: `[2026-12-01T10:07:47Z]`. */
  inUtc(text: string): string {
    return text.replace(FARM_TEXT_IN_LINE, (whole, ...groups: string[]) => {
      const ms = this.fromWall(groups.slice(0, 6).map(Number));
      return ms === undefined ? whole : utcText(ms);
    });
  }

  private fromWall([year, month, day, hour, minute, second]: number[]): number | undefined {
    if (!isCalendarTime(year!, month!, day!, hour!, minute!, second!)) return undefined;
    const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
    // The zone's offset at the wall time read as UTC, then at the instant that gives (right across DST changes).
    const guess = wall - this.zone.offsetMinutes(wall) * 60_000;
    return wall - this.zone.offsetMinutes(guess) * 60_000;
  }
}

/** `2026-12-01T10:07:47Z`: how every answer writes an instant. */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Whether the fields name a real moment (2026-02-30 and 24:00 do not). */
export function isCalendarTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const FIRST_YEAR = 1970;
const LAST_YEAR = 2100;
export const TIME_EXAMPLES = '2026-11-20, 2026-11-20T18:00Z or 2026-11-20T18:00-05:00';

/**
 * A time as a person gives it: ISO 8601 with `Z` or an offset, or without one read as UTC; a date alone is the start
 * of that day, or its last second with `endOfDay` (for an upper bound: "until Friday" takes all of Friday). Returns
 * the instant, or a sentence saying what is wrong.
 */
export function readTime(text: string, options: { endOfDay?: boolean } = {}): number | string {
  const match = INPUT.exec(text.trim());
  if (!match) return `"${text}" is not a time; use ISO 8601 such as ${TIME_EXAMPLES}`;
  const [year, month, day] = [1, 2, 3].map((i) => Number(match[i]));
  const dateOnly = match[4] === undefined;
  const [hour = 0, minute = 0, second = 0] = dateOnly && options.endOfDay ? [23, 59, 59] : [4, 5, 6].map((i) => Number(match[i] ?? 0));
  if (!isCalendarTime(year!, month!, day!, hour, minute, second)) return `"${text}" is not a real date and time; use ISO 8601 such as ${TIME_EXAMPLES}`;
  if (year! < FIRST_YEAR || year! > LAST_YEAR) return `"${text}": the year must be from ${FIRST_YEAR} to ${LAST_YEAR}`;
  const zone = match[7] ? parseTimeZone(match[7]) : undefined;
  if (match[7] && !zone) return `"${text}": the offset must be from -14:00 to +14:00`;
  const wall = Date.UTC(year!, month! - 1, day!, hour, minute, second);
  return wall - (zone?.offsetMinutes(wall) ?? 0) * 60_000;
}

const clocks = new Map<string, FarmClock>();

/** The clock of a zone as the configuration names it (default: the documented UTC+08:00), built once per zone. */
export function farmClock(zoneName: string = DEFAULT_FARM_TIME_ZONE): FarmClock {
  let clock = clocks.get(zoneName);
  if (!clock) {
    const zone = parseTimeZone(zoneName);
    if (!zone) throw new RangeError(`"${zoneName}" is not a time zone; RAYVISION_API_TIME_ZONE takes an offset such as +08:00 or a zone name`);
    clock = new FarmClock(zone);
    clocks.set(zoneName, clock);
  }
  return clock;
}
