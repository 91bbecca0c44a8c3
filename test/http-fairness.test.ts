import { Client, StreamableHTTPClientTransport, type FetchLike } from '@modelcontextprotocol/client';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorConfig } from '../src/client/config.js';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import { ServerSurface } from '../src/server/create.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/http.js';
import { DEFAULT_LIMITS, loadHttpSettings } from '../src/server/http-options.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { DEFAULT_SETTINGS } from './helpers/harness.js';

/*
 * One client floods the server with 200 get_task_info calls at once (32 are let in, RAYVISION_HTTP_CLIENT_REQUESTS;
 * the rest get 429) while another makes one get_user_profile call, over HTTP, in each way of serving: 2025 sessions
 * (a lane per session), 2026-07-28 requests and 2025 requests to a --stateless server (a lane per client: its
 * bearer token, or its address). The farm is slow (400 ms a call) and has two connections, both of which one lane
 * may use: the quiet call waits for a connection to come free and takes the next turn. The tests count the calls
 * the farm received after the quiet call was made and before it, never time.
 */

const FARM_LATENCY_MS = 400;
const FLOOD = 200;
const TOKENS = ['flooding-client-token-0123456789', 'quiet-client-token-0123456789ab'];

let sandbox: Sandbox;
let taskId: number;
const running: { http: RunningHttpServer; connector: Connector }[] = [];
const clients: Client[] = [];
const logger = createLogger('silent');
/** A second loopback address: to the server, a client connecting from it is another peer. */
const otherPeer = new Agent({ localAddress: '127.0.0.2' });

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, speed: 0, accessKey: CANARY_ACCESS_KEY });
  taskId = (sandbox.farm.tasks()[0] as { id: number }).id;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  for (const { http, connector } of running.splice(0)) {
    await http.close();
    await connector.close();
  }
  sandbox.faults.clear();
});
afterAll(async () => {
  await otherPeer.close();
  await sandbox.close();
});

/** By default two connections toward the farm, and one lane may use both: the worst case for whoever comes second. */
async function serve(env: Record<string, string>, farm: Partial<ConnectorConfig> = { concurrency: 2, laneConcurrency: 2 }): Promise<RunningHttpServer> {
  const settings = loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '0', ...env });
  const connector = new Connector(sandbox.connectorConfig(farm), { logger, retryBaseMs: 5 });
  const surface = new ServerSurface({ connector, logger, settings: { ...DEFAULT_SETTINGS, speed: 0 }, sandbox: { url: sandbox.url } });
  const http = await startHttpServer(settings, { surface, logger });
  running.push({ http, connector });
  return http;
}

interface ClientOptions {
  modern?: boolean;
  token?: string;
  /** Connect from 127.0.0.2. */
  otherPeer?: boolean;
}

async function connect(url: string, options: ClientOptions): Promise<Client> {
  const client = new Client({ name: 'fairness', version: '1.0.0' }, options.modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  const fetchFrom: FetchLike | undefined = options.otherPeer
    ? (input, init) => undiciFetch(input as string, { ...(init as object), dispatcher: otherPeer }) as unknown as Promise<Response>
    : undefined;
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      ...(options.token ? { requestInit: { headers: { Authorization: `Bearer ${options.token}` } } } : {}),
      ...(fetchFrom ? { fetch: fetchFrom } : {}),
    }),
  );
  clients.push(client);
  return client;
}

/**
 * Calls the farm received after the quiet call was made and before it, while the flooding client's calls wait;
 * the flood is spread over the flooding client's connections (sessions) in turn.
 */
async function servedAhead(flooding: Client | Client[], quiet: Client): Promise<{ ahead: number; floodServed: number; refused: number }> {
  const floods = Array.isArray(flooding) ? flooding : [flooding];
  sandbox.faults.add({ kind: 'latency', latencyMs: FARM_LATENCY_MS, operation: 'get_task_info' });
  sandbox.requests.reset();
  let refused = 0;
  const flood = Array.from({ length: FLOOD }, (_, i) =>
    floods[i % floods.length]!.callTool({ name: 'get_task_info', arguments: { task_ids: [taskId] } }).catch((error: unknown) => {
      if (/429|requests in progress/.test(String(error))) refused++;
    }),
  );
  // The flood holds both connections and has calls waiting behind them.
  await expect.poll(() => sandbox.requests.count('get_task_info'), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  const before = sandbox.requests.count();
  const answer = await quiet.callTool({ name: 'get_user_profile', arguments: {} });
  expect(answer.isError).toBeFalsy();
  const order = sandbox.requests.recent().map((r) => r.operation);
  const floodServed = sandbox.requests.count('get_task_info');
  // Closing the flooding client cancels what it still has waiting.
  await Promise.all(floods.map((client) => client.close()));
  await Promise.all(flood);
  return { ahead: order.indexOf('get_user_profile') - before, floodServed, refused };
}

describe("one client flooding does not hold up another's call by more than a few farm round trips", () => {
  // Two connections in flight and one turn: four calls; a busy machine may let a few more through while the quiet
  // call travels over HTTP, but never the 190-odd the flood still has waiting.
  const FEW = 6;

  it('2025 sessions: the flooding session and the quiet one have a lane each', async () => {
    const server = await serve({});
    // Another client's session: sessions of one client share its 32 requests in progress, which the flood holds.
    const [flooding, quiet] = [await connect(server.url, {}), await connect(server.url, { otherPeer: true })];
    const { ahead, floodServed } = await servedAhead(flooding, quiet);
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThanOrEqual(FEW);
    expect(floodServed).toBeLessThan(FLOOD / 2);
  });

  it('2026-07-28 requests: each bearer token is a client with a lane of its own', async () => {
    const server = await serve({ RAYVISION_HTTP_TOKEN: TOKENS.join(',') });
    const flooding = await connect(server.url, { modern: true, token: TOKENS[0]! });
    const quiet = await connect(server.url, { modern: true, token: TOKENS[1]! });
    const { ahead, floodServed } = await servedAhead(flooding, quiet);
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThanOrEqual(FEW);
    expect(floodServed).toBeLessThan(FLOOD / 2);
  });

  it('one client flooding through 20 sessions is held to its 32 requests in progress: the quiet call waits behind at most those', async () => {
    // The default farm connections (8, at most 4 per lane): the flood has 20 lanes, the quiet client one.
    const server = await serve({}, {});
    const floods = await Promise.all(Array.from({ length: 20 }, () => connect(server.url, {})));
    const quiet = await connect(server.url, { otherPeer: true });
    const { ahead, floodServed, refused } = await servedAhead(floods, quiet);
    // Beyond 32 in progress the flood was refused (how many depends on how fast the first were answered).
    expect(refused).toBeGreaterThan(FLOOD / 4);
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThanOrEqual(DEFAULT_LIMITS.clientRequests);
    expect(floodServed).toBeLessThan(FLOOD / 2);
  });

  it('2025 requests to a --stateless server without a token: each peer address is a client', async () => {
    const server = await serve({ RAYVISION_HTTP_STATELESS: '1' });
    const flooding = await connect(server.url, {});
    const quiet = await connect(server.url, { otherPeer: true });
    const { ahead, floodServed } = await servedAhead(flooding, quiet);
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThanOrEqual(FEW);
    expect(floodServed).toBeLessThan(FLOOD / 2);
  });
});
