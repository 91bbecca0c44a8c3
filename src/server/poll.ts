import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How often the server asks the farm about things it follows (resource subscriptions, wait_for_tasks): never more
 * often than every 5 s, and less and less often while nothing changes.
 */
export const MIN_POLL_SECONDS = 5;
export const MAX_POLL_SECONDS = 3600;

export interface PollSettings {
  /** Seconds between polls while something changes (at least 5). */
  intervalSec: number;
  /** Seconds between polls at most, reached by backing off while nothing changes. */
  maxIntervalSec: number;
}

export const DEFAULT_POLL: PollSettings = { intervalSec: 10, maxIntervalSec: 60 };

/** Each unchanged poll waits this much longer than the one before, up to the maximum. */
const BACKOFF = 1.5;

/** Applies the floor and keeps the maximum at or above the interval, whatever the caller passed. */
export function pollSettings(settings: Partial<PollSettings> = {}): PollSettings {
  const clamp = (value: number) => Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, value));
  const intervalSec = clamp(settings.intervalSec ?? DEFAULT_POLL.intervalSec);
  return { intervalSec, maxIntervalSec: Math.max(intervalSec, clamp(settings.maxIntervalSec ?? DEFAULT_POLL.maxIntervalSec)) };
}

/** The wait before each next poll: back to the interval after a change, 1.5 times longer after none. */
export class PollSchedule {
  private current: number;

  constructor(private readonly settings: PollSettings) {
    this.current = settings.intervalSec;
  }

  /** Seconds to wait now (before the first poll: the interval). */
  get seconds(): number {
    return this.current;
  }

  /** Records a poll's outcome and returns the seconds to wait before the next one. */
  next(changed: boolean): number {
    this.current = changed ? this.settings.intervalSec : Math.min(this.settings.maxIntervalSec, this.current * BACKOFF);
    return this.current;
  }
}

/** Sleeps, or rejects with the signal's reason as soon as it is aborted. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(Math.max(0, ms), undefined, signal ? { signal } : undefined);
}
