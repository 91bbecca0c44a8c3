import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { ConnectorConfig } from './config.js';
import { ApiError, RayvisionError, TransportError, oneLine } from './errors.js';
import { silentLogger, type Logger } from './log.js';
import { OPERATIONS, pathFor, wireName, type Operation, type OperationId } from './operations.js';
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
  /** Cancels the HTTP call (an MCP request cancelled by the client passes its signal here). */
  signal?: AbortSignal;
  timeoutMs?: number;
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
const EXCERPT = 160;

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

  constructor(
    readonly config: ConnectorConfig,
    options: ConnectorOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher;
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
   * scheme, and null/undefined fields are dropped before signing.
   */
  async call<T = unknown>(id: OperationId, body: Record<string, unknown> = {}, options: CallOptions = {}): Promise<T> {
    const operation = OPERATIONS[id];
    if (operation.composedOf) throw new Error(`${id} has no endpoint of its own; it is composed from ${operation.composedOf.join(', ')}`);
    const path = this.pathOf(id);
    const wireBody = this.toWire(operation, body);
    const maxAttempts = operation.retrySafe ? MAX_ATTEMPTS_READ : 1;
    let clockCorrected = false;
    let nonceRenewed = false;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const envelope = await this.send(operation, path, wireBody, options);
        this.logCall(operation, path, envelope.code, started, attempt);
        if (envelope.code === 200) return envelope.data as T;
        throw new ApiError(id, envelope.code, envelope.message ?? '', envelope.requestId ?? undefined, envelope.httpStatus);
      } catch (error) {
        if (!(error instanceof RayvisionError)) throw error;
        if (error instanceof TransportError) this.logCall(operation, path, error.failure, started, attempt);
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
        await this.backoff(attempt, options.signal, id);
      }
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher?.close();
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

  private async send(operation: Operation, path: string, body: WireBody, options: CallOptions): Promise<Envelope & { httpStatus: number }> {
    const http = undici ?? (await loadUndici());
    this.dispatcher ??= createDispatcher(http, this.config.concurrency);
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
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs;
    const limit = deadline(timeoutMs, options.signal);
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await http.request(`${this.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body), dispatcher: this.dispatcher, signal: limit.signal });
      text = await response.body.text();
    } catch (error) {
      throw this.transportFailure(operation.id as OperationId, error, options.signal, limit.timedOut(), timeoutMs);
    } finally {
      limit.done();
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
    if (status >= 400) {
      throw new TransportError(operation.id, 'http-status', `${operation.id} failed: the farm answered HTTP ${status}${text ? ` ("${oneLine(text, EXCERPT)}")` : ''}; ${status >= 500 ? 'the farm is having trouble, try again shortly' : 'check RAYVISION_API_DOMAIN and RAYVISION_API_SCHEME'}.`, { status, excerpt: oneLine(text, EXCERPT), sent: true });
    }
    throw new TransportError(operation.id, 'invalid-json', `${operation.id} failed: the farm answered HTTP ${status} with a body that is not an API response ("${oneLine(text, EXCERPT) || 'empty'}"); check RAYVISION_API_DOMAIN points at the API host.`, { status, excerpt: oneLine(text, EXCERPT), sent: true });
  }

  private expired(id: string, envelope: Envelope, status: number, dateHeader: string | string[] | undefined): ApiError {
    const error = new ApiError(id, envelope.code, envelope.message ?? '', envelope.requestId ?? undefined, status);
    const date = typeof dateHeader === 'string' ? Date.parse(dateHeader) : NaN;
    error.serverClock = typeof envelope.serverTime === 'number' ? envelope.serverTime : Number.isNaN(date) ? undefined : date;
    return error;
  }

  private transportFailure(id: OperationId, error: unknown, caller: AbortSignal | undefined, timedOut: boolean, timeoutMs: number): TransportError {
    // A change that reached the farm without an answer may have been applied: say so, or a user resubmits and pays twice.
    const unsure = OPERATIONS[id].retrySafe ? '' : `; the request reached the farm, which may have applied it, so check (e.g. with get_task_info) before sending it again`;
    if (caller?.aborted) {
      return new TransportError(id, 'aborted', `${id} was cancelled before the farm answered${unsure}.`, { sent: true, cause: error });
    }
    if (timedOut) {
      const advice = unsure || '; try again, or raise RAYVISION_API_TIMEOUT_MS if the farm is slow';
      return new TransportError(id, 'timeout', `${id} failed: the farm did not answer within ${timeoutMs} ms${advice}.`, { sent: true, cause: error });
    }
    const code = (error as { code?: string }).code ?? '';
    const sent = !NOT_SENT_CODES.has(code);
    const reason = code === 'ECONNREFUSED' ? `nothing accepts connections at ${this.baseUrl}` : code === 'ENOTFOUND' ? `the host ${this.config.domain} was not found` : `the connection failed (${code || (error as Error).message})`;
    const advice = (sent && unsure) || '; check RAYVISION_API_DOMAIN and your network';
    return new TransportError(id, 'network', `${id} failed: ${reason}${advice}.`, { sent, cause: error });
  }

  private async backoff(attempt: number, signal: AbortSignal | undefined, id: string): Promise<void> {
    const delay = this.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
    try {
      await sleep(delay, undefined, signal ? { signal } : undefined);
    } catch {
      throw new TransportError(id, 'aborted', `${id} was cancelled while waiting to retry.`, { sent: false });
    }
  }

  private logCall(operation: Operation, path: string, outcome: number | string, started: number, attempt: number): void {
    if (!this.logger.enabled('debug')) return;
    const ms = (performance.now() - started).toFixed(1);
    this.logger.debug(`call ${operation.id} ${path} ${typeof outcome === 'number' ? `code=${outcome}` : outcome} ${ms}ms${attempt > 1 ? ` attempt=${attempt}` : ''}`);
  }
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number';
}

/**
 * The signal of one attempt: aborted by the caller's signal or after `ms`. A plain timer, cleared as soon as the
 * attempt settles: AbortSignal.timeout() and AbortSignal.any() keep each attempt's signal and timer alive until the
 * timeout would have fired (30 s by default), so under load every call's garbage outlives the young generation and
 * the heap grows (bench/ memory scenario).
 */
function deadline(ms: number, caller: AbortSignal | undefined): { signal: AbortSignal; timedOut(): boolean; done(): void } {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  timer.unref();
  const onAbort = () => controller.abort(caller!.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    done: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
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
