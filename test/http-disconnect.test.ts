import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import { ServerSurface } from '../src/server/create.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/http.js';
import { loadHttpSettings } from '../src/server/http-options.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { DEFAULT_SETTINGS } from './helpers/harness.js';

/**
 * A vanished client stops costing the farm: an HTTP client that dies during wait_for_tasks (no
 * notifications/cancelled, its connection just closes) leaves no call polling. 2025 POSTs are cancelled when their
 * response closes early (src/server/http.ts), 2026 requests when their stream closes (the SDK).
 */

const CLIENT = fileURLToPath(new URL('./helpers/vanishing-client.mjs', import.meta.url));
const CALLS = 20;
/** wait_for_tasks polls every 5 s at first, then backs off: over this window a live call polls at least twice. */
const QUIET_MS = 13_000;

let sandbox: Sandbox;
let http: RunningHttpServer;
let connector: Connector;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // A frozen clock: the rendering tasks never finish, so only a cancellation ends the waits.
  sandbox = await startSandbox({ seed: 1, speed: 0, accessKey: CANARY_ACCESS_KEY });
  const logger = createLogger('silent');
  connector = new Connector(sandbox.connectorConfig({ concurrency: 16 }), { logger, retryBaseMs: 5 });
  const surface = new ServerSurface({ connector, logger, settings: DEFAULT_SETTINGS, sandbox: { url: sandbox.url } });
  http = await startHttpServer(loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '0' }), { surface, logger });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await http.close();
  await connector.close();
  await sandbox.close();
});

const rendering = () =>
  (sandbox.farm.tasks() as unknown as { id: number; taskStatus: number }[])
    .filter((t) => t.taskStatus === 5)
    .slice(0, 3)
    .map((t) => t.id);

/** Starts the client, waits until every call has asked the farm about its tasks, and returns the child. */
async function startClient(era: 'legacy' | 'modern'): Promise<ChildProcess> {
  const before = sandbox.requests.count('get_task_info');
  const child = spawn(process.execPath, [CLIENT, http.url, era, String(CALLS), ...rendering().map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const started = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the client exited early (${code})`)));
  });
  expect(await started).toBe(`started ${era}`);
  const deadline = Date.now() + 30_000;
  while (sandbox.requests.count('get_task_info') - before < CALLS) {
    if (Date.now() > deadline) throw new Error('the calls never reached the farm');
    await sleep(50);
  }
  return child;
}

describe('an HTTP client that disconnects during wait_for_tasks', () => {
  for (const era of ['legacy', 'modern'] as const) {
    it(`stops its polling within 2 s (${era === 'legacy' ? '2025 session' : '2026-07-28'})`, async () => {
      const child = await startClient(era);
      // The calls are alive: they poll again after their first interval.
      const first = sandbox.requests.count('get_task_info');
      const polled = Date.now() + 20_000;
      while (sandbox.requests.count('get_task_info') < first + CALLS) {
        if (Date.now() > polled) throw new Error('the waits never polled again');
        await sleep(50);
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await sleep(2_000);
      const settled = sandbox.requests.count('get_task_info');
      await sleep(QUIET_MS);
      expect(sandbox.requests.count('get_task_info'), 'polls after the client vanished').toBe(settled);
    }, 60_000);
  }
});
