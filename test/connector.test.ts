import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { ApiError, TransportError } from '../src/client/errors.js';
import { hmacSignature, stringToSign } from '../src/client/sign.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';

let sandbox: Sandbox;
/** A task that exists in the sandbox's data set, for writes the farm would refuse on an unknown id. */
let taskId: number;
const seen: { path: string; headers: Record<string, unknown>; body: string }[] = [];
const connectors: Connector[] = [];

function connect(overrides: Parameters<Sandbox['connectorConfig']>[0] = {}, options: ConstructorParameters<typeof Connector>[1] = {}) {
  const connector = new Connector(sandbox.connectorConfig(overrides), { retryBaseMs: 5, ...options });
  connectors.push(connector);
  return connector;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    witness(String((error as Error).message));
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, accessKey: CANARY_ACCESS_KEY, inspect: (request) => seen.push(request as (typeof seen)[number]) });
  const page = await connect().call<{ items: { id: number }[] }>('get_task_list', { pageNum: 1, pageSize: 1 });
  taskId = page.items[0]!.id;
  seen.length = 0;
  sandbox.requests.reset();
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

describe('connector over HTTP to the sandbox', () => {
  it('sends the SDK header set, signed over host:port and path, with languageFlag unsigned', async () => {
    await connect({ languageFlag: '1' }).call('list_platforms', { zone: 2 });
    expect(seen).toHaveLength(1);
    const { headers, path, body } = seen[0]!;
    expect(path).toBe('/api/render/common/queryPlatforms');
    expect(headers).toMatchObject({
      accessid: sandbox.accessId,
      channel: '4',
      platform: '2',
      version: '2.0.0',
      'content-type': 'application/json',
      languageflag: '1',
    });
    expect(headers['nonce']).toMatch(/^\d{6}$/);
    expect(Math.abs(Number(headers['utctimestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(JSON.parse(body)).toEqual({ zone: 2 });
    const signed = {
      accessId: sandbox.accessId,
      channel: '4',
      platform: '2',
      UTCTimestamp: String(headers['utctimestamp']),
      nonce: String(headers['nonce']),
      version: '2.0.0',
    };
    expect(headers['signature']).toBe(hmacSignature(sandbox.accessKey, stringToSign(sandbox.domain, path, signed, { zone: 2 })));
    expect(headers).not.toHaveProperty('accesskey');
  });

  it('retries a read after a 5xx with a fresh nonce, and succeeds', async () => {
    sandbox.faults.add({ kind: 'http', status: 502, operation: 'list_platforms', times: 1 });
    const data = await connect().call('list_platforms', { zone: 2 });
    expect(data).toBeTruthy();
    expect(sandbox.requests.count('list_platforms')).toBe(2);
    const nonces = sandbox.requests.recent().map((r) => r.nonce);
    expect(new Set(nonces).size).toBe(2);
  });

  it('retries a read on code 500 at most three times', async () => {
    sandbox.faults.add({ kind: 'code', code: 500, operation: 'get_user_profile' });
    const error = await failure(connect().call('get_user_profile'));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(500);
    expect(sandbox.requests.count('get_user_profile')).toBe(3);
  });

  it('never retries a write after a 5xx: the farm sees exactly one request', async () => {
    sandbox.faults.add({ kind: 'http', status: 500, operation: 'stop_task' });
    const error = await failure(connect().call('stop_task', { taskIds: [taskId] }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toMatch(/HTTP 500/);
    expect(sandbox.requests.count('stop_task')).toBe(1);
  });

  it('says a write answered with HTTP 502 or a body that is not JSON may have been applied, and to check first', async () => {
    // A proxy can fail after the farm acted: like a reset, the write must be checked, not resent or "tried again".
    sandbox.faults.add({ kind: 'http', status: 502, operation: 'stop_task', times: 1 });
    const gateway = (await failure(connect().call('stop_task', { taskIds: [taskId] }))) as TransportError;
    expect(gateway.message).toMatch(
      /^stop_task failed: the farm answered HTTP 502 \("<html>.*"\); the request reached the farm, which may have applied it, so check \(e\.g\. with get_task_info\) before sending it again\.$/,
    );
    expect(gateway.notApplied).toBe(false);
    sandbox.faults.add({ kind: 'non-json', operation: 'stop_task', times: 1 });
    const garbled = (await failure(connect().call('stop_task', { taskIds: [taskId] }))) as TransportError;
    expect(garbled.message).toMatch(
      /^stop_task failed: the farm answered HTTP 200 with a body that is not an API response \(".*"\); the request reached the farm, which may have applied it, so check .* before sending it again, and that RAYVISION_API_DOMAIN points at the API host\.$/,
    );
    expect(garbled.notApplied).toBe(false);
    expect(sandbox.requests.count('stop_task')).toBe(2);
    // A read keeps its advice (and its retries).
    sandbox.faults.add({ kind: 'http', status: 502, operation: 'get_frame_stats' });
    const read = await failure(connect().call('get_frame_stats'));
    expect(read.message).toMatch(/HTTP 502 .*; the farm is having trouble, try again shortly\.$/);
    expect(sandbox.requests.count('get_frame_stats')).toBe(3);
  });

  it('recovers from 610 with a skewed clock by resending once with the farm time', async () => {
    const connector = connect({}, { now: () => Date.now() - 3_600_000 });
    await connector.call('stop_task', { taskIds: [taskId] });
    expect(sandbox.requests.recent().map((r) => r.outcome)).toEqual([610, 200]);
    expect(Math.abs(connector.clockOffset - 3_600_000)).toBeLessThan(5_000);
    await connector.call('stop_task', { taskIds: [taskId] });
    expect(sandbox.requests.count('stop_task')).toBe(3);
  });

  it('reports a timeout as one clear sentence; a write is sent once, a read up to three times', async () => {
    // undici's timeouts run on its shared timer, which may fire up to a second late: the farm answers well after that.
    sandbox.faults.add({ kind: 'latency', latencyMs: 3000 });
    const write = await failure(connect({ timeoutMs: 1000 }).call('stop_task', { taskIds: [taskId] }));
    expect(write).toBeInstanceOf(TransportError);
    expect((write as TransportError).failure).toBe('timeout');
    expect(write.message).toMatch(/did not answer within 1000 ms; the request reached the farm, which may have applied it/);
    expect(sandbox.requests.count('stop_task')).toBe(1);
    const read = await failure(connect({ timeoutMs: 1000 }).call('get_frame_stats'));
    expect((read as TransportError).failure).toBe('timeout');
    expect(read.message).toMatch(/did not answer within 1000 ms; try again, or raise RAYVISION_API_TIMEOUT_MS/);
    expect(sandbox.requests.count('get_frame_stats')).toBe(3);
  });

  it('times out an answer that stops half way, as it does one that never starts', async () => {
    const stalled: ServerResponse[] = [];
    const farm = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"code":200,"data":');
      stalled.push(response);
    });
    await new Promise<void>((resolve) => farm.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = farm.address() as AddressInfo;
      const read = await failure(connect({ domain: `127.0.0.1:${port}`, timeoutMs: 1000 }).call('get_frame_stats'));
      expect((read as TransportError).failure).toBe('timeout');
      expect(read.message).toMatch(/did not answer within 1000 ms; try again/);
      expect(stalled).toHaveLength(3);
    } finally {
      farm.closeAllConnections();
      await new Promise((resolve) => farm.close(resolve));
    }
  });

  it('reports a connection reset as a network error, warning that a write may have been applied', async () => {
    sandbox.faults.add({ kind: 'reset', operation: 'delete_task' });
    const error = await failure(connect().call('delete_task', { taskIds: [5] }));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).failure).toBe('network');
    expect(error.message).toMatch(/^delete_task failed: the connection failed .*may have applied it, so check .* before sending it again/);
    expect(sandbox.requests.count('delete_task')).toBe(1);
    sandbox.faults.add({ kind: 'reset', operation: 'get_frame_stats' });
    const read = await failure(connect().call('get_frame_stats'));
    expect(read.message).not.toMatch(/may have applied/);
  });

  it('resends once with a fresh nonce after a 603 refusal, for writes too, and then gives up', async () => {
    sandbox.faults.add({ kind: 'code', code: 603, operation: 'stop_task', times: 1 });
    await connect().call('stop_task', { taskIds: [taskId] });
    const nonces = sandbox.requests.recent().map((r) => r.nonce);
    expect(nonces).toHaveLength(2);
    expect(new Set(nonces).size).toBe(2);
    sandbox.requests.reset();
    sandbox.faults.add({ kind: 'code', code: 603, operation: 'stop_task', times: 2 });
    const error = (await failure(connect().call('stop_task', { taskIds: [taskId] }))) as ApiError;
    expect(error.code).toBe(603);
    expect(sandbox.requests.count('stop_task')).toBe(2);
  });

  it('reports a body that is not JSON with the status and an excerpt', async () => {
    sandbox.faults.add({ kind: 'non-json', operation: 'get_frame_stats' });
    const error = await failure(connect().call('get_frame_stats'));
    expect((error as TransportError).failure).toBe('invalid-json');
    expect(error.message).toMatch(/HTTP 200 with a body that is not an API response \("<html><body>Service temporarily unavailable/);
    // a 200 with a broken body is not retried: it is not a server error
    expect(sandbox.requests.count('get_frame_stats')).toBe(1);
  });

  it('turns an API code into a typed error with its name, the request id and a hint', async () => {
    const error = await failure(connect({ accessKey: 'not-the-key' }).call('get_user_profile'));
    expect(error).toBeInstanceOf(ApiError);
    const api = error as ApiError;
    expect(api.code).toBe(611);
    expect(api.codeName).toBe('SIGNATURE_INVALID');
    expect(api.requestId).toMatch(/\S+/);
    expect(api.message).toMatch(/^get_user_profile failed: the farm answered 611 SIGNATURE_INVALID .*\[request .+\]; check RAYVISION_API_ACCESS_KEY/);
    expect(api.message).not.toContain('not-the-key');
    expect(sandbox.requests.count('get_user_profile')).toBe(1);
  });

  it('reports an unknown access id as 403', async () => {
    const error = (await failure(connect({ accessId: 'nobody' }).call('get_user_profile'))) as ApiError;
    expect(error.code).toBe(403);
  });

  it('aborts the HTTP call when the caller cancels', async () => {
    sandbox.faults.add({ kind: 'hang', operation: 'get_task_list' });
    const controller = new AbortController();
    const pending = failure(connect().call('get_task_list', { pageNum: 1, pageSize: 10 }, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await pending;
    expect((error as TransportError).failure).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sandbox.requests.count('get_task_list')).toBe(1);
  });

  it('takes many calls on one signal without a leak warning, and cancels them all with it', async () => {
    sandbox.faults.add({ kind: 'hang', operation: 'get_task_list' });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // A tool fanning out: more calls than connections, all on the one signal of its MCP request.
      const connector = connect({ concurrency: 16 });
      const controller = new AbortController();
      const calls = Array.from({ length: 40 }, (_, i) =>
        failure(connector.call('get_task_list', { pageNum: i + 1, pageSize: 10 }, { signal: controller.signal })),
      );
      await vi.waitFor(() => expect(sandbox.requests.count('get_task_list')).toBe(16));
      controller.abort();
      const errors = (await Promise.all(calls)) as TransportError[];
      expect(errors.every((error) => error.failure === 'aborted')).toBe(true);
      // The 24 still waiting for a connection were never sent.
      expect(errors.filter((error) => error.notApplied)).toHaveLength(24);
      expect(sandbox.requests.count('get_task_list')).toBe(16);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('reports a farm that is not there without retrying forever', async () => {
    const error = await failure(connect({ domain: '127.0.0.1:1' }).call('get_frame_stats'));
    expect((error as TransportError).failure).toBe('network');
    expect(error.message).toMatch(/nothing accepts connections at http:\/\/127\.0\.0\.1:1/);
  });

  it('says that a write to a farm that is not there was not sent', async () => {
    const error = await failure(connect({ domain: '127.0.0.1:1' }).call('stop_task', { taskIds: [taskId] }));
    expect(error).toMatchObject({ failure: 'network', notApplied: true });
    expect(error.message).toBe(
      'stop_task failed: nothing accepts connections at http://127.0.0.1:1, so it was not sent; check RAYVISION_API_DOMAIN and your network.',
    );
  });

  it('renames parameters for the classic scheme and sends to the classic path', async () => {
    await connect({ scheme: 'classic' }).call('stop_task', { taskIds: [taskId] });
    expect(seen[0]!.path).toBe('/api/render/task/stopTask');
    expect(JSON.parse(seen[0]!.body)).toEqual({ taskParam: [taskId] });
  });

  it('follows RAYVISION_API_PATHS overrides', async () => {
    await connect({ paths: { get_task_list: '/api/render/handle/getTaskList' } }).call('get_task_list', { pageNum: 1, pageSize: 1 });
    expect(seen[0]!.path).toBe('/api/render/handle/getTaskList');
  });

  it('sends 200 concurrent calls with 200 distinct nonces', async () => {
    const connector = connect();
    await Promise.all(Array.from({ length: 200 }, () => connector.call('list_platforms', { zone: 2 })));
    const nonces = sandbox.requests.recent().map((r) => r.nonce);
    expect(nonces).toHaveLength(200);
    expect(new Set(nonces).size).toBe(200);
  });
});
