import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorConfig } from '../src/client/config.js';
import { Connector } from '../src/client/connector.js';
import { RayvisionError, TransportError } from '../src/client/errors.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';

/*
 * The connector's queue seen from the farm: what the farm received (its own record of every request body) is
 * compared with what each call said about its write. Calls wait in lanes; the tests count requests the farm
 * served, never time, and their timeouts are seconds long.
 */

let sandbox: Sandbox;
let taskId: number;
let priorityPath: string;
/** Bodies of every request, in the order the farm received them. */
const seen: { path: string; body: string }[] = [];
const connectors: Connector[] = [];

function connect(overrides: Partial<ConnectorConfig>): Connector {
  const connector = new Connector(sandbox.connectorConfig(overrides), { retryBaseMs: 5 });
  connectors.push(connector);
  return connector;
}

/** The priorities the farm received in update_task_priority requests (each test writes its own). */
const receivedPriorities = () => seen.filter((r) => r.path === priorityPath).map((r) => (JSON.parse(r.body) as { taskUserLevel: number }).taskUserLevel);

const setPriority = (connector: Connector, priority: number, options: Parameters<Connector['call']>[2] = {}) =>
  connector.call('update_task_priority', { taskId, taskUserLevel: priority }, options);

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    witness(String((error as Error).message));
    expect(error).toBeInstanceOf(TransportError);
    return error as TransportError;
  }
  throw new Error('expected the call to fail');
}

/** Holds the only connection of `connector` with a request the farm never answers, until the returned release(). */
async function holdConnection(connector: Connector, lane?: string): Promise<() => Promise<void>> {
  sandbox.faults.add({ kind: 'hang', operation: 'get_task_list', times: 1 });
  const controller = new AbortController();
  const held = failure(connector.call('get_task_list', { pageNum: 1, pageSize: 1 }, { signal: controller.signal, ...(lane ? { lane } : {}) }));
  await expect.poll(() => sandbox.requests.count('get_task_list'), { timeout: 20_000 }).toBe(1);
  return async () => {
    controller.abort();
    await held;
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, speed: 0, accessKey: CANARY_ACCESS_KEY, inspect: ({ path, body }) => void seen.push({ path, body }) });
  taskId = (sandbox.farm.tasks()[0] as { id: number }).id;
  priorityPath = connect({}).pathOf('update_task_priority');
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.requests.reset();
  seen.length = 0;
});
afterAll(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await sandbox.close();
});

describe('honest outcomes', () => {
  it('with 2 connections and a slow farm, 12 writes: each "may have applied" reached the farm, each "not sent" did not', async () => {
    // Sent writes time out (the farm takes 1.5 times the timeout and then applies them); queued ones may wait as
    // long for a connection, so the later ones give up in the queue.
    const timeoutMs = 2_000;
    sandbox.faults.add({ kind: 'latency', latencyMs: timeoutMs * 1.5, operation: 'update_task_priority' });
    const connector = connect({ concurrency: 2, timeoutMs, queueTimeoutMs: timeoutMs });
    const priorities = Array.from({ length: 12 }, (_, i) => 10 + i);
    const outcomes = await Promise.all(
      priorities.map((p) =>
        setPriority(connector, p).then(
          () => undefined,
          (error: unknown) => error,
        ),
      ),
    );

    const mayHave: number[] = [];
    const notSent: number[] = [];
    const applied: number[] = [];
    outcomes.forEach((outcome, i) => {
      const priority = priorities[i]!;
      if (outcome === undefined) {
        applied.push(priority);
        return;
      }
      expect(outcome).toBeInstanceOf(RayvisionError);
      const { message, notApplied } = outcome as RayvisionError;
      witness(message);
      if (/may have applied it/.test(message)) {
        expect(notApplied, message).toBe(false);
        mayHave.push(priority);
      } else {
        expect(message).toMatch(
          /^update_task_priority failed: it was not sent, after waiting \d+ ms in line for a connection to the farm, which is busy or slow; nothing changed, so it is safe to send it again\.$/,
        );
        expect(notApplied, message).toBe(true);
        notSent.push(priority);
      }
    });
    expect(mayHave.length).toBeGreaterThanOrEqual(2);
    expect(notSent.length).toBeGreaterThanOrEqual(1);
    // Every call the connector sent is in the farm's record, and nothing else is.
    await expect.poll(() => receivedPriorities().sort((a, b) => a - b), { timeout: 20_000 }).toEqual([...mayHave, ...applied].sort((a, b) => a - b));
    for (const priority of notSent) expect(receivedPriorities()).not.toContain(priority);
  });

  it('counts the timeout from sending: a call queued behind a slow one still gets its whole timeout', async () => {
    // Each answer takes most of the timeout; the second call waits that long first, so queue time plus answer
    // time is well over the timeout, and each alone is well under it.
    const timeoutMs = 4_000;
    sandbox.faults.add({ kind: 'latency', latencyMs: timeoutMs * 0.6, operation: 'update_task_priority' });
    const connector = connect({ concurrency: 1, timeoutMs, queueTimeoutMs: timeoutMs });
    await Promise.all([setPriority(connector, 40), setPriority(connector, 41)]);
    expect(receivedPriorities()).toEqual([40, 41]);
  });

  it('a queued call that is cancelled leaves the queue at once and sends nothing; a write says nothing changed', async () => {
    const connector = connect({ concurrency: 1 });
    const release = await holdConnection(connector);
    const cancelWrite = new AbortController();
    const cancelRead = new AbortController();
    const write = failure(setPriority(connector, 31, { signal: cancelWrite.signal }));
    const read = failure(connector.call('get_frame_stats', {}, { signal: cancelRead.signal }));
    const after = setPriority(connector, 32);
    cancelWrite.abort();
    cancelRead.abort();
    // Both answer while the only connection is still held: they did not wait for it.
    const [w, r] = await Promise.all([write, read]);
    expect(w.message).toBe('update_task_priority was cancelled before it was sent; nothing changed.');
    expect(w.notApplied).toBe(true);
    expect(r.message).toBe('get_frame_stats was cancelled before it was sent.');
    await release();
    await after;
    expect(receivedPriorities()).toEqual([32]);
    expect(sandbox.requests.count('get_frame_stats')).toBe(0);
  });
});

describe('lanes', () => {
  /**
   * Floods one lane with 200 calls (the farm slowed a little so the flood is still going), waits until the farm has
   * served some, then makes one call in another lane: returns how many flood calls the farm received after that
   * call was made and before it.
   */
  async function servedAhead(connector: Connector, floodLane: string | undefined): Promise<number> {
    sandbox.requests.reset();
    sandbox.faults.clear();
    sandbox.faults.add({ kind: 'latency', latencyMs: 10, operation: 'list_platforms' });
    const flood = Array.from({ length: 200 }, () => connector.call('list_platforms', { zone: 2 }, floodLane ? { lane: floodLane } : {}));
    await expect.poll(() => sandbox.requests.count('list_platforms'), { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
    const before = sandbox.requests.count();
    await connector.call('get_user_profile', {}, { lane: 'quiet' });
    const order = sandbox.requests.recent().map((r) => r.operation);
    await Promise.all(flood);
    expect(sandbox.requests.count('list_platforms')).toBe(200);
    return order.indexOf('get_user_profile') - before;
  }

  it("a lane flooding 200 calls holds at most its share: another lane's call goes out at once", async () => {
    // Two connections, one per lane at most (the default share): the quiet call takes the free one. Only the
    // flood call already in flight may reach the farm first.
    const ahead = await servedAhead(connect({ concurrency: 2 }), 'flood');
    expect(ahead).toBeLessThanOrEqual(1);
  });

  it("a lane using every connection still lets another lane's call in on the next turn", async () => {
    // The flood may use both connections: the quiet call waits for the two in flight and at most one flood turn.
    expect(await servedAhead(connect({ concurrency: 2, laneConcurrency: 2 }), 'flood')).toBeLessThanOrEqual(3);
    // Calls without a lane (stdio) may use every connection too, and take turns with named lanes.
    expect(await servedAhead(connect({ concurrency: 2 }), undefined)).toBeLessThanOrEqual(3);
  });

  it("refuses a call beyond the lane's queue bound at once with one sentence, and sends nothing for it", async () => {
    const connector = connect({ concurrency: 1, laneQueue: 3 });
    const release = await holdConnection(connector, 'a');
    const queued = [21, 22, 23].map((p) => setPriority(connector, p, { lane: 'a' }));
    // Answered while the connection is still held: the call never waited.
    const refused = await failure(setPriority(connector, 24, { lane: 'a' }));
    expect(refused.message).toBe(
      'update_task_priority failed: too many calls are queued for this client or session (at most 3, RAYVISION_API_LANE_QUEUE), so nothing was sent; wait for earlier calls to finish.',
    );
    expect(refused.notApplied).toBe(true);
    // The bound is per lane: another session still gets in line.
    const other = connector.call('get_user_profile', {}, { lane: 'b' });
    await release();
    await Promise.all([...queued, other]);
    expect(receivedPriorities()).toEqual([21, 22, 23]);
    expect(sandbox.requests.count('get_user_profile')).toBe(1);
  });
});
