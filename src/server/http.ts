import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../client/log.js';
import { ConfigError } from '../client/options.js';
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
  /** Builds one MCP server: one per session, or one per request when stateless. */
  newServer: () => McpServer;
  logger: Logger;
}

export interface RunningHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp */
  url: string;
  port: number;
  /** Open sessions (always 0 when stateless). */
  sessionCount(): number;
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  mcp: McpServer;
  lastSeen: number;
  open: number;
}

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
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

/**
 * Serves MCP over Streamable HTTP at /mcp and a liveness check at /healthz. Stateful by default (one MCP server per
 * session, keyed by Mcp-Session-Id); with `stateless`, a fresh server answers each POST and nothing is kept.
 */
export async function startHttpServer(settings: HttpSettings, deps: HttpServerDeps): Promise<RunningHttpServer> {
  const { logger } = deps;
  const sessions = new Map<string, Session>();

  const closeSession = async (id: string, why: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    logger.debug(`session ${id.slice(0, 8)} closed (${why})`);
    await session.transport.close().catch(() => undefined);
    await session.mcp.close().catch(() => undefined);
  };

  const handleStateful = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
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
      return session.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return sendError(res, 400, 'Bad request: send initialize first, then pass the Mcp-Session-Id header the server returned.');
    }
    if (sessions.size >= MAX_SESSIONS) return sendError(res, 503, `Too many open sessions (${MAX_SESSIONS}); try again later.`, { 'Retry-After': '30' });
    const mcp = deps.newServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
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

  const handleStateless = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if (req.method !== 'POST') {
      return sendError(res, 405, 'This server runs stateless (--stateless): only POST is served; there are no sessions or server-initiated streams.', { Allow: 'POST, OPTIONS' });
    }
    const mcp = deps.newServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.once('close', () => {
      void transport.close().catch(() => undefined);
      void mcp.close().catch(() => undefined);
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, body);
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
    await (settings.stateless ? handleStateless(req, res, body) : handleStateful(req, res, body));
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
    close: async () => {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map((id) => closeSession(id, 'server shutting down')));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
