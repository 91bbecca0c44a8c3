import { type Agent, request } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll } from 'vitest';
import { Connector } from '../../src/client/connector.js';
import { createLogger } from '../../src/client/log.js';
import { ServerSurface } from '../../src/server/create.js';
import type { ServerSettings } from '../../src/server/config.js';
import { createConfirmations } from '../../src/tools/confirm.js';
import { startHttpServer, type RunningHttpServer } from '../../src/server/http.js';
import { loadHttpSettings } from '../../src/server/http-options.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { CANARY_ACCESS_KEY } from './canary.js';
import { DEFAULT_SETTINGS } from './harness.js';

/**
 * What the HTTP transport tests (test/http-startup, http-guard, http-malformed and http-sessions) share: real HTTP
 * servers on a sandbox farm, MCP clients connected to them, and raw requests for what such a client never sends.
 */

export const TOKEN = 'test-token-0123456789abcdef';
const logger = createLogger('silent');

/**
 * Registers beforeAll/afterAll hooks for one test file: a sandbox farm, closed at the end with every server and
 * client the returned functions made.
 */
export function useHttpServers() {
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

  return { serve, connect };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** node:http rather than fetch, because fetch will not send a forged Host header. */
export interface RawOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: Agent;
  localAddress?: string;
}

export function raw(url: string, options: RawOptions = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path ?? target.pathname,
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
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
