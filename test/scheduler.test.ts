import { describe, expect, it } from 'vitest';
import { CONNECTION_OPTIONS, loadConnectorConfig } from '../src/client/config.js';
import { ConfigError, readCommandLine } from '../src/client/options.js';
import { Lane, QueueExit, Scheduler, defaultLaneConcurrency, type SchedulerLimits } from '../src/client/scheduler.js';

/*
 * The connector's queue on its own: which call gets the next free slot, when a call is refused, and that a call
 * leaving the queue (cancelled, expired, refused) is never granted a slot. The HTTP side (what the farm receives) is
 * in connector.test.ts.
 */

const LONG_WAIT = 60_000;

function scheduler(limits: Partial<SchedulerLimits> = {}): Scheduler {
  return new Scheduler({ concurrency: 2, laneConcurrency: 1, laneQueue: 100, ...limits });
}

/** Queues one call and records the order in which calls are granted. */
function queue(s: Scheduler, lane: string | undefined, label: string, granted: string[], signal?: AbortSignal, waitMs = LONG_WAIT) {
  const got = s.acquire(lane, signal, waitMs);
  const promise = Promise.resolve(got).then((slot) => {
    granted.push(label);
    return slot;
  });
  return { immediate: got instanceof Lane, promise };
}

/** Lets granted promises run their continuations. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Releases each granted call in the order they were granted (as a farm answering them would), until all are done. */
async function drain(s: Scheduler, calls: Map<string, Promise<Lane>>, granted: string[]): Promise<void> {
  for (let n = 0; n < calls.size; n++) {
    await settle();
    s.release(await calls.get(granted[n]!)!);
  }
}

async function exitOf(promise: Promise<unknown>): Promise<QueueExit> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(QueueExit);
    return error as QueueExit;
  }
  throw new Error('expected the call to leave the queue');
}

describe('scheduler', () => {
  it('grants up to the concurrency at once, without a promise, and the rest in order as slots free', async () => {
    const s = scheduler({ laneConcurrency: 2 });
    const granted: string[] = [];
    const calls = ['a', 'b', 'c', 'd'].map((label) => queue(s, 'x', label, granted));
    expect(calls.map((c) => c.immediate)).toEqual([true, true, false, false]);
    expect(s.active).toBe(2);
    expect(s.waiting).toBe(2);
    await settle();
    expect(granted).toEqual(['a', 'b']);
    s.release(await calls[0]!.promise);
    await settle();
    expect(granted).toEqual(['a', 'b', 'c']);
    expect(s.active).toBe(2);
    s.release(await calls[1]!.promise);
    s.release(await calls[2]!.promise);
    await settle();
    expect(granted).toEqual(['a', 'b', 'c', 'd']);
    s.release(await calls[3]!.promise);
    expect(s.active).toBe(0);
    expect(s.openLanes).toBe(0);
  });

  it('caps a named lane below the concurrency, while calls without a lane may use every slot', async () => {
    const s = scheduler({ concurrency: 4, laneConcurrency: 2 });
    const granted: string[] = [];
    const named = [1, 2, 3].map((n) => queue(s, 'flood', `flood${n}`, granted));
    expect(named.map((c) => c.immediate)).toEqual([true, true, false]);
    expect(s.active).toBe(2);
    const free = [1, 2, 3].map((n) => queue(s, undefined, `default${n}`, granted));
    expect(free.map((c) => c.immediate)).toEqual([true, true, false]);
    expect(s.active).toBe(4);
    expect(defaultLaneConcurrency(8)).toBe(4);
    expect(defaultLaneConcurrency(1)).toBe(1);
  });

  it('gives free slots to the lanes with waiting calls in turn: one call behind a flood of 200 waits one turn', async () => {
    const s = scheduler({ concurrency: 2, laneConcurrency: 2, laneQueue: 1000 });
    const granted: string[] = [];
    const flood = Array.from({ length: 200 }, (_, n) => queue(s, 'flood', `flood${n}`, granted));
    const quiet = queue(s, 'quiet', 'quiet', granted);
    expect(quiet.immediate).toBe(false);
    await settle();
    // Release flood calls one by one, as the farm answers them, until the quiet call is granted.
    let released = 0;
    while (!granted.includes('quiet')) {
      s.release(await flood[released++]!.promise);
      await settle();
    }
    // The flood's turn (it was waiting first), then the quiet lane's: two answers, not two hundred.
    expect(released).toBe(2);
    expect(granted.indexOf('quiet')).toBe(3);
    s.release(await quiet.promise);
  });

  it('alternates between two busy lanes', async () => {
    const s = scheduler({ concurrency: 1, laneConcurrency: 1 });
    const granted: string[] = [];
    const calls = new Map<string, Promise<Lane>>();
    for (const lane of ['a', 'b']) for (let n = 0; n < 4; n++) calls.set(`${lane}${n}`, queue(s, lane, `${lane}${n}`, granted).promise);
    await drain(s, calls, granted);
    // a1 was waiting before b0 arrived; from then on the lanes alternate.
    expect(granted).toEqual(['a0', 'a1', 'b0', 'a2', 'b1', 'a3', 'b2', 'b3']);
    expect(s.active).toBe(0);
  });

  it("refuses the call beyond a lane's queue bound at once, and only in that lane", async () => {
    const s = scheduler({ concurrency: 1, laneConcurrency: 1, laneQueue: 3 });
    const granted: string[] = [];
    const calls = new Map<string, Promise<Lane>>();
    for (const label of ['held', 'a1', 'a2', 'a3']) calls.set(label, queue(s, 'a', label, granted).promise);
    expect(() => s.acquire('a', undefined, LONG_WAIT)).toThrow(expect.objectContaining({ reason: 'full' }));
    expect(s.waiting).toBe(3);
    calls.set('b', queue(s, 'b', 'b', granted).promise);
    expect(s.waiting).toBe(4);
    await drain(s, calls, granted);
    expect(granted).toEqual(['held', 'a1', 'b', 'a2', 'a3']);
    expect(s.active).toBe(0);
  });

  it('takes a cancelled call out of the queue at once; it is never granted', async () => {
    const s = scheduler({ concurrency: 1 });
    const granted: string[] = [];
    const held = queue(s, undefined, 'held', granted);
    const controller = new AbortController();
    const cancelled = queue(s, undefined, 'cancelled', granted, controller.signal);
    const next = queue(s, undefined, 'next', granted);
    expect(s.waiting).toBe(2);
    controller.abort();
    expect(s.waiting).toBe(1);
    expect((await exitOf(cancelled.promise)).reason).toBe('cancelled');
    s.release(await held.promise);
    s.release(await next.promise);
    await settle();
    expect(granted).toEqual(['held', 'next']);
    // A signal that is already aborted never enters the queue, even with a slot free.
    expect(() => s.acquire(undefined, AbortSignal.abort(), LONG_WAIT)).toThrow(expect.objectContaining({ reason: 'cancelled' }));
    expect(s.active).toBe(0);
  });

  it('lets a call that waited its whole wait leave unsent, and grants the slot to the next', async () => {
    const s = scheduler({ concurrency: 1 });
    const granted: string[] = [];
    const held = queue(s, 'a', 'held', granted);
    const expiring = queue(s, 'a', 'expiring', granted, undefined, 1);
    const patient = queue(s, 'b', 'patient', granted);
    const exit = await exitOf(expiring.promise);
    expect(exit.reason).toBe('expired');
    expect(exit.waitedMs).toBeGreaterThanOrEqual(1);
    expect(s.waiting).toBe(1);
    s.release(await held.promise);
    s.release(await patient.promise);
    expect(granted).toEqual(['held', 'patient']);
    expect(s.openLanes).toBe(0);
  });

  it('refuses every waiting call when closed', async () => {
    const s = scheduler({ concurrency: 1 });
    const granted: string[] = [];
    const held = queue(s, 'a', 'held', granted);
    const waiting = queue(s, 'b', 'waiting', granted);
    s.close();
    expect((await exitOf(waiting.promise)).reason).toBe('closed');
    s.release(await held.promise);
    expect(() => s.acquire('a', undefined, LONG_WAIT)).toThrow(expect.objectContaining({ reason: 'closed' }));
  });
});

describe('lane options', () => {
  const base = { RAYVISION_API_ACCESS_ID: 'AKID123', RAYVISION_API_ACCESS_KEY: 'not-a-real-key' };
  const problem = (sources: Record<string, string>) => {
    try {
      loadConnectorConfig({ ...base, ...sources });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a configuration error');
  };

  it('default to half the concurrency (at least 1) in flight, 1000 waiting per session, waiting 60 s at most', () => {
    expect(loadConnectorConfig(base)).toMatchObject({ concurrency: 8, laneConcurrency: 4, laneQueue: 1000, queueTimeoutMs: 60_000 });
    expect(loadConnectorConfig({ ...base, RAYVISION_API_CONCURRENCY: '1' })).toMatchObject({ concurrency: 1, laneConcurrency: 1 });
    expect(loadConnectorConfig({ ...base, RAYVISION_API_CONCURRENCY: '5' })).toMatchObject({ laneConcurrency: 2 });
  });

  it('come from the environment or their command-line twins', () => {
    const { sources } = readCommandLine(['--lane-concurrency', '3', '--lane-queue=50', '--queue-timeout-ms', '5000'], base, Object.values(CONNECTION_OPTIONS));
    expect(loadConnectorConfig(sources)).toMatchObject({ laneConcurrency: 3, laneQueue: 50, queueTimeoutMs: 5000 });
    expect(loadConnectorConfig({ ...base, RAYVISION_API_LANE_CONCURRENCY: '8', RAYVISION_API_LANE_QUEUE: '100000' })).toMatchObject({
      laneConcurrency: 8,
      laneQueue: 100_000,
    });
  });

  it('refuse values that cannot work, naming the variable and the range', () => {
    expect(problem({ RAYVISION_API_LANE_CONCURRENCY: '9' })).toBe(
      'RAYVISION_API_LANE_CONCURRENCY (--lane-concurrency): must be a whole number from 1 to 8 (RAYVISION_API_CONCURRENCY) (got "9").',
    );
    expect(problem({ RAYVISION_API_CONCURRENCY: '2', RAYVISION_API_LANE_CONCURRENCY: '3' })).toMatch(/from 1 to 2 \(RAYVISION_API_CONCURRENCY\)/);
    expect(problem({ RAYVISION_API_LANE_CONCURRENCY: '0' })).toMatch(/^RAYVISION_API_LANE_CONCURRENCY \(--lane-concurrency\): must be a whole number/);
    expect(problem({ RAYVISION_API_LANE_QUEUE: '0' })).toBe('RAYVISION_API_LANE_QUEUE (--lane-queue): must be a whole number from 1 to 100000 (got "0").');
    expect(problem({ RAYVISION_API_LANE_QUEUE: 'lots' })).toMatch(/^RAYVISION_API_LANE_QUEUE .*\(got "lots"\)\.$/);
    expect(problem({ RAYVISION_API_QUEUE_TIMEOUT_MS: '10' })).toBe(
      'RAYVISION_API_QUEUE_TIMEOUT_MS (--queue-timeout-ms): must be a whole number from 1000 to 600000 (got "10").',
    );
  });
});
