/**
 * The farm's simulated clock: start + real elapsed time × speed + whatever tests add with `advance`. Nothing ticks;
 * the farm reads the clock when a request arrives and brings the touched tasks up to that moment.
 */
export class SimClock {
  private offsetMs = 0;
  private readonly realStart: number;

  constructor(
    /** Simulated epoch milliseconds at the moment the farm was created. */
    readonly origin: number,
    /** Simulated seconds per real second (0 freezes the clock except for `advance`). */
    readonly speed: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.realStart = realNow();
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return Math.floor(this.origin + (this.realNow() - this.realStart) * this.speed + this.offsetMs);
  }

  /** Moves simulated time forward by `seconds`. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`advance(${seconds}): seconds must be a finite number ≥ 0`);
    this.offsetMs += seconds * 1000;
  }
}

/** The platform writes `yyyy-MM-dd HH:mm:ss` strings in China time (UTC+8), as its examples show. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

export function chinaTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Parses `yyyy-MM-dd[ HH:mm[:ss]]` as China time; undefined when it is not such a date. */
export function parseChinaTime(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2})(:\d{2})?)?$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? ':00'}+08:00`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Scheduler ids look like `2019123100841`: the China date and a five-digit sequence. */
export function munuId(ms: number, sequence: number): string {
  return `${chinaTime(ms).slice(0, 10).replaceAll('-', '')}${String(sequence % 100_000).padStart(5, '0')}`;
}
