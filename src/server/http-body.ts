import type { IncomingMessage } from 'node:http';
import { ClientGone, Refused } from './http-reply.js';

const MIB = 1024 * 1024;

/**
 * Request body bytes held in memory at once, over every connection, and per client. Without it each connection may
 * hold one body of the per-request size: 300 connections stopping one byte short of 4 MiB took the server to
 * 1.26 GB. One client may hold a quarter of it, so that it cannot take all of it either.
 */
export class BodyBudget {
  private used = 0;
  private readonly byClient = new Map<string, number>();
  readonly clientLimit: number;

  constructor(
    readonly limit: number,
    /** The most one body may be: a client may always hold one. */
    bodyMax: number,
  ) {
    this.clientLimit = Math.max(bodyMax, Math.floor(limit / 4));
  }

  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` for `client`; says why not when it cannot. */
  take(client: string, bytes: number): 'ok' | 'full' | 'client' {
    const mine = this.byClient.get(client) ?? 0;
    if (mine + bytes > this.clientLimit) return 'client';
    if (this.used + bytes > this.limit) return 'full';
    this.used += bytes;
    this.byClient.set(client, mine + bytes);
    return 'ok';
  }

  give(client: string, bytes: number): void {
    this.used -= bytes;
    const left = (this.byClient.get(client) ?? 0) - bytes;
    if (left > 0) this.byClient.set(client, left);
    else this.byClient.delete(client);
  }
}

export interface BodyLimits {
  budget: BodyBudget;
  /** One body at most. */
  maxBytes: number;
  /** The whole body must have arrived this long after it was first asked for. */
  timeoutMs: number;
}

/** Every refusal here ends the connection: the rest of the body is never read. */
const CLOSE = { Connection: 'close' };

const tooLarge = (max: number) => new Refused(413, `Request body is larger than ${max / MIB} MiB.`, 'body too large', CLOSE);
const noRoom = (why: 'full' | 'client') =>
  why === 'full'
    ? new Refused(503, 'The server is holding as many request bodies as it may at once; try again in a moment.', 'body memory full', {
        ...CLOSE,
        'Retry-After': '1',
      })
    : new Refused(429, 'This client is sending as many request bodies at once as one client may; send the next when one is done.', 'client body memory full', {
        ...CLOSE,
        'Retry-After': '1',
      });

/**
 * Reads a body within the limits. Its room is taken from the budget before a byte is read: its Content-Length, or
 * without one (chunked) the most a body may be, so that every refusal for want of room comes before the body and
 * can be read by the client. The room is given back once the body is complete (it is parsed straight away) or
 * refused.
 */
export function readBody(req: IncomingMessage, client: string, limits: BodyLimits): Promise<Buffer> {
  const { budget, maxBytes, timeoutMs } = limits;
  const declaredText = req.headers['content-length'];
  const declared = declaredText === undefined ? undefined : Number(declaredText);
  if (declared !== undefined && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  const room = declared ?? maxBytes;
  const taken = budget.take(client, room);
  if (taken !== 'ok') return Promise.reject(noRoom(taken));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (outcome: Refused | ClientGone | Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      // A refused body is dropped here, before the client is answered.
      chunks.length = 0;
      budget.give(client, room);
      if (outcome instanceof Buffer) resolve(outcome);
      else reject(outcome);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      // Only a chunked body can grow past its room: a declared length is held to by Node's parser.
      if (received > room) return finish(tooLarge(maxBytes));
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, received));
    const onClose = () => finish(new ClientGone(`the client closed the connection after ${received} of ${declared ?? 'an unknown number of'} body bytes`));
    const timer = setTimeout(
      () => finish(new Refused(408, `The request body did not arrive within ${timeoutMs / 1000} s; send the whole body at once.`, 'body too slow', CLOSE)),
      timeoutMs,
    );
    timer.unref();
    req.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
  });
}

/** The body as JSON. */
export async function readJsonBody(req: IncomingMessage, client: string, limits: BodyLimits): Promise<unknown> {
  const body = await readBody(req, client, limits);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refused(400, 'Parse error: the request body is not valid JSON.', 'body not JSON', {}, -32700);
  }
}
