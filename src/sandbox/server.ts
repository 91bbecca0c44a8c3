import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ConnectorConfig } from '../client/config.js';
import { codeName } from '../client/errors.js';
import type { OperationId, Scheme } from '../client/operations.js';
import { PROTOCOL_VERSION } from '../client/sign.js';
import { createFarm, type Farm, type FarmOptions } from './farm/index.js';
import { mulberry32 } from './farm/random.js';
import { Faults, type FaultKind, type FaultRule } from './faults.js';
import { buildRoutes, checkArgs } from './routes.js';
import { FarmError } from './types.js';
import { RequestVerifier } from './verify.js';

export interface SandboxOptions extends FarmOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  accessId?: string;
  accessKey?: string;
  faults?: FaultRule[];
  /** Seeds the draws of rate-based fault rules, so a rehearsal or test sees the same faults every run. */
  faultSeed?: number;
  /** Milliseconds added to the sandbox's clock (for clock-skew rehearsals). */
  clockSkewMs?: number;
  /** Called with every request as it arrives (tests use it to see the exact headers and body). */
  inspect?: (request: { path: string; headers: IncomingMessage['headers']; body: string }) => void;
}

export interface RequestRecord {
  at: number;
  path: string;
  operation?: OperationId;
  scheme?: Scheme;
  /** The API code answered, or the fault kind when the answer was not an envelope. */
  outcome: number | FaultKind;
  nonce?: string;
}

const MAX_RECORDS = 50_000;
const MAX_BODY = 8 * 1024 * 1024;

/** Every request the sandbox received, for tests and benchmarks that must count what reached the farm. */
export class RequestLog {
  private records: RequestRecord[] = [];
  private readonly counts = new Map<string, number>();
  total = 0;

  add(record: RequestRecord): void {
    this.total++;
    if (record.operation) this.counts.set(record.operation, (this.counts.get(record.operation) ?? 0) + 1);
    this.records.push(record);
    if (this.records.length > MAX_RECORDS) this.records = this.records.slice(-MAX_RECORDS / 2);
  }

  /** Requests received for one operation (or all), faulted and refused ones included. */
  count(operation?: OperationId): number {
    return operation ? (this.counts.get(operation) ?? 0) : this.total;
  }

  recent(): readonly RequestRecord[] {
    return this.records;
  }

  reset(): void {
    this.records = [];
    this.counts.clear();
    this.total = 0;
  }
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:43117 */
  readonly url: string;
  /** host:port as the connector puts it in the signed string. */
  readonly domain: string;
  readonly port: number;
  readonly accessId: string;
  readonly accessKey: string;
  readonly farm: Farm;
  readonly faults: Faults;
  readonly requests: RequestLog;
  clockSkewMs: number;
  /** Connector settings that reach this sandbox. */
  connectorConfig(overrides?: Partial<ConnectorConfig>): ConnectorConfig;
  close(): Promise<void>;
}

/** Starts the simulated farm on loopback (an ephemeral port unless one is given). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const accessId = options.accessId ?? `sandbox-${randomBytes(6).toString('hex')}`;
  const accessKey = options.accessKey ?? randomBytes(24).toString('base64url');
  const farm = createFarm(options);
  const faults = new Faults(options.faultSeed === undefined ? Math.random : mulberry32(options.faultSeed));
  for (const rule of options.faults ?? []) faults.add(rule);
  const requests = new RequestLog();
  const routes = buildRoutes();
  const state = { clockSkewMs: options.clockSkewMs ?? 0 };
  const now = () => Date.now() + state.clockSkewMs;
  const verifier = new RequestVerifier(new Map([[accessId, accessKey]]), now);
  const sockets = new Set<Socket>();

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { timestamp: now(), status: 500, error: 'Internal Server Error', message: String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.get(path);
    const operation = route?.operation;
    const raw = await readBody(req);
    const record: RequestRecord = { at: now(), path, outcome: 404 };
    if (operation) record.operation = operation;
    const nonce = req.headers['nonce'];
    if (typeof nonce === 'string') record.nonce = nonce;
    requests.add(record);
    options.inspect?.({ path, headers: req.headers, body: raw.toString('utf8') });

    const fault = faults.pick(operation);
    if (fault && (await applyFault(fault, res, record))) return;
    if (req.method !== 'POST') {
      record.outcome = 405;
      return sendJson(res, 405, { timestamp: now(), status: 405, error: 'Method Not Allowed', path });
    }
    if (!route || !operation) {
      return sendJson(res, 404, { timestamp: now(), status: 404, error: 'Not Found', path });
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return answer(res, record, 400, null, 'request body is not a JSON object');
    }
    const verdict = verifier.verify(req.headers.host ?? '', path, req.headers, body);
    if (!verdict.ok) return answer(res, record, verdict.code, null, verdict.message);
    const checked = checkArgs(operation, route.schemes, body);
    if (!checked.ok) return answer(res, record, checked.code, null, checked.message);
    record.scheme = checked.scheme;
    const languageFlag = String(req.headers['languageflag'] ?? '0');
    try {
      const data = farm.handle({ operation, args: checked.args, scheme: checked.scheme, platform: verdict.platform, languageFlag });
      answer(res, record, 200, data ?? null, 'success');
    } catch (error) {
      if (error instanceof FarmError) return answer(res, record, error.code, null, error.message);
      throw error;
    }
  }

  async function applyFault(fault: FaultRule, res: ServerResponse, record: RequestRecord): Promise<boolean> {
    switch (fault.kind) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.latencyMs ?? 1000));
        return false;
      case 'code':
        answer(res, record, fault.code ?? 500, null, fault.message ?? codeName(fault.code ?? 500).toLowerCase());
        return true;
      case 'http':
        record.outcome = 'http';
        res.writeHead(fault.status ?? 500, { 'content-type': 'text/html' });
        res.end(`<html><body><h1>${fault.status ?? 500} Bad Gateway</h1><p>nginx</p></body></html>`);
        return true;
      case 'reset':
        record.outcome = 'reset';
        res.socket?.destroy();
        return true;
      case 'non-json':
        record.outcome = 'non-json';
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Service temporarily unavailable, please try again later.</body></html>');
        return true;
      case 'hang':
        record.outcome = 'hang';
        return true;
    }
  }

  function answer(res: ServerResponse, record: RequestRecord, code: number, data: unknown, message: string): void {
    record.outcome = code;
    sendJson(res, code === 400 ? 400 : 200, {
      version: PROTOCOL_VERSION,
      result: code === 200,
      message,
      code,
      data,
      serverTime: now(),
      requestId: `${randomBytes(4).toString('base64url')}-U2FuZGJveEZhcm0-${now()}`,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const domain = `${hostPart}:${address.port}`;

  return {
    url: `http://${domain}`,
    domain,
    port: address.port,
    accessId,
    accessKey,
    farm,
    faults,
    requests,
    get clockSkewMs() {
      return state.clockSkewMs;
    },
    set clockSkewMs(value: number) {
      state.clockSkewMs = value;
    },
    connectorConfig: (overrides = {}) => ({
      accessId,
      accessKey,
      domain,
      platform: '2',
      scheme: 'current',
      protocol: 'http',
      timeoutMs: 10_000,
      languageFlag: '1',
      paths: {},
      concurrency: 8,
      ...overrides,
    }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
