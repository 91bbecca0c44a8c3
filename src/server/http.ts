import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, isInitializeRequest, isLegacyRequest, type JSONRPCMessage, type Server } from '@modelcontextprotocol/server';
import type { Logger } from '../client/log.js';
import { ConfigError } from '../client/options.js';
import { ListenFollower, listenRequest } from '../resources/listen.js';
import { TaskWatcher } from '../resources/subscriptions.js';
import type { ServerSurface } from './create.js';
import { checkOrigin, checkRequest, type Refusal } from './http-guard.js';
import type { HttpSettings } from './http-options.js';
import { VERSION } from './version.js';

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';
/** A session nobody has used for this long (and with no open stream) is closed; its client re-initializes. */
export const SESSION_IDLE_MS = 30 * 60_000;
/** Sessions held at once at most; a new one beyond this is refused with 503 until others close or expire. */
export const MAX_SESSIONS = 1000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpServerDeps {
  surface: ServerSurface;
  logger: Logger;
}

export interface RunningHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp */
  url: string;
  port: number;
  /** Open 2025-era sessions (always 0 when stateless). */
  sessionCount(): number;
  /** Resources followed for open 2026 subscriptions/listen streams. */
  listenCount(): number;
  close(): Promise<void>;
}

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  mcp: Server;
  lastSeen: number;
  open: number;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID',
  'Access-Control-Expose-Headers': 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate',
  'Access-Control-Max-Age': '600',
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Errors before the transport sees the request are JSON-RPC error objects, as the SDK's own are. */
function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, -32000, `Request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB.`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, -32700, 'Parse error: the request body is not valid JSON.');
  }
}

/** The JSON-RPC request ids in a POST body (one message or a batch). */
function requestIds(body: unknown): (string | number)[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m: { id?: unknown; method?: unknown } | null) =>
    m && typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number') ? [m.id] : [],
  );
}

/**
 * A client that goes away without notifications/cancelled leaves its calls running (and polling the farm). When
 * the response of a 2025-era POST closes before it was finished, its requests are cancelled the way the protocol
 * cancels them. (2026 requests need nothing: the SDK cancels the exchange when its stream closes.)
 */
function cancelOnClose(res: ServerResponse, transport: NodeStreamableHTTPServerTransport, body: unknown): void {
  const ids = requestIds(body);
  if (ids.length === 0) return;
  res.once('close', () => {
    if (res.writableFinished) return;
    for (const requestId of ids) {
      const cancel: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'the client closed the connection' } };
      transport.onmessage?.(cancel);
    }
  });
}

/**
 * Serves MCP over Streamable HTTP at /mcp and a liveness check at /healthz, in both protocol eras. 2026-07-28
 * requests are served statelessly by the SDK's handler. 2025 requests keep sessions (one server instance per
 * session, keyed by Mcp-Session-Id), which elicitation and subscriptions need; with `stateless`, a fresh instance
 * answers each 2025 POST and nothing is kept.
 */
export async function startHttpServer(settings: HttpSettings, deps: HttpServerDeps): Promise<RunningHttpServer> {
  const { logger, surface } = deps;
  const sessions = new Map<string, Session>();

  const modern = createMcpHandler(({ era }) => surface.newServer({ era, connection: false }).mcp, {
    legacy: 'reject',
    maxRequestBodySize: MAX_BODY_BYTES,
    onerror: (error) => logger.debug(`2026 request: ${error.message}`),
  });
  const serveModern = toNodeHandler(modern, { maxRequestBodySize: MAX_BODY_BYTES });
  // One watcher follows what every open 2026 subscriptions/listen stream asked for; the handler routes each
  // update to the streams that asked for it.
  const follower = surface.follows
    ? new ListenFollower(
        new TaskWatcher({ ...surface.subscriptionOptions(), updated: async (uri) => modern.notify.resourceUpdated(uri), listChanged: () => modern.notify.resourcesChanged() }),
        logger,
      )
    : undefined;

  const closeSession = async (id: string, why: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    logger.debug(`session ${id.slice(0, 8)} closed (${why})`);
    await session.transport.close().catch(() => undefined);
    await session.mcp.close().catch(() => undefined);
  };

  const handleSession = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendError(res, 404, 'Session not found (it expired or the server restarted); start a new session with initialize.', {}, -32001);
      session.lastSeen = Date.now();
      session.open += 1;
      res.once('close', () => {
        session.open -= 1;
        session.lastSeen = Date.now();
      });
      cancelOnClose(res, session.transport, body);
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(res, 400, 'Bad request: send initialize first, then pass the Mcp-Session-Id header the server returned.');
    }
    if (sessions.size >= MAX_SESSIONS) return sendError(res, 503, `Too many open sessions (${MAX_SESSIONS}); try again later.`, { 'Retry-After': '30' });
    const { mcp } = surface.newServer({ era: 'legacy', connection: true });
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, mcp, lastSeen: Date.now(), open: 0 });
        logger.debug(`session ${id.slice(0, 8)} opened (${sessions.size} open)`);
      },
      onsessionclosed: (id) => void closeSession(id, 'client ended it'),
    });
    transport.onclose = () => {
      if (transport.sessionId) void closeSession(transport.sessionId, 'transport closed');
    };
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const handleStatelessLegacy = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if (req.method !== 'POST') {
      return sendError(res, 405, 'This server runs stateless (--stateless): only POST is served; there are no sessions or server-initiated streams.', {
        Allow: 'POST, OPTIONS',
      });
    }
    const { mcp } = surface.newServer({ era: 'legacy', connection: false });
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    cancelOnClose(res, transport, body);
    res.once('close', () => {
      void transport.close().catch(() => undefined);
      void mcp.close().catch(() => undefined);
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const handleModern = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const listen = follower ? listenRequest(body) : undefined;
    if (listen && follower) res.once('close', follower.follow(listen.uris));
    await serveModern(req, res, body);
  };

  /** The SDK's own classification: a POST whose body claims 2026-07-28 in its envelope is modern; the rest is 2025. */
  const isLegacy = async (req: IncomingMessage, body: unknown) => {
    if (req.method !== 'POST') return true;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    return isLegacyRequest(new Request(`http://localhost${MCP_PATH}`, { method: 'POST', headers }), body);
  };

  const corsFor = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (origin === undefined || checkOrigin(origin, settings)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', ...CORS_HEADERS };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Use GET /healthz.', { Allow: 'GET, HEAD' });
      return sendJson(res, 200, { status: 'ok', version: VERSION, mode: settings.stateless ? 'stateless' : 'sessions' });
    }
    if (url.pathname !== MCP_PATH) return sendError(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}.`);

    const refusal: Refusal | undefined = checkRequest(req.headers, url, settings);
    if (refusal) {
      logger.warn(`refused ${req.method} ${MCP_PATH} with ${refusal.status}: ${refusal.message}`);
      return sendError(res, refusal.status, refusal.message, { ...corsFor(req), ...refusal.headers });
    }
    const cors = corsFor(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();

    const body = req.method === 'POST' ? await readJsonBody(req) : undefined;
    if (!(await isLegacy(req, body))) return handleModern(req, res, body);
    await (settings.stateless ? handleStatelessLegacy(req, res, body) : handleSession(req, res, body));
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    res.once('finish', () => logger.debug(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BodyError) return sendError(res, error.status, error.message, {}, error.code);
      logger.error(`HTTP request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendError(res, 500, 'Internal server error.', {}, -32603);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new ConfigError(`RAYVISION_HTTP_PORT (--port): port ${settings.port} on ${settings.host} is already in use; choose another port, or 0 for any free one.`));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new ConfigError(`RAYVISION_HTTP_HOST (--host): cannot listen on ${settings.host} (${error.code}); use 127.0.0.1, 0.0.0.0 or an address of this machine.`));
      } else if (error.code === 'EACCES') {
        reject(new ConfigError(`RAYVISION_HTTP_PORT (--port): not permitted to listen on port ${settings.port}; use a port above 1023.`));
      } else reject(error);
    });
    server.listen(settings.port, settings.host, () => resolve());
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) if (session.open === 0 && now - session.lastSeen > SESSION_IDLE_MS) void closeSession(id, 'idle');
  }, 60_000);
  sweep.unref();

  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    port: address.port,
    sessionCount: () => sessions.size,
    listenCount: () => follower?.size ?? 0,
    close: async () => {
      clearInterval(sweep);
      follower?.stop();
      await modern.close().catch(() => undefined);
      await Promise.all([...sessions.keys()].map((id) => closeSession(id, 'server shutting down')));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
