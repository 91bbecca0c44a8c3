import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorConfig } from '../src/client/config.js';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import type { FaultRule } from '../src/sandbox/faults.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { DEFAULT_SETTINGS, callTool, type ToolCall, legacyServer } from './helpers/harness.js';

/*
 * A misbehaving farm seen through the MCP layer: every fault kind the sandbox injects reaches the tool's caller as
 * one sentence with the code (no stack), reads are retried and writes are sent exactly once (the farm counts what it
 * received), concurrent calls never reuse a nonce, and a farm that goes away mid-call is reported clearly while the
 * server keeps serving. Server logs go to the suite's leak guard (witness), which searches them for the access key.
 */

/**
 * The connector's timeout in the fault tests: latency faults are set at a multiple or a fraction of it, so a call
 * meant to arrive has 750 ms of slack on a busy machine.
 */
const TIMEOUT_MS = 1000;
/** For the concurrency tests, whose point is nonces and outcomes, not timeouts: a loaded machine must not fail them. */
const GENEROUS_TIMEOUT_MS = 20_000;

interface Served {
  client: Client;
  connector: Connector;
  close(): Promise<void>;
}

/** An MCP server on a connector with a short timeout, and a real client over InMemoryTransport. */
async function serve(sandbox: Sandbox, timeoutMs = TIMEOUT_MS, overrides: Partial<ConnectorConfig> = {}): Promise<Served> {
  const logger = createLogger('debug', witness);
  const connector = new Connector(sandbox.connectorConfig({ timeoutMs, ...overrides }), { logger, retryBaseMs: 5 });
  const mcp = legacyServer({ connector, logger, settings: DEFAULT_SETTINGS, sandbox: { url: sandbox.url } });
  const client = new Client({ name: 'robustness', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    connector,
    close: async () => {
      await client.close();
      await mcp.close();
      await connector.close();
    },
  };
}

/** One sentence a person can act on: no line breaks, no stack frames, ends with a full stop. */
function expectOneSentence(call: ToolCall, start: RegExp): void {
  expect(call.isError, call.text).toBe(true);
  expect(call.text).toMatch(start);
  expect(call.text).not.toMatch(/\n|\s+at \S+ \(|\.ts:\d+|\.js:\d+/);
  expect(call.text.trim().endsWith('.')).toBe(true);
}

let sandbox: Sandbox;
let served: Served;
let taskId: number;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 4, speed: 0, accessKey: CANARY_ACCESS_KEY });
  served = await serve(sandbox);
  taskId = (sandbox.farm.tasks()[0] as { id: number }).id;
});
afterEach(() => {
  sandbox.faults.clear();
  sandbox.requests.reset();
});
afterAll(async () => {
  await served.close();
  await sandbox.close();
});

const read = () => callTool(served.client, 'get_task_info', { task_ids: [taskId] });
const write = (priority = 60) => callTool(served.client, 'update_task_priority', { task_id: taskId, priority });
const fault = (rule: FaultRule) => sandbox.faults.add(rule);
const priorityNow = () => (sandbox.farm.taskInfo(taskId) as { taskUserLevel?: number }).taskUserLevel;

describe('every fault kind through a tool call', () => {
  it('latency beyond the timeout: a read is tried three times, then one sentence naming the timeout', async () => {
    fault({ kind: 'latency', latencyMs: TIMEOUT_MS * 3 });
    const call = await read();
    expectOneSentence(call, new RegExp(`^get_task_info failed: the farm did not answer within ${TIMEOUT_MS} ms; .*RAYVISION_API_TIMEOUT_MS`));
    expect(sandbox.requests.count('get_task_info')).toBe(3);
  });

  it('latency beyond the timeout: a write is sent once', async () => {
    fault({ kind: 'latency', latencyMs: TIMEOUT_MS * 3 });
    const call = await write(61);
    expectOneSentence(call, /^update_task_priority failed: the farm did not answer within/);
    expect(sandbox.requests.count('update_task_priority')).toBe(1);
  });

  it('latency within the timeout: the answer arrives, sent once', async () => {
    fault({ kind: 'latency', latencyMs: TIMEOUT_MS / 4 });
    expect((await read()).isError).toBe(false);
    expect(sandbox.requests.count('get_task_info')).toBe(1);
  });

  it.each([500, 502, 503])('HTTP %i: a read is retried and succeeds once the farm recovers', async (status) => {
    fault({ kind: 'http', status, times: 2 });
    const call = await read();
    expect(call.isError, call.text).toBe(false);
    expect(sandbox.requests.recent().map((r) => r.outcome)).toEqual(['http', 'http', 200]);
  });

  it('HTTP 502 that persists: three tries, then one sentence with the status', async () => {
    fault({ kind: 'http', status: 502 });
    expectOneSentence(await read(), /^get_task_info failed: the farm answered HTTP 502 .*try again shortly\.$/);
    expect(sandbox.requests.count('get_task_info')).toBe(3);
  });

  it('HTTP 502 on a write: sent exactly once, reported as possibly applied (here the farm did not act)', async () => {
    const before = priorityNow();
    fault({ kind: 'http', status: 502 });
    expectOneSentence(
      await write(62),
      /^update_task_priority failed: the farm answered HTTP 502 .*may have applied it, so check .* before sending it again\.$/,
    );
    expect(sandbox.requests.count('update_task_priority')).toBe(1);
    expect(priorityNow()).toBe(before);
  });

  it('connection reset: a read is retried and succeeds', async () => {
    fault({ kind: 'reset', times: 1 });
    expect((await read()).isError).toBe(false);
    expect(sandbox.requests.recent().map((r) => r.outcome)).toEqual(['reset', 200]);
  });

  it('connection reset on a write: sent once, reported without a retry', async () => {
    fault({ kind: 'reset' });
    expectOneSentence(await write(63), /^update_task_priority failed: the connection failed/);
    expect(sandbox.requests.count('update_task_priority')).toBe(1);
  });

  it('a body that is not JSON: one sentence quoting it, not retried (the domain points elsewhere)', async () => {
    fault({ kind: 'non-json' });
    expectOneSentence(
      await read(),
      /^get_task_info failed: the farm answered HTTP 200 with a body that is not an API response \("<html>.*RAYVISION_API_DOMAIN/,
    );
    expect(sandbox.requests.count('get_task_info')).toBe(1);
  });

  it('API code 500: a read is retried three times; a write is sent once', async () => {
    fault({ kind: 'code', code: 500 });
    expectOneSentence(await read(), /^get_task_info failed: the farm answered 500 INTERNAL_ERROR/);
    expect(sandbox.requests.count('get_task_info')).toBe(3);
    expectOneSentence(await write(64), /^update_task_priority failed: the farm answered 500 INTERNAL_ERROR/);
    expect(sandbox.requests.count('update_task_priority')).toBe(1);
  });

  it('610 once: the farm clock is learned and the call goes through, for a write too (the farm did not act)', async () => {
    fault({ kind: 'code', code: 610, times: 1, operation: 'get_task_info' });
    fault({ kind: 'code', code: 610, times: 1, operation: 'update_task_priority' });
    expect((await read()).isError).toBe(false);
    expect((await write(65)).isError).toBe(false);
    expect(sandbox.requests.recent().map((r) => `${r.operation}:${r.outcome}`)).toEqual([
      'get_task_info:610',
      'get_task_info:200',
      'update_task_priority:610',
      'update_task_priority:200',
    ]);
    expect(priorityNow()).toBe(65);
  });

  it('610 that persists: one corrected resend, then one sentence about the clock', async () => {
    fault({ kind: 'code', code: 610 });
    expectOneSentence(await write(66), /^update_task_priority failed: the farm answered 610 SIGNATURE_EXPIRED .*sync it \(e\.g\. with NTP\)\.$/);
    expect(sandbox.requests.count('update_task_priority')).toBe(2);
  });

  it('611: reported at once with what to check, never resent', async () => {
    fault({ kind: 'code', code: 611 });
    expectOneSentence(
      await read(),
      /^get_task_info failed: the farm answered 611 SIGNATURE_INVALID .*RAYVISION_API_ACCESS_KEY, RAYVISION_API_ACCESS_ID and RAYVISION_API_PLATFORM\.$/,
    );
    expect(sandbox.requests.count('get_task_info')).toBe(1);
    expectOneSentence(await write(67), /^update_task_priority failed: the farm answered 611/);
    expect(sandbox.requests.count('update_task_priority')).toBe(1);
  });

  it('a hung request: a read times out three times; the server answers the next call', async () => {
    fault({ kind: 'hang', times: 3 });
    expectOneSentence(await read(), /^get_task_info failed: the farm did not answer within/);
    expect(sandbox.requests.count('get_task_info')).toBe(3);
    expect((await read()).isError).toBe(false);
  });
});

describe('concurrency', () => {
  it('200 concurrent tool calls all succeed, each signed with its own nonce', async () => {
    const local = await serve(sandbox, GENEROUS_TIMEOUT_MS);
    try {
      const calls = await Promise.all(Array.from({ length: 200 }, (_, i) => callTool(local.client, 'get_task_info', { task_ids: [taskId - (i % 20)] })));
      expect(calls.filter((c) => c.isError).map((c) => c.text)).toEqual([]);
      const records = sandbox.requests.recent();
      expect(records).toHaveLength(200);
      expect(records.every((r) => r.outcome === 200)).toBe(true);
      expect(new Set(records.map((r) => r.nonce)).size).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('200 concurrent calls with faults mixed in: reads retried, writes sent once each, nonces never reused', async () => {
    const faults: FaultRule[] = [
      { kind: 'http', status: 502, rate: 0.15 },
      { kind: 'reset', rate: 0.1 },
    ];
    const faulty = await startSandbox({ seed: 4, speed: 0, accessKey: CANARY_ACCESS_KEY, faultSeed: 7, faults });
    const local = await serve(faulty, GENEROUS_TIMEOUT_MS);
    try {
      const id = (faulty.farm.tasks()[0] as { id: number }).id;
      const calls = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 4 === 0
            ? callTool(local.client, 'update_task_priority', { task_id: id, priority: 50 + (i % 10) })
            : callTool(local.client, 'get_task_info', { task_ids: [id] }),
        ),
      );
      const writes = calls.filter((_, i) => i % 4 === 0);
      const reads = calls.filter((_, i) => i % 4 !== 0);
      for (const failed of calls.filter((c) => c.isError)) expectOneSentence(failed, /^(get_task_info|update_task_priority) failed: /);
      expect(faulty.requests.count('update_task_priority')).toBe(writes.length);
      expect(faulty.requests.count('get_task_info')).toBeGreaterThan(reads.length);
      expect(faulty.requests.count('get_task_info')).toBeLessThanOrEqual(reads.length * 3);
      // Retries are not blind: most reads that met a fault came back on a later attempt.
      expect(reads.filter((c) => !c.isError).length).toBeGreaterThan(reads.length * 0.9);
      const nonces = faulty.requests.recent().map((r) => r.nonce);
      expect(new Set(nonces).size).toBe(nonces.length);
    } finally {
      await local.close();
      await faulty.close();
    }
  });
});

describe('honest outcomes under load', () => {
  it('12 concurrent update_task_priority over 2 connections to a slow farm: "may have applied" only for writes the farm received, "not sent" only for writes it did not', async () => {
    const timeoutMs = 2_000;
    const seen: { path: string; body: string }[] = [];
    const slow = await startSandbox({
      seed: 4,
      speed: 0,
      accessKey: CANARY_ACCESS_KEY,
      faults: [{ kind: 'latency', latencyMs: timeoutMs * 1.5, operation: 'update_task_priority' }],
      inspect: ({ path, body }) => void seen.push({ path, body }),
    });
    // Queued calls may wait as long as a sent one waits for its answer, so the later ones give up in the queue.
    const local = await serve(slow, timeoutMs, { concurrency: 2, queueTimeoutMs: timeoutMs });
    try {
      const id = (slow.farm.tasks()[0] as { id: number }).id;
      const priorities = Array.from({ length: 12 }, (_, i) => 70 + i);
      const calls = await Promise.all(priorities.map((priority) => callTool(local.client, 'update_task_priority', { task_id: id, priority })));
      const path = local.connector.pathOf('update_task_priority');
      const received = () =>
        seen
          .filter((r) => r.path === path)
          .map((r) => (JSON.parse(r.body) as { taskUserLevel: number }).taskUserLevel)
          .sort((a, b) => a - b);
      const mayHave = priorities.filter((_, i) => /may have applied it/.test(calls[i]!.text));
      const notSent = priorities.filter((_, i) => /it was not sent/.test(calls[i]!.text));
      const succeeded = priorities.filter((_, i) => !calls[i]!.isError);
      for (const call of calls.filter((c) => c.isError)) expectOneSentence(call, /^update_task_priority failed: /);
      expect(mayHave.length + notSent.length + succeeded.length).toBe(12);
      expect(mayHave.length).toBeGreaterThanOrEqual(2);
      expect(notSent.length).toBeGreaterThanOrEqual(1);
      await expect.poll(received, { timeout: 20_000 }).toEqual([...mayHave, ...succeeded].sort((a, b) => a - b));
      for (const priority of notSent) expect(received()).not.toContain(priority);
    } finally {
      await local.close();
      await slow.close();
    }
  });
});

describe('the farm goes away', () => {
  it('in the middle of a call: a clear sentence, and the same server serves again once a farm is back', async () => {
    const farm = await startSandbox({ seed: 4, speed: 0, accessKey: CANARY_ACCESS_KEY, faults: [{ kind: 'hang', operation: 'get_task_info' }] });
    const local = await serve(farm, 5_000);
    const id = (farm.farm.tasks()[0] as { id: number }).id;
    try {
      const pending = callTool(local.client, 'get_task_info', { task_ids: [id] });
      await expect.poll(() => farm.requests.count('get_task_info')).toBe(1);
      await farm.close();
      const call = await pending;
      expectOneSentence(
        call,
        new RegExp(`^get_task_info failed: nothing accepts connections at http://127\\.0\\.0\\.1:${farm.port}, so it was not sent; check RAYVISION_API_DOMAIN`),
      );

      const back = await startSandbox({ seed: 4, speed: 0, port: farm.port, accessId: farm.accessId, accessKey: CANARY_ACCESS_KEY });
      try {
        const again = await callTool(local.client, 'get_task_info', { task_ids: [id] });
        expect(again.isError, again.text).toBe(false);
        expect(again.structured?.['tasks']).toEqual([expect.objectContaining({ id })]);
      } finally {
        await back.close();
      }
    } finally {
      await local.close();
    }
  });

  it('in the middle of a write: reported once, not resent, and the server keeps serving', async () => {
    const farm = await startSandbox({ seed: 4, speed: 0, accessKey: CANARY_ACCESS_KEY, faults: [{ kind: 'hang', operation: 'update_task_priority' }] });
    const local = await serve(farm, 5_000);
    const id = (farm.farm.tasks()[0] as { id: number }).id;
    try {
      const pending = callTool(local.client, 'update_task_priority', { task_id: id, priority: 70 });
      await expect.poll(() => farm.requests.count('update_task_priority')).toBe(1);
      await farm.close();
      expectOneSentence(await pending, /^update_task_priority failed: the connection failed/);
      expect(farm.requests.count('update_task_priority')).toBe(1);
      expectOneSentence(await callTool(local.client, 'list_platforms', {}), /^list_platforms failed: nothing accepts connections/);
      expect((await local.client.listTools()).tools.length).toBeGreaterThan(50);
    } finally {
      await local.close();
    }
  });
});
