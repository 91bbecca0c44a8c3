import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { ConnectorConfig } from './config.js';
import { ApiError, RayvisionError, TransportError, oneLine } from './errors.js';
import { silentLogger, type Logger } from './log.js';
import { OPERATIONS, pathFor, wireName, type Operation, type OperationId } from './operations.js';
import { DEFAULT_LANE_QUEUE, DEFAULT_QUEUE_TIMEOUT_MS, Lane, QueueExit, Scheduler, defaultLaneConcurrency } from './scheduler.js';
import { NonceSource, compactBody, signRequest, type WireBody } from './sign.js';

/** The platform's response envelope (seed 002 §1.3). */
export interface Envelope<T = unknown> {
  version?: string;
  result?: boolean;
  message?: string;
  code: number;
  data: T;
  serverTime?: number;
  requestId?: string | null;
}

export interface CallOptions {
  /** Cancels the HTTP call, or takes a queued call out of the queue (an MCP request cancelled by the client passes its signal here). */
  signal?: AbortSignal;
  /** Milliseconds for each sent attempt to be answered, counted from when it is sent. */
  timeoutMs?: number;
  /** Whose call this is (an HTTP session id): lanes take turns for free connections. Calls without one share a default lane. */
  lane?: string;
}

export interface ConnectorOptions {
  logger?: Logger;
  /** Milliseconds since the epoch; replaceable so tests can skew the clock. */
  now?: () => number;
  /** First retry delay in ms; later ones double, each jittered ±50 %. */
  retryBaseMs?: number;
  dispatcher?: Dispatcher;
}

const MAX_ATTEMPTS_READ = 3;
const MAY_HAVE_APPLIED = 'the request reached the farm, which may have applied it, so check (e.g. with get_task_info) before sending it again';
const EXCERPT = 160;

/** undici's: no response headers, or a pause in the body, for longer than the call's timeout. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Network failures where the request certainly never reached the farm. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The only code that speaks HTTP to the farm. Every call is signed, sent once (or, for reads, up to three times),
 * and answered with `data` or a typed error whose message is one sentence a person can act on.
 */
export class Connector {
  private dispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly retryBaseMs: number;
  private clockOffsetMs = 0;
  private readonly nonces = new NonceSource();
  private readonly scheduler: Scheduler;
  private readonly queueTimeoutMs: number;
  /** Caller signals whose listener limit this connector lifted (see `enter`). */
  private readonly liftedSignals = new WeakSet<AbortSignal>();

  constructor(
    readonly config: ConnectorConfig,
    options: ConnectorOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher;
    this.scheduler = new Scheduler({
      concurrency: config.concurrency,
      laneConcurrency: config.laneConcurrency ?? defaultLaneConcurrency(config.concurrency),
      laneQueue: config.laneQueue ?? DEFAULT_LANE_QUEUE,
    });
    this.queueTimeoutMs = config.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
  }

  get baseUrl(): string {
    return `${this.config.protocol}://${this.config.domain}`;
  }

  /** The path an operation is sent to under the configured scheme and overrides. */
  pathOf(id: OperationId): string {
    return pathFor(OPERATIONS[id], this.config.scheme, this.config.paths);
  }

  /** Milliseconds the farm's clock is ahead of ours, as learned from a 610 answer. */
  get clockOffset(): number {
    return this.clockOffsetMs;
  }

  /**
   * Calls one operation. `body` uses the operation's current wire names; they are renamed for the configured
   * scheme, and null/undefined fields are dropped before signing. The call waits in its lane until a connection is
   * free; the timeout of each attempt starts when it is sent.
   */
  async call<T = unknown>(id: OperationId, body: Record<string, unknown> = {}, options: CallOptions = {}): Promise<T> {
    const operation = OPERATIONS[id];
    if (operation.composedOf) throw new Error(`${id} has no endpoint of its own; it is composed from ${operation.composedOf.join(', ')}`);
    const path = this.pathOf(id);
    const wireBody = this.toWire(operation, body);
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    const maxAttempts = operation.retrySafe ? MAX_ATTEMPTS_READ : 1;
    let clockCorrected = false;
    let nonceRenewed = false;
    const entered = performance.now();
    const granted = this.enter(operation, options);
    let slot: Lane | undefined = granted instanceof Lane ? granted : await granted;
    let waitedMs = granted instanceof Lane ? 0 : performance.now() - entered;
    try {
      for (let attempt = 1; ; attempt++) {
        const started = performance.now();
        try {
          const envelope = await this.send(operation, path, wireBody, options, timeoutMs);
          this.logCall(operation, path, envelope.code, started, attempt, waitedMs);
          if (envelope.code === 200) return envelope.data as T;
          throw new ApiError(id, envelope.code, envelope.message ?? '', envelope.requestId ?? undefined, envelope.httpStatus);
        } catch (error) {
          if (!(error instanceof RayvisionError)) throw error;
          if (error instanceof TransportError) this.logCall(operation, path, error.failure, started, attempt, waitedMs);
          // 610: the farm refused before acting, so one corrected resend is safe for every operation.
          if (error instanceof ApiError && error.code === 610 && !clockCorrected && error.serverClock !== undefined) {
            this.clockOffsetMs = error.serverClock - this.now();
            clockCorrected = true;
            this.logger.warn(`clock differs from the farm by ${Math.round(this.clockOffsetMs / 1000)} s; resending ${id} with the farm's time`);
            attempt--;
            continue;
          }
          // 603: refused as an illegal request before acting, e.g. a nonce another process drew in the same second.
          // One resend with a fresh nonce is safe for every operation.
          if (error instanceof ApiError && error.code === 603 && !nonceRenewed) {
            nonceRenewed = true;
            attempt--;
            continue;
          }
          if (attempt >= maxAttempts || !isRetryable(error)) throw error;
          // The slot goes to the next lane in turn while this read waits to retry.
          this.scheduler.release(slot!);
          slot = undefined;
          await this.backoff(attempt, options.signal, id);
          const again = performance.now();
          try {
            const regranted = this.enter(operation, options);
            slot = regranted instanceof Lane ? regranted : await regranted;
          } catch (exit) {
            // A read that cannot get back in line in time reports what went wrong when it was sent.
            if (exit instanceof TransportError && exit.failure === 'queue-timeout') throw error;
            throw exit;
          }
          waitedMs = performance.now() - again;
        }
      }
    } finally {
      if (slot) this.scheduler.release(slot);
    }
  }

  async close(): Promise<void> {
    this.scheduler.close();
    if (this.ownsDispatcher) await this.dispatcher?.close();
  }

  /** A slot in the call's lane, now or in turn; a call that leaves the queue unsent fails with a TransportError. */
  private enter(operation: Operation, options: CallOptions): Lane | Promise<Lane> {
    const { signal } = options;
    // undici listens on the signal of each request in flight and the queue on that of each waiting call, so a tool
    // that fans out puts many listeners on its one request signal: by design, and each is removed when its call
    // settles, so Node's warning about many listeners, meant to catch leaks, is lifted for a caller's signal.
    if (signal && !this.liftedSignals.has(signal)) {
      this.liftedSignals.add(signal);
      setMaxListeners(0, signal);
    }
    try {
      const granted = this.scheduler.acquire(options.lane, options.signal, this.queueTimeoutMs);
      return granted instanceof Lane ? granted : granted.catch((exit: unknown) => Promise.reject(this.notSent(operation, exit)));
    } catch (exit) {
      throw this.notSent(operation, exit);
    }
  }

  /** A call the queue gave up before sending it: the farm never saw it, so a write changed nothing. */
  private notSent(operation: Operation, exit: unknown): unknown {
    if (!(exit instanceof QueueExit)) return exit;
    const id = operation.id;
    const unchanged = operation.retrySafe ? '' : '; nothing changed';
    switch (exit.reason) {
      case 'full':
        return new TransportError(
          id,
          'queue-full',
          `${id} failed: too many calls are queued for this client or session (at most ${this.scheduler.limits.laneQueue}, RAYVISION_API_LANE_QUEUE), so nothing was sent; wait for earlier calls to finish.`,
          { sent: false },
        );
      case 'expired': {
        const advice = operation.retrySafe ? 'try again, or raise RAYVISION_API_QUEUE_TIMEOUT_MS' : 'nothing changed, so it is safe to send it again';
        return new TransportError(
          id,
          'queue-timeout',
          `${id} failed: it was not sent, after waiting ${Math.round(exit.waitedMs)} ms in line for a connection to the farm, which is busy or slow; ${advice}.`,
          { sent: false },
        );
      }
      case 'cancelled':
        return new TransportError(id, 'aborted', `${id} was cancelled before it was sent${unchanged}.`, { sent: false, cause: exit });
      case 'closed':
        return new TransportError(id, 'aborted', `${id} failed: it was not sent, the server is shutting down${unchanged}.`, { sent: false });
    }
  }

  private toWire(operation: Operation, body: Record<string, unknown>): WireBody {
    const compact = compactBody(body);
    const out: Record<string, WireBody[string]> = {};
    for (const [key, value] of Object.entries(compact)) {
      const param = operation.params[key];
      const name = param ? wireName(key, param, this.config.scheme) : key;
      if (name !== null) out[name] = value;
    }
    return out;
  }

  private async send(operation: Operation, path: string, body: WireBody, options: CallOptions, timeoutMs: number): Promise<Envelope & { httpStatus: number }> {
    const http = undici ?? (await loadUndici());
    // The scheduler never has more than `concurrency` requests in flight, so undici, with as many connections, never queues.
    this.dispatcher ??= createDispatcher(http, this.config.concurrency);
    // Cancelled between leaving the queue and being sent (or while undici was loading): still nothing sent.
    if (options.signal?.aborted) throw this.notSent(operation, new QueueExit('cancelled', 0));
    const { accessId, accessKey, platform, domain, languageFlag } = this.config;
    const headers: Record<string, string> = signRequest({
      accessId,
      accessKey,
      platform,
      host: domain,
      path,
      body,
      timestamp: (this.now() + this.clockOffsetMs) / 1000,
      nonce: this.nonces.next(),
    });
    headers['Content-Type'] = 'application/json';
    headers['languageFlag'] = languageFlag;
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      // undici keeps both timeouts on the connection's own timer, so a call allocates no timer and no signal of its own.
      response = await http.request(`${this.baseUrl}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        dispatcher: this.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: options.signal ?? null,
      });
      text = await response.body.text();
    } catch (error) {
      throw this.transportFailure(operation.id as OperationId, error, options.signal, timeoutMs);
    }
    const status = response.statusCode;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isEnvelope(parsed)) {
      if (parsed.code === 610) throw this.expired(operation.id, parsed, status, response.headers['date']);
      return { ...parsed, httpStatus: status };
    }
    const excerpt = oneLine(text, EXCERPT);
    // Something between us and the farm may have failed after the farm acted: a write must be checked, not resent.
    const unsure = operation.retrySafe ? '' : `; ${MAY_HAVE_APPLIED}`;
    if (status >= 400) {
      const advice = status >= 500 ? unsure || '; the farm is having trouble, try again shortly' : '; check RAYVISION_API_DOMAIN and RAYVISION_API_SCHEME';
      throw new TransportError(
        operation.id,
        'http-status',
        `${operation.id} failed: the farm answered HTTP ${status}${text ? ` ("${excerpt}")` : ''}${advice}.`,
        { status, excerpt, sent: true },
      );
    }
    const advice = unsure ? `${unsure}, and that RAYVISION_API_DOMAIN points at the API host` : '; check RAYVISION_API_DOMAIN points at the API host';
    throw new TransportError(
      operation.id,
      'invalid-json',
      `${operation.id} failed: the farm answered HTTP ${status} with a body that is not an API response ("${excerpt || 'empty'}")${advice}.`,
      { status, excerpt, sent: true },
    );
  }

  private expired(id: string, envelope: Envelope, status: number, dateHeader: string | string[] | undefined): ApiError {
    const error = new ApiError(id, envelope.code, envelope.message ?? '', envelope.requestId ?? undefined, status);
    const date = typeof dateHeader === 'string' ? Date.parse(dateHeader) : NaN;
    error.serverClock = typeof envelope.serverTime === 'number' ? envelope.serverTime : Number.isNaN(date) ? undefined : date;
    return error;
  }

  private transportFailure(id: OperationId, error: unknown, caller: AbortSignal | undefined, timeoutMs: number): TransportError {
    // A change that reached the farm without an answer may have been applied: say so, or a user resubmits and pays twice.
    const unsure = OPERATIONS[id].retrySafe ? '' : `; ${MAY_HAVE_APPLIED}`;
    if (caller?.aborted) {
      return new TransportError(id, 'aborted', `${id} was cancelled before the farm answered${unsure}.`, { sent: true, cause: error });
    }
    const code = (error as { code?: string }).code ?? '';
    if (TIMEOUT_CODES.has(code)) {
      const advice = unsure || '; try again, or raise RAYVISION_API_TIMEOUT_MS if the farm is slow';
      return new TransportError(id, 'timeout', `${id} failed: the farm did not answer within ${timeoutMs} ms${advice}.`, { sent: true, cause: error });
    }
    const sent = !NOT_SENT_CODES.has(code);
    const reason =
      code === 'ECONNREFUSED'
        ? `nothing accepts connections at ${this.baseUrl}`
        : code === 'ENOTFOUND'
          ? `the host ${this.config.domain} was not found`
          : `the connection failed (${code || (error as Error).message})`;
    const advice = (sent && unsure) || '; check RAYVISION_API_DOMAIN and your network';
    return new TransportError(id, 'network', `${id} failed: ${reason}${sent ? '' : ', so it was not sent'}${advice}.`, { sent, cause: error });
  }

  private async backoff(attempt: number, signal: AbortSignal | undefined, id: string): Promise<void> {
    const delay = this.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
    try {
      await sleep(delay, undefined, signal ? { signal } : undefined);
    } catch {
      throw new TransportError(id, 'aborted', `${id} was cancelled while waiting to retry.`, { sent: false });
    }
  }

  private logCall(operation: Operation, path: string, outcome: number | string, started: number, attempt: number, waitedMs: number): void {
    if (!this.logger.enabled('debug')) return;
    const ms = (performance.now() - started).toFixed(1);
    const waited = waitedMs >= 1 ? ` queued=${waitedMs.toFixed(0)}ms` : '';
    this.logger.debug(
      `call ${operation.id} ${path} ${typeof outcome === 'number' ? `code=${outcome}` : outcome} ${ms}ms${waited}${attempt > 1 ? ` attempt=${attempt}` : ''}`,
    );
  }
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';
}

/** Reads are retried on network failures, timeouts, HTTP 5xx and code 500; never on a cancellation. */
function isRetryable(error: RayvisionError): boolean {
  if (error instanceof ApiError) return error.code === 500;
  if (error instanceof TransportError) {
    if (error.failure === 'network' || error.failure === 'timeout') return true;
    return (error.failure === 'http-status' || error.failure === 'invalid-json') && (error.status ?? 0) >= 500;
  }
  return false;
}

/**
 * undici is imported on the first farm call rather than at start: initialize and tools/list do not need it, and
 * loading it is about a fifth of the server's cold start (bench/: spawn → first tools/list).
 */
let undici: typeof import('undici') | undefined;
async function loadUndici(): Promise<typeof import('undici')> {
  undici ??= await import('undici');
  return undici;
}

function createDispatcher({ Agent, EnvHttpProxyAgent }: typeof import('undici'), connections: number): Dispatcher {
  const options = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections };
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => process.env[name]);
  // The official SDK honours HTTP(S)_PROXY through requests; undici's EnvHttpProxyAgent does the same (and NO_PROXY).
  return proxied ? new EnvHttpProxyAgent(options) : new Agent(options);
}
