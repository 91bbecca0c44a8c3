import type { ServerResponse } from 'node:http';
import type { Logger } from '../client/log.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** Errors before the transport sees the request are JSON-RPC error objects, as the SDK's own are. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

/** A request turned away by a limit, answered with its status and one log line. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The log line's reason, shorter than the message the client reads; also what repeated refusals are counted by. */
    readonly reason: string,
    readonly headers: Record<string, string> = {},
    readonly code = -32000,
  ) {
    super(message);
    this.name = 'Refused';
  }
}

/** The client went away before its request was complete: there is nobody to answer. */
export class ClientGone extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ClientGone';
  }
}

/**
 * One warning per kind of refusal, then at most one every `quietMs` with the count of those not logged: a client
 * flooding the server with requests it refuses must not flood the log too.
 */
export class RefusalLog {
  private readonly last = new Map<string, { at: number; quiet: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly quietMs = 10_000,
  ) {}

  note(reason: string, line: string): void {
    const now = Date.now();
    const seen = this.last.get(reason);
    if (seen && now - seen.at < this.quietMs) {
      seen.quiet++;
      return;
    }
    const more = seen?.quiet ? ` (${seen.quiet} more like it not logged in the last ${Math.round((now - seen.at) / 1000)} s)` : '';
    this.last.set(reason, { at: now, quiet: 0 });
    this.logger.warn(`${line}${more}`);
  }
}
