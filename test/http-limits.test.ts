import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request } from 'node:http';
import { connect as connectSocket, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import { ServerSurface } from '../src/server/create.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/http.js';
import { DEFAULT_LIMITS, loadHttpSettings } from '../src/server/http-options.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CLI, ensureBuilt } from './helpers/built.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { DEFAULT_SETTINGS } from './helpers/harness.js';
import { INITIALIZE, raw, type RawOptions, type RawResponse } from './helpers/http-server.js';

/*
 * What one client can no longer do to a shared server: hold its memory with unfinished bodies, fill its sessions,
 * or leave subscriptions polling the farm after it has gone. Loopback only; the tests count and measure memory,
 * never speed, and wait with generous timeouts.
 */

const MIB = 1024 * 1024;
let sandbox: Sandbox;
const running: { http: RunningHttpServer; connector: Connector }[] = [];
const logger = createLogger('silent');

/** Bodies of the get_task_info requests the farm received, in order. */
const taskInfoBodies: string[] = [];

beforeAll(async () => {
  let taskInfoPath = '';
  sandbox = await startSandbox({
    seed: 1,
    speed: 0,
    accessKey: CANARY_ACCESS_KEY,
    inspect: ({ path, body }) => void (path === taskInfoPath && taskInfoBodies.push(body)),
  });
  taskInfoPath = new Connector(sandbox.connectorConfig()).pathOf('get_task_info');
});
afterAll(async () => {
  for (const { http, connector } of running) {
    await http.close();
    await connector.close();
  }
  await sandbox.close();
});

async function serve(env: Record<string, string> = {}): Promise<RunningHttpServer> {
  const settings = loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '0', ...env });
  const connector = new Connector(sandbox.connectorConfig(), { logger, retryBaseMs: 5 });
  const surface = new ServerSurface({
    connector,
    logger,
    settings: { ...DEFAULT_SETTINGS, speed: 0, poll: { intervalSec: 5, maxIntervalSec: 5 } },
    sandbox: { url: sandbox.url },
  });
  const http = await startHttpServer(settings, { surface, logger });
  running.push({ http, connector });
  return http;
}

/** A raw POST of `body`: what a client never sends (forged sizes, other source addresses, a shared agent). */
const post = (url: string, body: string, options: Omit<RawOptions, 'body'> = {}): Promise<RawResponse> => raw(url, { ...options, body });

describe('request bodies: bounded memory over every connection', () => {
  const CONNECTIONS = 300;
  const BODY = Math.round(3.9 * MIB);
  let child: ChildProcessByStdio<null, null, Readable>;
  let stderr = '';
  let port = 0;

  beforeAll(async () => {
    ensureBuilt();
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
      RAYVISION_SANDBOX_SPEED: '0',
      RAYVISION_HTTP_BODY_TIMEOUT_MS: '8000',
    };
    child = spawn(process.execPath, [CLI, '--http', '--sandbox', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const started = /serving MCP over HTTP at http:\/\/127\.0\.0\.1:(\d+)\/mcp/.exec(stderr);
        if (started) resolve(Number(started[1]));
      });
    });
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    witness(stderr);
  });

  /** Kilobytes from /proc/<pid>/status: VmRSS now, VmHWM the peak so far. */
  const memory = (field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024;

  /**
   * Sends all of a body but its last byte (or, chunked, all chunks but the last), then holds the connection open,
   * from the loopback address given (each is a client to the server).
   */
  async function holdBody(chunked: boolean, localAddress: string): Promise<{ socket: Socket; answer: () => string; closed: Promise<void> }> {
    const socket = connectSocket({ host: '127.0.0.1', port, localAddress });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    // Not events.once: it rejects on 'error', and a refused connection's writes fail (EPIPE) before it closes.
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise((resolve) => socket.once('connect', resolve));
    const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${BODY}`;
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${length}\r\n\r\n`,
    );
    const piece = Buffer.alloc(64 * 1024, 'x');
    let gone = false;
    void closed.then(() => (gone = true));
    for (let sent = 0; !gone && sent < BODY - 1; ) {
      const size = Math.min(piece.length, BODY - 1 - sent);
      const bytes = chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from('\r\n')]) : piece.subarray(0, size);
      sent += size;
      if (!socket.write(bytes)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    }
    return { socket, answer: () => answer, closed };
  }

  it(`${CONNECTIONS} connections holding unfinished 3.9 MiB bodies keep the server under 300 MB, and /healthz answers`, async () => {
    const before = memory('VmRSS');
    // First one client alone (it may hold a quarter of the total), then six others together (they fill the rest).
    const alone = await Promise.all(Array.from({ length: 20 }, (_, i) => holdBody(i % 2 === 1, '127.0.0.1')));
    const others = await Promise.all(Array.from({ length: CONNECTIONS - 20 }, (_, i) => holdBody(i % 2 === 1, `127.0.0.${2 + (i % 6)}`)));
    const held = [...alone, ...others];
    const during = memory('VmRSS');
    const peak = memory('VmHWM');
    const started = performance.now();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(20_000) });
    const healthMs = performance.now() - started;
    expect(health.status).toBe(200);
    expect(peak).toBeLessThan(300 * MIB);
    // Meanwhile an ordinary request, its small body sent whole, reads why it is refused. Sent without a length
    // (chunked), it needs room for the largest body: from a new client, the total has not that much left; the
    // first client's share has not either.
    const chunked = { 'Transfer-Encoding': 'chunked' };
    const full = await post(`http://127.0.0.1:${port}/mcp`, INITIALIZE, { localAddress: '127.0.0.9', headers: chunked });
    expect(full.status).toBe(503);
    expect(full.headers['retry-after']).toBe('1');
    expect(JSON.parse(full.body).error.message).toBe('The server is holding as many request bodies as it may at once; try again in a moment.');
    const mine = await post(`http://127.0.0.1:${port}/mcp`, INITIALIZE, { localAddress: '127.0.0.1', headers: chunked });
    expect(mine.status).toBe(429);
    expect(JSON.parse(mine.body).error.message).toBe(
      'This client is sending as many request bodies at once as one client may; send the next when one is done.',
    );

    // Those the budget took are given up after the body timeout; the rest were refused at once.
    await Promise.all(held.map((h) => Promise.race([h.closed, new Promise((resolve) => setTimeout(resolve, 25_000))])));
    const count = (group: typeof held) => {
      const statuses = group.map((h) => /^HTTP\/1\.1 (\d{3})/.exec(h.answer())?.[1] ?? 'none');
      return Object.fromEntries([...new Set(statuses)].sort().map((status) => [status, statuses.filter((s) => s === status).length]));
    };
    const tally = count(held);
    for (const h of held) h.socket.destroy();
    process.stdout.write(
      `bodies: RSS ${Math.round(before / MIB)} MB before, ${Math.round(during / MIB)} MB holding, peak ${Math.round(peak / MIB)} MB; /healthz ${healthMs.toFixed(0)} ms; answers ${JSON.stringify(tally)}\n`,
    );
    // Held (and given up with 408): a quarter of 64 MiB for the first client (4 bodies of 3.9 MiB), 16 in all. The
    // others were refused with 429 or 503 before their body was read; those still uploading megabytes were cut off
    // after 64 KiB of it, and may have seen the connection reset before the answer.
    const share = Math.floor(DEFAULT_LIMITS.bodyMemoryBytes / 4 / BODY);
    expect(count(alone)['408']).toBe(share);
    expect(Object.keys(count(alone)).every((status) => ['408', '429', 'none'].includes(status))).toBe(true);
    expect(Object.keys(tally).every((status) => ['408', '429', '503', 'none'].includes(status))).toBe(true);
    expect(tally['408']).toBe(Math.floor(DEFAULT_LIMITS.bodyMemoryBytes / BODY));

    // One line per kind of refusal (repeats are counted, not logged), and no stack.
    const refusals = stderr.split('\n').filter((line) => line.includes('refused'));
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals.length).toBeLessThanOrEqual(6);
    expect(refusals.find((line) => line.includes(' 503: '))).toMatch(/ warn refused POST \/mcp from peer 127\.0\.0\.\d with 503: body memory full$/);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toMatch(/ error /);
  });

  it('a body declared over 4 MiB is refused with 413 before it is read; one that is not JSON with 400', async () => {
    const socket = connectSocket({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${4 * MIB + 1}\r\n\r\n`);
    await once(socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('Request body is larger than 4 MiB.');
    const notJson = await post(`http://127.0.0.1:${port}/mcp`, '{"jsonrpc":');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe(-32700);
  });
});

describe('sessions: per client, and short-lived when unused or unread', () => {
  it('one client opening 1,100 sessions gets 429 after its share, and a second client still starts one', async () => {
    const server = await serve();
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 20 });
    const statuses: number[] = [];
    let firstRefusal: RawResponse | undefined;
    for (let batch = 0; batch < 1100; batch += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => post(server.url, INITIALIZE, { agent })));
      for (const answer of answers) {
        statuses.push(answer.status);
        if (answer.status !== 200) firstRefusal ??= answer;
      }
    }
    agent.destroy();
    expect(statuses.filter((s) => s === 200)).toHaveLength(DEFAULT_LIMITS.clientSessions);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1100 - DEFAULT_LIMITS.clientSessions);
    expect(server.sessionCount()).toBe(DEFAULT_LIMITS.clientSessions);
    expect(firstRefusal!.headers['retry-after']).toBe('60');
    expect(JSON.parse(firstRefusal!.body).error.message).toBe(
      'This client already holds 100 sessions, the most one client may; end sessions it no longer uses (DELETE) or wait until they expire.',
    );

    // Another peer address is another client.
    const other = await post(server.url, INITIALIZE, { localAddress: '127.0.0.2' });
    expect(other.status).toBe(200);
    expect(other.headers['mcp-session-id']).toBeDefined();
    expect(server.sessionCount()).toBe(DEFAULT_LIMITS.clientSessions + 1);
  });

  it('with tokens, each token is a client; the global cap still holds, with 503', async () => {
    const tokens = ['first-client-token-0123456789', 'second-client-token-012345678', 'third-client-token-0123456789'];
    const server = await serve({ RAYVISION_HTTP_TOKEN: tokens.join(','), RAYVISION_HTTP_MAX_SESSIONS: '3', RAYVISION_HTTP_CLIENT_SESSIONS: '2' });
    const open = (token: string) => post(server.url, INITIALIZE, { headers: { Authorization: `Bearer ${token}` } });
    expect((await open(tokens[0]!)).status).toBe(200);
    expect((await open(tokens[0]!)).status).toBe(200);
    expect((await open(tokens[0]!)).status).toBe(429);
    const second = await open(tokens[1]!);
    expect(second.status).toBe(200);
    const full = await open(tokens[2]!);
    expect(full.status).toBe(503);
    expect(JSON.parse(full.body).error.message).toBe('Too many open sessions (3); try again later.');

    // A session belongs to the token that opened it.
    const sessionId = String(second.headers['mcp-session-id']);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await post(server.url, list, { headers: { Authorization: `Bearer ${tokens[0]}`, 'Mcp-Session-Id': sessionId } })).status).toBe(404);
    expect((await post(server.url, list, { headers: { Authorization: `Bearer ${tokens[1]}`, 'Mcp-Session-Id': sessionId } })).status).toBe(200);
  });

  it('a session that made no request after initialize is closed after RAYVISION_HTTP_SESSION_UNUSED_MS; a used one stays', async () => {
    const server = await serve({ RAYVISION_HTTP_SESSION_UNUSED_MS: '1000' });
    for (let i = 0; i < 5; i++) expect((await post(server.url, INITIALIZE)).status).toBe(200);
    const used = await post(server.url, INITIALIZE);
    const sessionId = String(used.headers['mcp-session-id']);
    const headers = { 'Mcp-Session-Id': sessionId };
    expect((await post(server.url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), { headers })).status).toBe(202);
    expect((await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), { headers })).status).toBe(200);
    expect(server.sessionCount()).toBe(6);
    await expect.poll(() => server.sessionCount(), { timeout: 20_000 }).toBe(1);
    expect((await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }), { headers })).status).toBe(200);
  });

  it("an abandoned session's subscriptions stop polling the farm within RAYVISION_HTTP_SESSION_UNREAD_MS; one with an open stream goes on", async () => {
    const server = await serve({ RAYVISION_HTTP_SESSION_UNREAD_MS: '1000' });
    const taskIds = (sandbox.farm.tasks() as { id: number }[]).slice(0, 2).map((task) => task.id);
    const subscribe = async (taskId: number) => {
      const session = String((await post(server.url, INITIALIZE)).headers['mcp-session-id']);
      const headers = { 'Mcp-Session-Id': session };
      await post(server.url, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), { headers });
      const answer = await post(
        server.url,
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'resources/subscribe', params: { uri: `rayvision://tasks/${taskId}` } }),
        { headers },
      );
      expect(answer.status).toBe(200);
      return session;
    };
    // A client that reads: its GET stream stays open.
    const reader = await subscribe(taskIds[0]!);
    const stream = request({
      host: '127.0.0.1',
      port: server.port,
      path: '/mcp',
      method: 'GET',
      headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': reader },
    });
    stream.end();
    const [streamResponse] = (await once(stream, 'response')) as [import('node:http').IncomingMessage];
    expect(streamResponse.statusCode).toBe(200);
    // A client that subscribed and went away.
    await subscribe(taskIds[1]!);
    expect(server.sessionSubscriptions()).toBe(2);

    await expect.poll(() => server.sessionCount(), { timeout: 20_000 }).toBe(1);
    expect(server.sessionSubscriptions()).toBe(1);
    // From now on the farm hears only about the reader's task. Polls come every 5 s: wait for two of them.
    const mark = taskInfoBodies.length;
    const asked = () => taskInfoBodies.slice(mark).map((body) => (JSON.parse(body) as { taskIds: number[] }).taskIds);
    await expect.poll(() => asked().length, { timeout: 25_000, interval: 250 }).toBeGreaterThanOrEqual(2);
    expect(asked().flat()).not.toContain(taskIds[1]);
    expect(asked().flat()).toContain(taskIds[0]);
    expect(server.sessionCount()).toBe(1);
    streamResponse.destroy();
  });
});
