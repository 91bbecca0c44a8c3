import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { ensureBuilt } from './helpers/built.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { openSession, serverEnv, type Session } from './robustness-session.js';

/*
 * The built server as a client starts it (real mode, not --sandbox), with the canary as its access key, debug
 * logging on, against a farm this test controls: a session of successes and failures (611, 610, timeouts, resets,
 * a farm that goes away mid-call and comes back), 200 concurrent calls, and then every byte it wrote to stdout and
 * stderr is searched for the key.
 */

let sandbox: Sandbox;
let session: Session;
let taskId: number;

beforeAll(async () => {
  ensureBuilt();
  sandbox = await startSandbox({ seed: 5, speed: 0, accessKey: CANARY_ACCESS_KEY });
  taskId = (sandbox.farm.tasks()[0] as { id: number }).id;
  session = await openSession(serverEnv(sandbox));
});

afterAll(async () => {
  if (session && session.child.exitCode === null) await session.end();
  await sandbox?.close();
});

describe('the built server over stdio, on a misbehaving farm', () => {
  it('answers reads and writes, and turns 611, 610, timeouts and resets into one sentence each', async () => {
    expect((await session.request('tools/list')).result?.tools?.length).toBeGreaterThan(50);
    expect((await session.tool('get_task_info', { task_ids: [taskId] })).isError).toBe(false);
    expect((await session.tool('get_transfer_config', {})).isError).toBe(false);

    sandbox.faults.add({ kind: 'code', code: 611, times: 1 });
    const invalid = await session.tool('get_task_list', { page_size: 5 });
    expect(invalid).toMatchObject({
      isError: true,
      text: expect.stringMatching(/^get_task_list failed: the farm answered 611 SIGNATURE_INVALID .*RAYVISION_API_ACCESS_KEY/),
    });

    sandbox.faults.add({ kind: 'code', code: 610, times: 1 });
    expect((await session.tool('update_task_priority', { task_id: taskId, priority: 60 })).isError).toBe(false);
    sandbox.faults.add({ kind: 'code', code: 610, times: 2 });
    expect((await session.tool('get_user_profile', {})).text).toMatch(/^get_user_profile failed: the farm answered 610 SIGNATURE_EXPIRED/);

    sandbox.requests.reset();
    sandbox.faults.add({ kind: 'latency', latencyMs: 1500, times: 1 });
    const slow = await session.tool('update_task_priority', { task_id: taskId, priority: 61 });
    expect(slow.text).toBe(
      'update_task_priority failed: the farm did not answer within 1000 ms; the request reached the farm, which may have applied it, so check (e.g. with get_task_info) before sending it again.',
    );
    expect(sandbox.requests.count('update_task_priority')).toBe(1);

    sandbox.faults.add({ kind: 'reset', times: 2 });
    expect((await session.tool('get_frame_stats', {})).isError).toBe(false);
    expect(sandbox.requests.count('get_frame_stats')).toBe(3);

    const refused = await session.tool('get_task_info', { task_ids: ['not an id'] });
    expect(refused.isError).toBe(true);
    expect(sandbox.requests.count('get_task_info')).toBe(0);
  });

  it('serves 200 concurrent calls, each with its own nonce', async () => {
    sandbox.faults.clear();
    sandbox.requests.reset();
    const calls = await Promise.all(Array.from({ length: 200 }, () => session.tool('get_task_info', { task_ids: [taskId] })));
    expect(calls.filter((c) => c.isError)).toEqual([]);
    const nonces = sandbox.requests.recent().map((r) => r.nonce);
    expect(nonces).toHaveLength(200);
    expect(new Set(nonces).size).toBe(200);
  });

  it('reports a farm that goes away mid-call in one sentence, and keeps serving when it is back', async () => {
    const { port, accessId } = sandbox;
    sandbox.requests.reset();
    sandbox.faults.add({ kind: 'hang', operation: 'get_task_info' });
    const pending = session.tool('get_task_info', { task_ids: [taskId] });
    await expect.poll(() => sandbox.requests.count('get_task_info')).toBe(1);
    await sandbox.close();
    const lost = await pending;
    expect(lost.isError).toBe(true);
    expect(lost.text).toBe(
      `get_task_info failed: nothing accepts connections at http://127.0.0.1:${port}, so it was not sent; check RAYVISION_API_DOMAIN and your network.`,
    );

    sandbox = await startSandbox({ seed: 5, speed: 0, port, accessId, accessKey: CANARY_ACCESS_KEY });
    const back = await session.tool('get_task_info', { task_ids: [taskId] });
    expect(back.isError, back.text).toBe(false);
    expect(back.structured?.['tasks']).toEqual([expect.objectContaining({ id: taskId })]);
  });

  it('never wrote the access key: stdout carried only JSON-RPC, stderr logged every farm call', async () => {
    expect(await session.end()).toBe(0);
    witness(session.stdout);
    witness(session.stderr);
    expect(session.stderr).toMatch(/rayvision-mcp debug call get_task_info /);
    expect(session.stderr).toMatch(/code=611/);
    for (const line of session.stdout.trimEnd().split('\n')) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(session.stdout.split(CANARY_ACCESS_KEY)).toHaveLength(1);
    expect(session.stderr.split(CANARY_ACCESS_KEY)).toHaveLength(1);
  });
});
