import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { NodeStreamableHTTPServerTransport, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, isLegacyRequest, type AuthInfo } from '@modelcontextprotocol/server';
import type { Logger } from '../client/log.js';
import { ConfigError } from '../client/options.js';
import { ListenFollower, listenRequest } from '../resources/listen.js';
import { TaskWatcher } from '../resources/subscriptions.js';
import type { ServerSurface } from './create.js';
import { ClientRequests } from './http-clients.js';
import { BodyBudget, readJsonBody, type BodyLimits } from './http-body.js';
import { checkOrigin, checkRequest, clientKey, parseTarget, type GuardSettings } from './http-guard.js';
import { MAX_BODY_BYTES, type HttpSettings } from './http-options.js';
import { ClientGone, Refused, RefusalLog, sendError, sendJson } from './http-reply.js';
import { cancelOnClose, SessionTable } from './http-sessions.js';
import { VERSION } from './version.js';

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';

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
  /** Resources polled for the subscriptions of open sessions. */
  sessionSubscriptions(): number;
  /** Resources followed for open 2026 subscriptions/listen streams. */
  listenCount(): number;
  /** Request body bytes held in memory now. */
  bodyBytes(): number;
  close(): Promise<void>;
}

/** A request as the handlers see it: who sent it, and `auth` for the SDK, which hands it on to tool calls. */
type ClientRequest = IncomingMessage & { auth?: AuthInfo };

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID',
  'Access-Control-Expose-Headers': 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate',
  'Access-Control-Max-Age': '600',
};

/** How much of a refused body is still read (and dropped) after the answer, and for how long at most. */
const LINGER_BYTES = 64 * 1024;
const LINGER_MS = 1000;

/**
 * Node closes the socket of a `Connection: close` answer as soon as it is written. Bytes the client is still
 * sending then make the kernel reset the connection, and the client may never read the answer. So, as web servers
 * do, the server closes its side and reads and drops what still comes, for a second at most: a client that sent a
 * small body reads its answer. One still uploading megabytes is cut off after 64 KiB, so that a flood of refused
 * uploads costs the server little (reading them all through kept /healthz waiting for seconds).
 */
function lingerAfterAnswer(req: IncomingMessage): void {
  const { socket } = req;
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  (socket as Socket & { destroySoon(): void }).destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

/**
 * Serves MCP over Streamable HTTP at /mcp and a liveness check at /healthz, in both protocol eras. 2026-07-28
 * requests are served statelessly by the SDK's handler. 2025 requests keep sessions (one server instance per
 * session, keyed by Mcp-Session-Id), which elicitation and subscriptions need; with `stateless`, a fresh instance
 * answers each 2025 POST and nothing is kept.
 */
export async function startHttpServer(settings: HttpSettings, deps: HttpServerDeps): Promise<RunningHttpServer> {
  const { logger, surface } = deps;
  const { limits } = settings;
  const sessions = new SessionTable(surface, logger, limits, settings.tokens.length > 0);
  const bodyLimits: BodyLimits = { budget: new BodyBudget(limits.bodyMemoryBytes, MAX_BODY_BYTES), maxBytes: MAX_BODY_BYTES, timeoutMs: limits.bodyTimeoutMs };
  const refusals = new RefusalLog(logger);
  const inProgress = new ClientRequests(limits.clientRequests);
  // The port is known once listening (0 picks one); the guard needs it to know this server's own origin.
  const guard: GuardSettings = {
    tokens: settings.tokens,
    allowedHosts: settings.allowedHosts,
    allowedOrigins: settings.allowedOrigins,
    ownPort: settings.port,
  };

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
        new TaskWatcher({
          ...surface.subscriptionOptions(),
          updated: async (uri) => modern.notify.resourceUpdated(uri),
          listChanged: () => modern.notify.resourcesChanged(),
        }),
        logger,
      )
    : undefined;

  const handleStatelessLegacy = async (req: ClientRequest, res: ServerResponse, body: unknown) => {
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

  const handleModern = async (req: ClientRequest, res: ServerResponse, body: unknown) => {
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
    if (origin === undefined || checkOrigin(origin, guard)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', ...CORS_HEADERS };
  };

  const handle = async (req: ClientRequest, res: ServerResponse) => {
    const target = parseTarget(req.url);
    if (!target) {
      logger.debug(`refused ${req.method} with 400: the request target is not a path or an http URL`);
      return sendError(res, 400, 'Bad request: the request target must be a path such as /mcp (or an absolute http URL).', { Connection: 'close' });
    }
    if (target.path === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'Use GET /healthz.', { Allow: 'GET, HEAD' });
      return sendJson(res, 200, { status: 'ok', version: VERSION, mode: settings.stateless ? 'stateless' : 'sessions' });
    }
    if (target.path !== MCP_PATH) return sendError(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}.`);

    const refusal = checkRequest(req, target, guard);
    if (refusal) {
      // Counted by kind (the message's first word: Host, Origin, Credentials, This, The, Bad), not by the values in it.
      refusals.note(`guard ${refusal.status} ${refusal.message.split(' ')[0]}`, `refused ${req.method} ${MCP_PATH} with ${refusal.status}: ${refusal.message}`);
      return sendError(res, refusal.status, refusal.message, { ...corsFor(req), ...refusal.headers });
    }
    const cors = corsFor(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();

    const client = clientKey(req.headers.authorization, settings.tokens, req.socket.remoteAddress);
    // The SDK passes this on to every handler (ctx.http.authInfo): a request outside a session is queued toward
    // the farm in its client's lane. The token itself is not passed on.
    req.auth = { token: '', clientId: client, scopes: [] };
    const body = req.method === 'POST' ? await readJsonBody(req, client, bodyLimits) : undefined;
    inProgress.admit(client, body, res);
    if (!(await isLegacy(req, body))) return handleModern(req, res, body);
    await (settings.stateless ? handleStatelessLegacy(req, res, body) : sessions.handle(req, res, body, client));
  };

  const server = createServer((req, res) => {
    const started = Date.now();
    res.once('finish', () => logger.debug(`${req.method} ${req.url?.split('?')[0]?.slice(0, 200)} ${res.statusCode} ${Date.now() - started}ms`));
    handle(req, res).catch((error: unknown) => {
      if (error instanceof Refused) {
        if (error.headers['Connection'] === 'close') lingerAfterAnswer(req);
        const client = clientKey(req.headers.authorization, settings.tokens, req.socket.remoteAddress);
        refusals.note(error.reason, `refused ${req.method} ${MCP_PATH} from ${client} with ${error.status}: ${error.reason}`);
        return sendError(res, error.status, error.message, error.headers, error.code);
      }
      if (error instanceof ClientGone) return logger.debug(`${req.method} ${MCP_PATH}: ${error.reason}`);
      logger.error(`HTTP request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendError(res, 500, 'Internal server error.', {}, -32603);
    });
  });
  // What Node's parser refuses itself (a malformed request line or header, headers too large or too slow) gets
  // Node's usual answer, and one debug line instead of nothing.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    logger.debug(`refused a malformed HTTP request with ${status.slice(0, 3)} (${error.code ?? error.message})`);
    const answering = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (socket.writable && error.code !== 'ECONNRESET' && !answering?.headersSent)
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroySoon();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new ConfigError(
            `RAYVISION_HTTP_PORT (--port): port ${settings.port} on ${settings.host} is already in use; choose another port, or 0 for any free one.`,
          ),
        );
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(
          new ConfigError(
            `RAYVISION_HTTP_HOST (--host): cannot listen on ${settings.host} (${error.code}); use 127.0.0.1, 0.0.0.0 or an address of this machine.`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new ConfigError(`RAYVISION_HTTP_PORT (--port): not permitted to listen on port ${settings.port}; use a port above 1023.`));
      } else reject(error);
    });
    server.listen(settings.port, settings.host, () => resolve());
  });

  const address = server.address() as AddressInfo;
  guard.ownPort = address.port;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    port: address.port,
    sessionCount: () => sessions.size,
    sessionSubscriptions: () => sessions.subscriptions,
    listenCount: () => follower?.size ?? 0,
    bodyBytes: () => bodyLimits.budget.inUse,
    close: async () => {
      follower?.stop();
      await modern.close().catch(() => undefined);
      await sessions.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
