import { setTimeout as sleep } from 'node:timers/promises';
import { Client, StreamableHTTPClientTransport, type CallToolResult, type ElicitResult, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import { ServerSurface } from '../src/server/create.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/http.js';
import { loadHttpSettings } from '../src/server/http-options.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { createConfirmations } from '../src/tools/confirm.js';
import { CLI, ensureBuilt } from './helpers/built.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { DEFAULT_SETTINGS } from './helpers/harness.js';
import { serverEnv } from './robustness-session.js';

/*
 * Every feature, in both protocol eras, over every way the server is reached: a v2 client pinned to 2026-07-28
 * and a 2025-11-25 client (the v2 client's default handshake), each over stdio (the built binary), HTTP with
 * sessions and HTTP --stateless. The confirmation is asked of a client that only POSTs: it never opens the
 * standalone GET stream, so the question must come on the calling request's own stream.
 */

type Era = 'legacy' | 'modern';
type Way = 'stdio' | 'http' | 'stateless';

const POLL = { RAYVISION_POLL_INTERVAL: '5', RAYVISION_POLL_MAX_INTERVAL: '5' };
type TaskRecord = { id: number; taskStatus: number; isDelete?: number };

let sandbox: Sandbox;
const servers: { http: RunningHttpServer; connector: Connector }[] = [];
const clients: Client[] = [];
let http: Record<Exclude<Way, 'stdio'>, string>;
/** Each case gets its own tasks, so cases running side by side never touch the same one. */
const reserved = new Set<number>();
/** Task ids in every delete request the farm received. */
const deletes: number[] = [];
const deletesOf = (id: number) => deletes.filter((d) => d === id).length;

beforeAll(async () => {
  ensureBuilt();
  // 300 simulated seconds per real second: a rendering task changes between two polls.
  sandbox = await startSandbox({
    seed: 43,
    speed: 300,
    accessKey: CANARY_ACCESS_KEY,
    inspect: ({ path, body }) => {
      if (path.endsWith('/deleteTask')) deletes.push(...((JSON.parse(body) as { taskIds?: number[] }).taskIds ?? []));
    },
  });
  const logger = createLogger('warn', witness);
  const start = async (env: Record<string, string>) => {
    const settings = loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '0', ...env });
    const connector = new Connector(sandbox.connectorConfig(), { logger, retryBaseMs: 5 });
    const surface = new ServerSurface({
      connector,
      logger,
      settings: { ...DEFAULT_SETTINGS, poll: { intervalSec: 5, maxIntervalSec: 5 } },
      confirmations: createConfirmations('auto'),
    });
    const server = await startHttpServer(settings, { surface, logger });
    servers.push({ http: server, connector });
    return server.url;
  };
  http = { http: await start({}), stateless: await start({ RAYVISION_HTTP_STATELESS: '1' }) };
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  for (const { http: server, connector } of servers) {
    await server.close();
    await connector.close();
  }
  await sandbox?.close();
});

function pick(wanted: (t: TaskRecord) => boolean): number {
  const task = (sandbox.farm.tasks() as unknown as TaskRecord[]).find((t) => wanted(t) && t.isDelete !== 0 && !reserved.has(t.id));
  if (!task) throw new Error('no task left of that kind');
  reserved.add(task.id);
  return task.id;
}

/** A task of 2,000 frames submitted on the farm itself: it starts at once and keeps changing for as long as a case runs. */
function busyTask(): number {
  const created = sandbox.farm.call('create_task', { count: 1 }) as { taskIdList: number[] };
  const id = created.taskIdList[0]!;
  const content = JSON.stringify({ scene_info_render: { common: { frames: '1-2000[1]' } } });
  sandbox.farm.call('upload_task_json', { taskId: id, fileName: 'task.json', content });
  sandbox.farm.call('submit_task', { taskId: id });
  reserved.add(id);
  return id;
}

/** A fetch that refuses the standalone GET stream, as a client that only POSTs would never open it. */
const postOnly: typeof fetch = (input, init) => (init?.method === 'GET' ? Promise.resolve(new Response(null, { status: 405 })) : fetch(input, init));

async function connect(way: Way, era: Era, answers: ElicitResult[], only: 'post' | 'any' = 'any'): Promise<Client> {
  const client = new Client(
    { name: `eras-${way}-${era}`, version: '1.0.0' },
    { capabilities: { elicitation: {} }, ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}) },
  );
  client.setRequestHandler('elicitation/create', async () => answers.shift() ?? { action: 'cancel' });
  const transport: Transport =
    way === 'stdio'
      ? new StdioClientTransport({
          command: process.execPath,
          args: [CLI],
          env: serverEnv(sandbox, { ...POLL, RAYVISION_LOG_LEVEL: 'warn' }) as Record<string, string>,
          stderr: 'ignore',
        })
      : new StreamableHTTPClientTransport(new URL(http[way]), only === 'post' ? { fetch: postOnly } : {});
  await client.connect(transport);
  clients.push(client);
  return client;
}

const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const CASES: [Way, Era][] = [
  ['stdio', 'legacy'],
  ['stdio', 'modern'],
  ['http', 'legacy'],
  ['http', 'modern'],
  ['stateless', 'legacy'],
  ['stateless', 'modern'],
];

// Each case waits for a task (5 s) and a poll (5 s) on a machine that may be busy: the limit is generous.
describe.concurrent('both protocol eras over stdio, HTTP sessions and HTTP --stateless', { timeout: 120_000 }, () => {
  it.each(CASES)('%s, %s era', async (way, era) => {
    const answers: ElicitResult[] = [];
    const client = await connect(way, era, answers);
    expect(client.getProtocolEra()).toBe(era);
    // The lists never change inside one process, so no list_changed is promised.
    const capabilities = client.getServerCapabilities();
    expect(capabilities?.tools?.listChanged).toBeFalsy();
    expect(capabilities?.prompts?.listChanged).toBeFalsy();

    // Tools, in the same order every time, and a call.
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(50);
    expect(tools.slice(0, 2).map((t) => t.name)).toEqual(['job_status_summary', 'wait_for_tasks']);
    const list = await client.callTool({ name: 'get_task_list', arguments: { page_size: 5 } });
    expect(list.isError, text(list)).toBeFalsy();
    expect((list.structuredContent as { tasks: unknown[] }).tasks).toHaveLength(5);

    // A task resource, and a task id completed from the farm.
    const rendering = busyTask();
    const resource = await client.readResource({ uri: `rayvision://tasks/${rendering}` });
    expect((resource.contents[0] as { text: string }).text).toContain(`Task ${rendering}`);
    const completed = await client.complete({ ref: { type: 'ref/resource', uri: 'rayvision://tasks/{task_id}' }, argument: { name: 'task_id', value: '' } });
    expect(completed.completion.values.length).toBeGreaterThan(0);

    // wait_for_tasks reports progress while it waits.
    const progress: number[] = [];
    const waited = await client.callTool(
      { name: 'wait_for_tasks', arguments: { task_ids: [rendering], max_wait_seconds: 5 } },
      { onprogress: (p) => void progress.push(p.progress), resetTimeoutOnProgress: true, timeout: 60_000 },
    );
    expect(waited.isError, text(waited)).toBeFalsy();
    expect(progress.length).toBeGreaterThan(0);

    // Follow a rendering task and hear when it changes.
    const followed = busyTask();
    const uri = `rayvision://tasks/${followed}`;
    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    if (way === 'stateless' && era === 'legacy') {
      // A server living for one request can follow nothing, and says so by not offering subscriptions.
      expect(client.getServerCapabilities()?.resources?.subscribe).toBeFalsy();
    } else {
      if (era === 'legacy') await client.subscribeResource({ uri });
      else await client.listen({ resourceSubscriptions: [uri] });
      await until(`an update of ${uri}`, () => updates.includes(uri));
    }

    // delete_task asks the user: a decline sends nothing, an accept deletes exactly once.
    const target = pick((t) => t.taskStatus === 25);
    const asker = way === 'stdio' ? client : await connect(way, era, answers, 'post');
    answers.push({ action: 'decline' });
    const declined = await asker.callTool({ name: 'delete_task', arguments: { task_ids: [target] } });
    if (way === 'stateless' && era === 'legacy') {
      // No session, so no way back to the user: refused, naming the setting that allows tokens instead.
      expect(declined.isError).toBe(true);
      expect(text(declined)).toMatch(/cannot ask the user.*RAYVISION_CONFIRMATION=token/);
      expect(deletesOf(target)).toBe(0);
      return;
    }
    expect(declined.isError, text(declined)).toBeFalsy();
    expect(declined.structuredContent).toMatchObject({ status: 'cancelled' });
    expect(deletesOf(target)).toBe(0);
    answers.push({ action: 'accept', content: { confirm: true } });
    const accepted = await asker.callTool({ name: 'delete_task', arguments: { task_ids: [target] } });
    expect(accepted.structuredContent, text(accepted)).toMatchObject({ status: 'done' });
    expect(deletesOf(target)).toBe(1);
    expect((sandbox.farm.taskInfo(target) as unknown as TaskRecord).isDelete).toBe(0);
  });
});
