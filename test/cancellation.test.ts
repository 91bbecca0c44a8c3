import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, startHarness, type Harness } from './helpers/harness.js';

let sandbox: Sandbox;
let harness: Harness;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, accessKey: CANARY_ACCESS_KEY });
  // One connection and a long timeout: a hung request that is not aborted would block the next call for a minute.
  harness = await startHarness({ reuse: sandbox, connector: { concurrency: 1, timeoutMs: 60_000 } });
});
afterAll(async () => {
  await harness.close();
  await sandbox.close();
});

it('a tool call the client cancels aborts its HTTP call to the farm', async () => {
  const id = (sandbox.farm.tasks()[0] as { id: number }).id;
  sandbox.faults.add({ kind: 'hang', operation: 'get_task_info', times: 1 });
  const controller = new AbortController();
  const pending = harness.client.callTool({ name: 'get_task_info', arguments: { task_ids: [id] } }, { signal: controller.signal });
  while (sandbox.requests.count('get_task_info') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  await expect(pending).rejects.toThrow();
  // The single connection is free again only if the hung request was aborted.
  const next = await callTool(harness.client, 'get_frame_stats');
  expect(next.isError).toBe(false);
  expect(sandbox.requests.count('get_task_info')).toBe(1);
}, 15_000);
