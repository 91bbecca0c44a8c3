import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, type JSONRPCMessage, type Server } from '@modelcontextprotocol/server';
import type { Logger } from '../client/log.js';
import { nodeCrypto } from '../client/node-crypto.js';
import type { TaskWatcher } from '../resources/subscriptions.js';
import type { ServerSurface } from './create.js';
import type { HttpLimits } from './http-options.js';
import { Refused, sendError } from './http-reply.js';

interface Session {
  id: string;
  /** Who opened it (see clientKey); only that client may use it when the server takes tokens. */
  client: string;
  transport: NodeStreamableHTTPServerTransport;
  mcp: Server;
  watcher?: TaskWatcher;
  created: number;
  /** Date.now() of the last request, or of the moment its last open response or stream closed. */
  lastSeen: number;
  /** Responses and streams open now. */
  open: number;
  /** It made a request (or opened a stream) after initialize. */
  used: boolean;
}

/** The JSON-RPC request ids in a POST body (one message or a batch). */
export function requestIds(body: unknown): (string | number)[] {
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
export function cancelOnClose(res: ServerResponse, transport: NodeStreamableHTTPServerTransport, body: unknown): void {
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
 * The 2025-era sessions of one HTTP server: one server instance each, keyed by Mcp-Session-Id. Bounded over every
 * client and per client; a sweep closes sessions that never made a request after initialize, sessions holding
 * subscriptions that nobody reads (no open stream, no request), and idle ones. A closed session's subscriptions
 * stop polling; its client gets 404 and starts a new session.
 */
export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  /** Sessions per client, counting those being initialized. */
  private readonly perClient = new Map<string, number>();
  private starting = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly surface: ServerSurface,
    private readonly logger: Logger,
    private readonly limits: HttpLimits,
    /** Sessions belong to the client that opened them (true when clients are told apart by token). */
    private readonly pinned: boolean,
  ) {
    const shortest = Math.min(limits.sessionIdleMs, limits.sessionUnusedMs, limits.sessionUnreadMs);
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.min(60_000, shortest / 4)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Resources the sessions' watchers poll now. */
  get subscriptions(): number {
    let count = 0;
    for (const session of this.sessions.values()) count += session.watcher?.size ?? 0;
    return count;
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown, client: string): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session || (this.pinned && session.client !== client)) {
        return sendError(res, 404, 'Session not found (it expired or the server restarted); start a new session with initialize.', {}, -32001);
      }
      session.lastSeen = Date.now();
      if (req.method === 'GET' || requestIds(body).length > 0) session.used = true;
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
    this.admit(client);
    let admitted = true;
    const release = () => {
      if (!admitted) return;
      admitted = false;
      this.starting -= 1;
      this.count(client, -1);
    };
    try {
      const { mcp, watcher } = this.surface.newServer({ era: 'legacy', connection: true });
      const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => nodeCrypto().randomUUID(),
        onsessioninitialized: (id) => {
          // From here the session, not the admission, holds the client's place.
          admitted = false;
          this.starting -= 1;
          const now = Date.now();
          this.sessions.set(id, { id, client, transport, mcp, ...(watcher ? { watcher } : {}), created: now, lastSeen: now, open: 0, used: false });
          this.logger.debug(`session ${id.slice(0, 8)} opened for ${client} (${this.sessions.size} open)`);
        },
        onsessionclosed: (id) => void this.close(id, 'client ended it'),
      });
      transport.onclose = () => {
        if (transport.sessionId) void this.close(transport.sessionId, 'transport closed');
      };
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      // An initialize the transport refused created no session.
      release();
    }
  }

  /** Makes room for one more session of `client`, or refuses it. */
  private admit(client: string): void {
    const { maxSessions, clientSessions, sessionUnusedMs } = this.limits;
    if (this.sessions.size + this.starting >= maxSessions) {
      throw new Refused(503, `Too many open sessions (${maxSessions}); try again later.`, 'sessions full', {
        'Retry-After': String(Math.ceil(sessionUnusedMs / 1000)),
      });
    }
    if ((this.perClient.get(client) ?? 0) >= clientSessions) {
      throw new Refused(
        429,
        `This client already holds ${clientSessions} sessions, the most one client may; end sessions it no longer uses (DELETE) or wait until they expire.`,
        'client sessions full',
        { 'Retry-After': String(Math.ceil(sessionUnusedMs / 1000)) },
      );
    }
    this.starting += 1;
    this.count(client, 1);
  }

  private count(client: string, delta: number): void {
    const next = (this.perClient.get(client) ?? 0) + delta;
    if (next > 0) this.perClient.set(client, next);
    else this.perClient.delete(client);
  }

  async close(id: string, why: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    this.count(session.client, -1);
    this.logger.debug(`session ${id.slice(0, 8)} closed (${why})`);
    await session.transport.close().catch(() => undefined);
    await session.mcp.close().catch(() => undefined);
  }

  private sweep(): void {
    const now = Date.now();
    const { sessionIdleMs, sessionUnusedMs, sessionUnreadMs } = this.limits;
    for (const session of this.sessions.values()) {
      if (session.open > 0) continue;
      const quiet = now - session.lastSeen;
      const why =
        !session.used && now - session.created > sessionUnusedMs
          ? 'no request after initialize'
          : (session.watcher?.size ?? 0) > 0 && quiet > sessionUnreadMs
            ? `its ${session.watcher!.size} subscriptions have no open stream and no request`
            : quiet > sessionIdleMs
              ? 'idle'
              : undefined;
      if (why) void this.close(session.id, why);
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id, 'server shutting down')));
  }
}
