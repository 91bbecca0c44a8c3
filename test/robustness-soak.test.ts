import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type RequestRecord, type Sandbox, type SandboxOptions } from '../src/sandbox/server.js';
import { ensureBuilt } from './helpers/built.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { openSession, serverEnv, type Session } from './robustness-session.js';

/*
 * The long robustness run, under `npm run soak` (RAYVISION_SOAK=1; skipped otherwise): the built server over stdio
 * answers 5,000 calls, 50 at a time, while the farm injects seeded random faults (HTTP 502, resets, code 500,
 * bodies that are not JSON, 610, answers slower than the timeout) and is stopped in the middle of a batch and
 * started again every 1,000 calls. Every call is answered; every failure is one sentence; no write reaches the farm
 * twice (each write carries a unique task and priority, matched to what the farm received by nonce); reads are
 * tried at most three times; no nonce repeats; the access key appears nowhere.
 */

const SOAK = process.env.RAYVISION_SOAK === '1';
const CALLS = 5_000;
const BATCH = 50;
const RESTART_EVERY = 1_000;

describe.runIf(SOAK)('soak: a long session on a misbehaving farm', () => {
  let farm: Sandbox | undefined;
  let session: Session | undefined;
  afterAll(async () => {
    if (session && session.child.exitCode === null) await session.end();
    await farm?.close();
  });

  it(`answers ${CALLS.toLocaleString('en')} calls through random faults and farm restarts without doubling a write or leaking the key`, {
    timeout: 600_000,
  }, async () => {
    ensureBuilt();
    const bodies = new Map<string, string>();
    const records: RequestRecord[] = [];
    let port = 0;
    let accessId: string | undefined;
    const start = async (seed: number) => {
      const options: SandboxOptions = {
        seed: 6,
        speed: 0,
        port,
        accessKey: CANARY_ACCESS_KEY,
        ...(accessId ? { accessId } : {}),
        faultSeed: seed,
        faults: [
          { kind: 'http', status: 502, rate: 0.03 },
          { kind: 'reset', rate: 0.03 },
          { kind: 'code', code: 500, rate: 0.03 },
          { kind: 'non-json', rate: 0.01 },
          { kind: 'code', code: 610, rate: 0.02 },
          { kind: 'latency', latencyMs: 1_500, rate: 0.004 },
        ],
        inspect: ({ headers, body }) => void bodies.set(String(headers['nonce']), body),
      };
      const started = await startSandbox(options);
      port = started.port;
      accessId = started.accessId;
      return started;
    };
    const retire = async (old: Sandbox) => {
      await old.close();
      records.push(...old.requests.recent());
    };

    farm = await start(1);
    const taskIds = farm.farm.tasks().map((task) => (task as { id: number }).id);
    session = await openSession(serverEnv(farm));
    const s = session;
    let writes = 0;
    let reads = 0;
    const failures: string[] = [];
    const succeededWrites = new Set<string>();

    for (let done = 0; done < CALLS; done += BATCH) {
      const batch = Array.from({ length: BATCH }, async (_, i) => {
        const k = done + i;
        if (k % 5 === 0) {
          // A unique task and priority per write, so the farm's records can be matched to the call.
          const w = writes++;
          const args = { task_id: taskIds[w % taskIds.length]!, priority: Math.floor(w / taskIds.length) % 101 };
          const answer = await s.tool('update_task_priority', args);
          if (answer.isError) failures.push(answer.text);
          else succeededWrites.add(JSON.stringify({ taskId: args.task_id, taskUserLevel: args.priority }));
          return;
        }
        reads++;
        const answer =
          k % 2
            ? await s.tool('get_task_info', { task_ids: [taskIds[k % taskIds.length]!] })
            : await s.tool('get_task_list', { page_size: 10, page: 1 + (k % 5) });
        if (answer.isError) failures.push(answer.text);
      });
      if (done > 0 && done % RESTART_EVERY === 0) {
        // The farm goes away while this batch is in flight, and comes back on the same address.
        await new Promise((resolve) => setTimeout(resolve, 5));
        await retire(farm);
        farm = await start(done);
      }
      await Promise.all(batch);
    }
    const last = await s.tool('get_task_info', { task_ids: [taskIds[0]!] });
    expect(last.isError, last.text).toBe(false);
    await retire(farm);
    farm = undefined;

    for (const text of failures) expect(text).toMatch(/^(get_task_info|get_task_list|update_task_priority) failed: [^\n]+\.$/);
    expect(failures.length).toBeLessThan(CALLS * 0.1);

    const writeKey = (r: RequestRecord) => {
      const body = JSON.parse(bodies.get(r.nonce!) ?? '{}') as { taskId?: number; taskUserLevel?: number };
      return JSON.stringify({ taskId: body.taskId, taskUserLevel: body.taskUserLevel });
    };
    // 610 is refused before the farm acts, so its corrected resend is not a second send.
    const writeRecords = records.filter((r) => r.operation === 'update_task_priority' && r.outcome !== 610);
    const perWrite = new Map<string, number>();
    for (const r of writeRecords) perWrite.set(writeKey(r), (perWrite.get(writeKey(r)) ?? 0) + 1);
    expect([...perWrite].filter(([, n]) => n > 1)).toEqual([]);
    for (const key of succeededWrites) expect(perWrite.get(key), key).toBe(1);
    expect(writeRecords.length).toBeLessThanOrEqual(writes);

    const readRecords = records.filter((r) => (r.operation === 'get_task_info' || r.operation === 'get_task_list') && r.outcome !== 610);
    expect(readRecords.length).toBeGreaterThan(reads);
    expect(readRecords.length).toBeLessThanOrEqual(reads * 3);

    const nonces = records.map((r) => r.nonce);
    expect(new Set(nonces).size).toBe(nonces.length);

    expect(await s.end()).toBe(0);
    witness(s.stdout);
    witness(s.stderr);
    for (const line of s.stdout.trimEnd().split('\n')) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(s.stdout.split(CANARY_ACCESS_KEY)).toHaveLength(1);
    expect(s.stderr.split(CANARY_ACCESS_KEY)).toHaveLength(1);
  });
});
