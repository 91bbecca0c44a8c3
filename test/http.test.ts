import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { connect as connectSocket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import { ConfigError } from '../src/client/options.js';
import { ServerSurface } from '../src/server/create.js';
import type { ServerSettings } from '../src/server/config.js';
import { createConfirmations } from '../src/tools/confirm.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/http.js';
import { tokensEqual } from '../src/server/http-guard.js';
import { idleHttpOptions, loadHttpSettings } from '../src/server/http-options.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CLI, ensureBuilt } from './helpers/built.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { callTool, DEFAULT_SETTINGS } from './helpers/harness.js';

const TOKEN = 'test-token-0123456789abcdef';
const logger = createLogger('silent');

let sandbox: Sandbox;
const running: { http: RunningHttpServer; connector: Connector }[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, accessKey: CANARY_ACCESS_KEY });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  for (const { http, connector } of running) {
    await http.close();
    await connector.close();
  }
  await sandbox.close();
});

/** A real HTTP server on an ephemeral loopback port, configured through the same environment variables as the CLI. */
async function serve(env: Record<string, string> = {}, server: Partial<ServerSettings> = {}, log = logger): Promise<RunningHttpServer> {
  const settings = loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '0', ...env });
  const connector = new Connector(sandbox.connectorConfig(), { logger: log, retryBaseMs: 5 });
  const serverSettings = { ...DEFAULT_SETTINGS, ...server };
  const confirmations = createConfirmations(serverSettings.confirmationMode, settings.confirmationSecret);
  const surface = new ServerSurface({ connector, logger: log, settings: serverSettings, confirmations, sandbox: { url: sandbox.url } });
  const http = await startHttpServer(settings, { surface, logger: log });
  running.push({ http, connector });
  return http;
}

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  clients.push(client);
  return client;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** node:http rather than fetch, because fetch will not send a forged Host header. */
function raw(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path ?? target.pathname,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body ?? (options.method && options.method !== 'POST' ? undefined : INITIALIZE));
  });
}

/** Bytes exactly as written, on a socket of its own (node:http would refuse to send most of these); the answer as text. */
function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      // One answer is all these tests read.
      if (
        /\r\n\r\n/.test(answer) &&
        (/content-length: (\d+)/i.exec(answer)
          ? answer.length >= answer.indexOf('\r\n\r\n') + 4 + Number(/content-length: (\d+)/i.exec(answer)![1])
          : /\r\n0\r\n\r\n$/.test(answer))
      )
        socket.end();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no answer to ${text.slice(0, 60)}`)));
    socket.write(text);
  });
}

describe('binding', () => {
  it('refuses to start on a non-loopback address without a token, naming the variable', () => {
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '192.168.1.20' })).toThrow(
      /RAYVISION_HTTP_TOKEN is not set: binding to 192\.168\.1\.20/,
    );
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '192.168.1.20', RAYVISION_HTTP_TOKEN: 'short' })).toThrow(
      /at least 16 characters/,
    );
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '0.0.0.0', RAYVISION_HTTP_TOKEN: TOKEN })).toThrow(
      /RAYVISION_HTTP_ALLOWED_HOSTS/,
    );
    const ok = loadHttpSettings({
      RAYVISION_HTTP: '1',
      RAYVISION_HTTP_HOST: '0.0.0.0',
      RAYVISION_HTTP_TOKEN: TOKEN,
      RAYVISION_HTTP_ALLOWED_HOSTS: 'mcp.example.com',
    });
    expect(ok.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'mcp.example.com']);
  });

  it('the CLI exits with a one-line reason, and never listens, when --host is public and no token is set', () => {
    ensureBuilt();
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_')));
    const result = spawnSync(process.execPath, [CLI, '--http', '--sandbox', '--host', '0.0.0.0', '--port', '0'], {
      env,
      encoding: 'utf8',
      input: '',
      timeout: 15_000,
    });
    witness(result.stdout + result.stderr);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^rayvision-mcp: RAYVISION_HTTP_TOKEN is not set: binding to 0\.0\.0\.0/);
  });

  it('names HTTP options that do nothing because the server runs over stdio', () => {
    expect(idleHttpOptions({ RAYVISION_HTTP_PORT: '8080', RAYVISION_HTTP_STATELESS: '1' })).toEqual([
      'RAYVISION_HTTP_PORT (--port)',
      'RAYVISION_HTTP_STATELESS (--stateless)',
    ]);
    expect(idleHttpOptions({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '8080' })).toEqual([]);
  });

  it('has no command-line twin for the token, so it cannot show in a process list', () => {
    ensureBuilt();
    const result = spawnSync(process.execPath, [CLI, '--http', '--token', TOKEN], { encoding: 'utf8', input: '', timeout: 15_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--token'/);
  });
});

describe('bearer token', () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_TOKEN: TOKEN });
  });

  it('serves a client that sends the right token', async () => {
    const client = await connect(server.url, { Authorization: `Bearer ${TOKEN}` });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('get_task_list');
  });

  it('refuses a request without a token with 401 and a WWW-Authenticate challenge', async () => {
    const response = await raw(server.url);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(response.body).error.message).toMatch(/requires a bearer token/);
    await expect(connect(server.url)).rejects.toThrow();
  });

  it('refuses a wrong token, including one that shares a prefix with the right one', async () => {
    for (const wrong of ['x', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      const response = await raw(server.url, { headers: { Authorization: `Bearer ${wrong}` } });
      expect(response.status, wrong).toBe(401);
      expect(JSON.parse(response.body).error.message).toMatch(/not valid/);
    }
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true);
    expect(tokensEqual('', TOKEN)).toBe(false);
  });

  it('refuses the token in the query string, even the right one', async () => {
    for (const param of ['access_token', 'token', 'Authorization']) {
      const response = await raw(server.url, { path: `/mcp?${param}=${TOKEN}` });
      expect(response.status, param).toBe(400);
      expect(JSON.parse(response.body).error.message).toMatch(/never accepted in the URL/);
    }
    const withHeaderToo = await raw(server.url, { path: `/mcp?access_token=${TOKEN}`, headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(withHeaderToo.status).toBe(400);
  });

  it('answers /healthz without a token, and nothing else outside /mcp', async () => {
    const health = await raw(server.url, { method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', mode: 'sessions' });
    expect((await raw(server.url, { method: 'GET', path: '/' })).status).toBe(404);
  });
});

describe('DNS rebinding protection', () => {
  let server: RunningHttpServer;
  let port: string;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_ALLOWED_HOSTS: 'mcp.internal', RAYVISION_HTTP_ALLOWED_ORIGINS: 'https://app.example.com' });
    port = new URL(server.url).port;
  });

  it('refuses a foreign Host header with 403', async () => {
    for (const host of ['evil.example.com', `evil.example.com:${port}`, 'localhost.evil.com']) {
      const response = await raw(server.url, { headers: { Host: host } });
      expect(response.status, host).toBe(403);
      expect(JSON.parse(response.body).error.message).toMatch(/DNS rebinding/);
    }
  });

  it('refuses a foreign Origin with 403, even with a loopback Host', async () => {
    for (const origin of ['http://evil.example.com', `http://evil.example.com:${port}`, 'null', 'https://app.example.com.evil.com']) {
      const response = await raw(server.url, { headers: { Origin: origin } });
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.body).error.message).toMatch(/Origin .* is not allowed/);
    }
  });

  it('accepts loopback names, configured hosts and configured origins', async () => {
    for (const headers of <Record<string, string>[]>[
      { Host: `localhost:${port}` },
      { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` },
      { Host: `[::1]:${port}`, Origin: `http://localhost:${port}` },
      { Host: 'MCP.internal' },
      { Origin: 'https://app.example.com' },
    ]) {
      const response = await raw(server.url, { headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('answers a browser preflight from an allowed origin with CORS headers', async () => {
    const response = await raw(server.url, { method: 'OPTIONS', headers: { Origin: 'https://app.example.com' } });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-expose-headers']).toMatch(/Mcp-Session-Id/);
    // 2026-07-28 clients send the method and name as headers too; a browser may send only what the preflight allows.
    const allowed = String(response.headers['access-control-allow-headers'])
      .split(/,\s*/)
      .map((h) => h.toLowerCase());
    for (const header of ['mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-session-id', 'authorization']) expect(allowed).toContain(header);
  });
});

describe('Origin: scheme, host and port', () => {
  let server: RunningHttpServer;
  let port: string;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:5173' });
    port = new URL(server.url).port;
  });

  it("accepts loopback origins only on the server's own port, and listed origins exactly", async () => {
    const status = async (origin: string) => (await raw(server.url, { headers: { Origin: origin } })).status;
    for (const origin of [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      `http://[::1]:${port}`,
      'https://app.example.com',
      'https://APP.example.com:443',
      'http://localhost:5173',
    ]) {
      expect(await status(origin), origin).toBe(200);
    }
    // Another app on this machine, the right host on another scheme or port, a listed origin on another port.
    for (const origin of [
      'http://localhost:8080',
      'http://localhost',
      `https://localhost:${port}`,
      'http://app.example.com',
      'https://app.example.com:8443',
      'http://localhost:5174',
    ]) {
      const response = await raw(server.url, { headers: { Origin: origin } });
      expect(response.status, origin).toBe(403);
      expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });
});

describe('preflight with a token set', () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_TOKEN: TOKEN, RAYVISION_HTTP_ALLOWED_ORIGINS: 'https://app.example.com' });
  });

  it('answers a preflight from an allowed origin with 204 and CORS headers, although it carries no token', async () => {
    const preflight = {
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type, mcp-session-id',
    };
    const response = await raw(server.url, { method: 'OPTIONS', headers: preflight });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    // The request the preflight cleared still needs the token.
    expect((await raw(server.url, { headers: { Origin: 'https://app.example.com' } })).status).toBe(401);
    expect((await raw(server.url, { headers: { Origin: 'https://app.example.com', Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('refuses a preflight from another origin with 403 and no CORS headers', async () => {
    const response = await raw(server.url, { method: 'OPTIONS', headers: { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'POST' } });
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the token, checked at start-up for what a header can carry', () => {
  const load = (token: string) => () => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_TOKEN: token });
  it('refuses spaces, non-ASCII and other characters a bearer token cannot hold, without echoing the token', () => {
    for (const [token, what] of [
      ['correct horse battery staple', 'a space'],
      ['pässwörter-0123456789abcdef', 'a non-ASCII character'],
      ['0123456789abcdef=0123', '"=" before the end'],
      ['0123456789abcdef#0123', 'punctuation other than'],
    ] as const) {
      let message = '';
      try {
        load(token)();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message, token).toContain(`RAYVISION_HTTP_TOKEN: the token contains ${what}`);
      expect(message).toMatch(/which an "Authorization: Bearer" header cannot carry; use only letters, digits and - \. _ ~ \+ \//);
      for (const part of token.split(/[ =#]/)) expect(message).not.toContain(part);
    }
  });

  it('takes several tokens, comma-separated, each checked alike', () => {
    const other = 'second-token-abcdefghijklmnop';
    expect(loadHttpSettings({ RAYVISION_HTTP_TOKEN: ` ${TOKEN} , ${other}==` }).tokens).toEqual([TOKEN, `${other}==`]);
    expect(load(`${TOKEN},short`)).toThrow(/token 2 of 2 must be at least 16 characters/);
    expect(load(`${TOKEN},${TOKEN}`)).toThrow(/the same token is listed twice/);
    expect(load('0123456789abcdef0123/+._~-==')).not.toThrow();
  });
});

describe('malformed requests', () => {
  let server: RunningHttpServer;
  let port: number;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await serve(
      {},
      {},
      createLogger('debug', (line) => void lines.push(line)),
    );
    port = server.port;
  });

  const initialize = (head: string) =>
    `${head}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(INITIALIZE)}\r\n\r\n${INITIALIZE}`;

  it('a request target that is neither a path nor an http URL gets 400 and one debug line', async () => {
    // Node's parser passes the first two to the server; it refuses the third itself (answered with an empty 400).
    for (const [target, said] of [
      ['http://[bad', /refused GET with 400: the request target is not a path or an http URL/],
      ['ftp://127.0.0.1/mcp', /refused GET with 400: the request target is not a path or an http URL/],
      ['mcp', /refused a malformed HTTP request with 400 \(HPE_INVALID_URL\)/],
    ] as const) {
      lines.length = 0;
      const answer = await rawSocket(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
      if (target !== 'mcp') expect(answer).toMatch(/the request target must be a path/);
      const refusals = lines.filter((line) => line.includes('refused'));
      expect(refusals, target).toHaveLength(1);
      expect(refusals[0]).toMatch(/ debug refused /);
      expect(refusals[0]).toMatch(said);
    }
    expect(lines.some((line) => / (error|warn) | {4}at /.test(line))).toBe(false);
  });

  it('two Host headers get 400, even when both are allowed', async () => {
    const answer = await rawSocket(port, initialize(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: localhost:${port}`));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/2 Host headers; send exactly one/);
  });

  it('the authority of an absolute-form target is checked like Host', async () => {
    const foreign = await rawSocket(port, initialize(`POST http://evil.example.com/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}`));
    expect(foreign).toMatch(/^HTTP\/1\.1 403 /);
    expect(foreign).toMatch(/Host \\"evil\.example\.com\\" is not allowed/);
    const own = await rawSocket(port, initialize(`POST http://localhost:${port}/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}`));
    expect(own).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a path starting with // stays a path', async () => {
    const answer = await rawSocket(port, `GET //localhost/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
  });
});

describe('sessions (default)', () => {
  it('keeps each client in its own session, refuses unknown ones, and ends a session on DELETE', async () => {
    const server = await serve();
    const a = await connect(server.url);
    const b = await connect(server.url);
    expect(server.sessionCount()).toBe(2);
    expect((await a.listTools()).tools.length).toBeGreaterThan(0);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);

    const unknown = await raw(server.url, {
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      headers: { 'Mcp-Session-Id': 'no-such-session' },
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toMatch(/Session not found/);
    const noSession = await raw(server.url, { body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(noSession.status).toBe(400);

    const transport = a.transport as StreamableHTTPClientTransport;
    await transport.terminateSession();
    expect(server.sessionCount()).toBe(1);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);
  });
});

describe('--stateless', () => {
  it('serves two independent clients without sessions, each request standing alone', async () => {
    const [one, two] = await Promise.all([serve({ RAYVISION_HTTP_STATELESS: '1' }), serve({ RAYVISION_HTTP_STATELESS: '1' })]);
    const initialized = await raw(one.url);
    expect(initialized.status).toBe(200);
    expect(initialized.headers['mcp-session-id']).toBeUndefined();

    const a = await connect(one.url);
    const b = await connect(one.url);
    const [listA, listB] = await Promise.all([callTool(a, 'get_task_list', { page_size: 3 }), callTool(b, 'get_task_list', { page_size: 5, page: 2 })]);
    expect(listA.isError).toBe(false);
    expect(listB.isError).toBe(false);
    await a.close();
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);
    expect(one.sessionCount()).toBe(0);

    // What a load balancer does: the next request of a client initialized on one replica lands on another.
    const elsewhere = await raw(two.url, { body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }) });
    expect(elsewhere.status).toBe(200);
    const data = /^data: (.*)$/m.exec(elsewhere.body)?.[1] ?? elsewhere.body;
    const answer = JSON.parse(data) as { id: number; result: { tools: unknown[] } };
    expect(answer.id).toBe(7);
    expect(answer.result.tools.length).toBeGreaterThan(10);

    const stream = await raw(one.url, { method: 'GET' });
    expect(stream.status).toBe(405);
    expect(JSON.parse(stream.body).error.message).toMatch(/stateless/);
  });

  it('does not offer subscriptions, which a server living for one request could never follow', async () => {
    const [stateless, stateful] = await Promise.all([serve({ RAYVISION_HTTP_STATELESS: '1' }), serve()]);
    const a = await connect(stateless.url);
    expect(a.getServerCapabilities()?.resources?.subscribe).toBeFalsy();
    await expect(a.subscribeResource({ uri: 'rayvision://tasks' })).rejects.toThrow(/Method not found/);
    const b = await connect(stateful.url);
    expect(b.getServerCapabilities()?.resources?.subscribe).toBe(true);
  });

  it("replicas sharing RAYVISION_CONFIRMATION_SECRET honour each other's confirmation tokens; others refuse them", async () => {
    const secret = 'shared-secret-for-replicas-0123';
    const [one, two, stranger] = await Promise.all([
      serve({ RAYVISION_HTTP_STATELESS: '1', RAYVISION_CONFIRMATION_SECRET: secret }, { confirmationMode: 'token' }),
      serve({ RAYVISION_HTTP_STATELESS: '1', RAYVISION_CONFIRMATION_SECRET: secret }, { confirmationMode: 'token' }),
      serve({ RAYVISION_HTTP_STATELESS: '1' }, { confirmationMode: 'token' }),
    ]);
    const [viaOne, viaTwo, viaStranger] = await Promise.all([connect(one.url), connect(two.url), connect(stranger.url)]);
    const list = await callTool(viaOne, 'get_task_list', { page_size: 5 });
    const id = (list.structured!['tasks'] as { id: number }[])[0]!.id;

    const preview = await callTool(viaOne, 'delete_task', { task_ids: [id] });
    expect(preview.structured?.['status']).toBe('confirmation_required');
    const token = preview.structured?.['confirmation_token'];
    const refused = await callTool(viaStranger, 'delete_task', { task_ids: [id], confirmation_token: token });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/did nothing/);
    const done = await callTool(viaTwo, 'delete_task', { task_ids: [id], confirmation_token: token });
    expect(done.isError).toBe(false);
    expect(done.structured?.['status']).toBe('done');
    const again = await callTool(viaTwo, 'delete_task', { task_ids: [id], confirmation_token: token });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already used/);

    expect(() => loadHttpSettings({ RAYVISION_CONFIRMATION_SECRET: 'too-short' })).toThrow(/RAYVISION_CONFIRMATION_SECRET: must be at least 16 characters/);
  });
});
