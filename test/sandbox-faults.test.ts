import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { ApiError, TransportError, type RayvisionError } from '../src/client/errors.js';
import { parseFault } from '../src/sandbox/faults.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/** Every kind of injected fault, and what the connector reports for it: reads retried, writes sent exactly once. */

let sandbox: Sandbox;
const connectors: Connector[] = [];

function connect(timeoutMs = 5_000): Connector {
  const connector = new Connector(sandbox.connectorConfig({ timeoutMs }), { retryBaseMs: 5 });
  connectors.push(connector);
  return connector;
}

async function failure(promise: Promise<unknown>): Promise<RayvisionError> {
  try {
    await promise;
  } catch (error) {
    return error as RayvisionError;
  }
  throw new Error('expected the call to fail');
}

const rendering = () => sandbox.farm.tasks().find((task) => task.taskStatus === 5 && task.respRenderingTaskList === null)!;
const status = (id: unknown) => sandbox.farm.taskInfo(id as number)?.taskStatus;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 2, speed: 0 });
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.requests.reset();
});
afterAll(async () => {
  await Promise.all(connectors.map((connector) => connector.close()));
  await sandbox.close();
});

describe('latency', () => {
  it('within the timeout: the answer arrives, late', async () => {
    sandbox.faults.add({ kind: 'latency', latencyMs: 150, operation: 'get_frame_stats' });
    const stats = await connect(3_000).call<{ totalFrames: number }>('get_frame_stats');
    expect(stats.totalFrames).toBeGreaterThan(0);
    expect(sandbox.requests.count('get_frame_stats')).toBe(1);
  });

  // The timeout runs on undici's shared timer, which may fire up to a second late: the farm answers well after that.
  it('beyond the timeout: a read is tried three times, then reported as a timeout', async () => {
    sandbox.faults.add({ kind: 'latency', latencyMs: 3000 });
    const error = await failure(connect(1000).call('get_user_profile'));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).failure).toBe('timeout');
    expect(error.message).toBe(
      'get_user_profile failed: the farm did not answer within 1000 ms; try again, or raise RAYVISION_API_TIMEOUT_MS if the farm is slow.',
    );
    expect(sandbox.requests.count('get_user_profile')).toBe(3);
  });

  it('beyond the timeout: a write is sent once, and may still have been applied', async () => {
    const task = rendering();
    sandbox.faults.add({ kind: 'latency', latencyMs: 3000 });
    const error = await failure(connect(1000).call('stop_task', { taskIds: [task.id] }));
    expect((error as TransportError).failure).toBe('timeout');
    expect(error.notApplied).toBe(false);
    expect(sandbox.requests.count('stop_task')).toBe(1);
    await vi.waitFor(() => expect(status(task.id)).toBe(10), { timeout: 10_000, interval: 100 });
  });
});

describe('API codes', () => {
  it('500: a read is retried up to three times; a write is sent once and nothing changes', async () => {
    sandbox.faults.add({ kind: 'code', code: 500 });
    const read = await failure(connect().call('get_task_list', { pageNum: 1, pageSize: 5 }));
    expect(read).toBeInstanceOf(ApiError);
    expect((read as ApiError).code).toBe(500);
    expect(read.message).toMatch(/^get_task_list failed: the farm answered 500 INTERNAL_ERROR .*try again in a moment\.$/);
    expect(sandbox.requests.count('get_task_list')).toBe(3);
    const task = rendering();
    const write = await failure(connect().call('stop_task', { taskIds: [task.id] }));
    expect((write as ApiError).code).toBe(500);
    expect(sandbox.requests.count('stop_task')).toBe(1);
    expect(status(task.id)).toBe(5);
  });

  it('500 once: the read succeeds on the second attempt', async () => {
    sandbox.faults.add({ kind: 'code', code: 500, times: 1 });
    await connect().call('get_user_settings');
    expect(sandbox.requests.recent().map((record) => record.outcome)).toEqual([500, 200]);
  });

  it('610 once: the connector learns the farm clock and resends, for writes too', async () => {
    const task = rendering();
    sandbox.faults.add({ kind: 'code', code: 610, times: 1 });
    await connect().call('stop_task', { taskIds: [task.id] });
    expect(sandbox.requests.recent().map((record) => record.outcome)).toEqual([610, 200]);
    expect(status(task.id)).toBe(10);
  });

  it('610 that persists is reported after one corrected resend', async () => {
    sandbox.faults.add({ kind: 'code', code: 610 });
    const error = await failure(connect().call('get_user_settings'));
    expect((error as ApiError).code).toBe(610);
    expect(error.message).toMatch(/SIGNATURE_EXPIRED .*sync it \(e\.g\. with NTP\)\.$/);
    expect(sandbox.requests.count('get_user_settings')).toBe(2);
  });

  it('611 is reported at once with what to check', async () => {
    sandbox.faults.add({ kind: 'code', code: 611 });
    const error = await failure(connect().call('get_user_settings'));
    expect((error as ApiError).code).toBe(611);
    expect(error.notApplied).toBe(true);
    expect(error.message).toMatch(/611 SIGNATURE_INVALID .*check RAYVISION_API_ACCESS_KEY, RAYVISION_API_ACCESS_ID and RAYVISION_API_PLATFORM\.$/);
    expect(sandbox.requests.count('get_user_settings')).toBe(1);
  });

  it('608 names the region problem and the domain to use', async () => {
    sandbox.faults.add({ kind: 'code', code: 608, operation: 'get_user_profile' });
    const error = await failure(connect().call('get_user_profile'));
    expect((error as ApiError).code).toBe(608);
    expect(error.message).toMatch(/608 USER_AREA_ERROR .*set RAYVISION_API_DOMAIN to your region/);
    expect(sandbox.requests.count('get_user_profile')).toBe(1);
  });
});

describe('HTTP errors', () => {
  it.each([500, 502])('%i: a read is retried and succeeds once the farm recovers', async (code) => {
    sandbox.faults.add({ kind: 'http', status: code, times: 2 });
    await connect().call('get_frame_stats');
    expect(sandbox.requests.recent().map((record) => record.outcome)).toEqual(['http', 'http', 200]);
  });

  it.each([500, 502])('%i: a read that keeps failing is reported with the status and an excerpt', async (code) => {
    sandbox.faults.add({ kind: 'http', status: code });
    const error = await failure(connect().call('get_frame_stats'));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ failure: 'http-status', status: code });
    expect(error.message).toMatch(
      new RegExp(
        `^get_frame_stats failed: the farm answered HTTP ${code} \\("<html><body><h1>${code} Bad Gateway.*the farm is having trouble, try again shortly\\.$`,
      ),
    );
    expect(sandbox.requests.count('get_frame_stats')).toBe(3);
  });

  it.each([500, 502])('%i: a write is sent exactly once', async (code) => {
    const task = rendering();
    sandbox.faults.add({ kind: 'http', status: code });
    const error = await failure(connect().call('restart_failed_frames', { taskIds: [task.id] }));
    expect(error).toMatchObject({ failure: 'http-status', status: code });
    expect(sandbox.requests.count('restart_failed_frames')).toBe(1);
  });
});

describe('broken connections and bodies', () => {
  it('reset: a read is retried, a write is not', async () => {
    sandbox.faults.add({ kind: 'reset', times: 2 });
    await connect().call('get_task_info', { taskIds: [rendering().id] });
    expect(sandbox.requests.recent().map((record) => record.outcome)).toEqual(['reset', 'reset', 200]);
    sandbox.requests.reset();
    sandbox.faults.add({ kind: 'reset' });
    const error = await failure(connect().call('delete_task', { taskIds: [rendering().id] }));
    expect(error).toMatchObject({ failure: 'network' });
    expect(error.message).toMatch(
      /^delete_task failed: the connection failed \(.+\); the request reached the farm, which may have applied it, so check \(e\.g\. with get_task_info\) before sending it again\.$/,
    );
    expect(error.notApplied).toBe(false);
    expect(sandbox.requests.count('delete_task')).toBe(1);
  });

  it('non-json: reported with the status and an excerpt of the body, not retried', async () => {
    sandbox.faults.add({ kind: 'non-json', operation: 'get_task_list' });
    const error = await failure(connect().call('get_task_list', { pageNum: 1, pageSize: 5 }));
    expect(error).toMatchObject({ failure: 'invalid-json', status: 200 });
    expect(error.message).toMatch(/HTTP 200 with a body that is not an API response \("<html><body>Service temporarily unavailable/);
    expect(sandbox.requests.count('get_task_list')).toBe(1);
  });

  it('hang: the caller cancels and the connector stops waiting', async () => {
    sandbox.faults.add({ kind: 'hang', operation: 'get_render_env' });
    const controller = new AbortController();
    const pending = failure(connect().call('get_render_env', {}, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(error).toMatchObject({ failure: 'aborted' });
    expect(error.message).toBe('get_render_env was cancelled before the farm answered.');
    expect(sandbox.requests.count('get_render_env')).toBe(1);
  });

  it('hang: without a cancel, a read times out three times', async () => {
    sandbox.faults.add({ kind: 'hang', operation: 'list_pack_nodes' });
    const error = await failure(connect(100).call('list_pack_nodes'));
    expect(error).toMatchObject({ failure: 'timeout' });
    expect(sandbox.requests.count('list_pack_nodes')).toBe(3);
  });
});

describe('rate-based faults', () => {
  async function outcomes(seed: number): Promise<(number | string)[]> {
    const faulty = await startSandbox({ seed: 2, speed: 0, faultSeed: seed, faults: [parseFault('list_platforms:code=500@0.5')] });
    const connector = new Connector(faulty.connectorConfig(), { retryBaseMs: 1 });
    try {
      for (let i = 0; i < 30; i++) await connector.call('list_platforms', { zone: 2 }).catch(() => undefined);
      return faulty.requests.recent().map((record) => record.outcome);
    } finally {
      await connector.close();
      await faulty.close();
    }
  }

  it('fire at about the given rate, the same way for the same fault seed', async () => {
    const first = await outcomes(42);
    const faulted = first.filter((outcome) => outcome === 500).length;
    expect(faulted / first.length).toBeGreaterThan(0.3);
    expect(faulted / first.length).toBeLessThan(0.7);
    expect(first.length).toBeGreaterThan(30);
    expect(await outcomes(42)).toEqual(first);
  });

  it('the command-line form reads operation, kind, value, rate and count', () => {
    expect(parseFault('get_task_list:http=502@0.3')).toEqual({ kind: 'http', operation: 'get_task_list', status: 502, rate: 0.3 });
    expect(parseFault('submit_task:code=500x1')).toEqual({ kind: 'code', operation: 'submit_task', code: 500, times: 1 });
    expect(parseFault('latency=2000')).toEqual({ kind: 'latency', latencyMs: 2000 });
    expect(parseFault('reset@0.05')).toEqual({ kind: 'reset', rate: 0.05 });
    expect(() => parseFault('explode')).toThrow(/kind "explode" is not one of/);
    expect(() => parseFault('no_such_op:reset')).toThrow(/not an operation id/);
  });
});
