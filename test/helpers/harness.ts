import { Client, InMemoryTransport, StreamableHTTPClientTransport, type CallToolResult, type ElicitResult } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ConnectorConfig } from '../../src/client/config.js';
import { Connector } from '../../src/client/connector.js';
import { createLogger, type Logger } from '../../src/client/log.js';
import type { OperationId } from '../../src/client/operations.js';
import { TOOLSETS } from '../../src/tools/toolsets.js';
import type { ServerSettings } from '../../src/server/config.js';
import { ServerSurface, type ServerDeps } from '../../src/server/create.js';
import type { Server } from '@modelcontextprotocol/server';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import type { Confirmations } from '../../src/tools/confirm.js';
import { CANARY_ACCESS_KEY, witness } from './canary.js';

export interface HarnessOptions {
  settings?: Partial<ServerSettings>;
  sandbox?: SandboxOptions;
  /** Reuse a running sandbox instead of starting one. */
  reuse?: Sandbox;
  /** When set, the client declares elicitation support and answers with this function. */
  elicit?: (message: string) => ElicitResult | Promise<ElicitResult>;
  /** Captures everything the server logs (instead of writing to stderr). */
  log?: string[];
  /** Confirmations with a controllable clock, for expiry tests. */
  confirmations?: Confirmations;
  /**
   * The protocol era the client speaks: 2025 over an in-memory pair, or 2026-07-28 through the SDK's HTTP handler
   * in-process. Defaults to RAYVISION_TEST_ERA, else legacy.
   */
  era?: 'legacy' | 'modern';
  /** Connector settings over the sandbox's defaults (e.g. concurrency, timeoutMs). */
  connector?: Partial<ConnectorConfig>;
}

export interface Harness {
  client: Client;
  sandbox: Sandbox;
  connector: Connector;
  close(): Promise<void>;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  toolsets: new Set(TOOLSETS),
  readOnly: false,
  revealSecrets: false,
  confirmationMode: 'auto',
  logLevel: 'warn',
  sandbox: true,
  seed: 1,
  speed: 1,
};

/** A server instance for one 2025-era connection, for tests that wire their own client and transport. */
export function legacyServer(deps: ServerDeps): Server {
  return new ServerSurface(deps).newServer({ era: 'legacy', connection: true }).mcp;
}

/** A sandbox farm on an ephemeral port, an MCP server wired to it, and a real MCP client over InMemoryTransport. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = options.reuse ?? (await startSandbox({ seed: 1, accessKey: CANARY_ACCESS_KEY, ...options.sandbox }));
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const logger: Logger = options.log
    ? createLogger('debug', (line) => {
        witness(line);
        options.log!.push(line);
      })
    : createLogger(settings.logLevel);
  const connector = new Connector(sandbox.connectorConfig(options.connector), { logger, retryBaseMs: 5 });
  const surface = new ServerSurface({
    connector,
    logger,
    settings,
    sandbox: { url: sandbox.url },
    ...(options.confirmations ? { confirmations: options.confirmations } : {}),
  });
  const era = options.era ?? (process.env['RAYVISION_TEST_ERA'] === 'modern' ? 'modern' : 'legacy');
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: options.elicit ? { elicitation: {} } : {}, ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}) },
  );
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler('elicitation/create', async (request) => answer(request.params.message));
  }
  let closeServer: () => Promise<void>;
  if (era === 'modern') {
    const handler = createMcpHandler(() => surface.newServer({ era: 'modern', connection: false }).mcp, { legacy: 'reject' });
    const transport = new StreamableHTTPClientTransport(new URL('http://harness.invalid/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) });
    await client.connect(transport);
    closeServer = () => handler.close();
  } else {
    const { mcp } = surface.newServer({ era: 'legacy', connection: true });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await Promise.all([mcp.connect(serverTransport), client.connect(clientTransport)]);
    closeServer = () => mcp.close();
  }
  if (client.getProtocolEra() !== era) throw new Error(`the harness client negotiated the ${client.getProtocolEra()} era, not ${era}`);
  // Listing the tools makes the SDK client check every later result against the published output schema.
  await client.listTools();
  return {
    client,
    sandbox,
    connector,
    close: async () => {
      await client.close();
      await closeServer();
      await connector.close();
      if (!options.reuse) await sandbox.close();
    },
  };
}

export interface ToolCall {
  text: string;
  structured: Record<string, unknown> | undefined;
  isError: boolean;
  raw: CallToolResult;
}

/** Calls a tool and returns its text, structured content and error flag. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolCall> {
  const raw = (await client.callTool({ name, arguments: args })) as CallToolResult;
  witness(JSON.stringify(raw));
  const text = raw.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  return { text, structured: raw.structuredContent as Record<string, unknown> | undefined, isError: raw.isError === true, raw };
}

/** A successful, compact answer: no error, no null/undefined/NaN in the text, structured content without nulls. */
export function expectOk(result: ToolCall): Record<string, unknown> {
  expect(result.isError, result.text).toBe(false);
  expect(result.text).not.toMatch(/\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]/);
  expect(result.structured).toBeDefined();
  expect(JSON.stringify(result.structured)).not.toMatch(/:null\b/);
  return result.structured!;
}

export interface FarmSession {
  readonly sandbox: Sandbox;
  readonly harness: Harness;
  /** Request bodies the farm received, oldest first. */
  readonly bodies: { path: string; body: Record<string, unknown> }[];
  call(name: string, args?: Record<string, unknown>): Promise<ToolCall>;
  /** Bodies the farm received for one operation (at its path under the harness's scheme), oldest first. */
  sent(operation: OperationId): Record<string, unknown>[];
}

/**
 * Registers beforeAll/afterAll hooks for one test file: a sandbox farm (recording request bodies) and a harness on
 * it. The returned session's fields are usable inside tests.
 */
export function useFarmSession(options: { seed: number; sandbox?: SandboxOptions; harness?: Omit<HarnessOptions, 'reuse'> }): FarmSession {
  let sandbox: Sandbox | undefined;
  let harness: Harness | undefined;
  const bodies: FarmSession['bodies'] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({
      ...options.sandbox,
      seed: options.seed,
      accessKey: CANARY_ACCESS_KEY,
      inspect: ({ path, body }) => void bodies.push({ path, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} }),
    });
    harness = await startHarness({ ...options.harness, reuse: sandbox });
  });
  afterAll(async () => {
    await harness?.close();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return sandbox!;
    },
    get harness() {
      return harness!;
    },
    bodies,
    call: (name, args = {}) => callTool(harness!.client, name, args),
    sent: (operation) => bodies.filter((b) => b.path === harness!.connector.pathOf(operation)).map((b) => b.body),
  };
}
