import { type Readable, Writable } from 'node:stream';
import { parseJSONRPCMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/server';
import { serveStdio, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../client/log.js';
import { endedRequestId, ListenFollower, listenRequest } from '../resources/listen.js';
import type { ServerSurface } from './create.js';
import { LineLimit, MAX_LINE_BYTES } from './stdin-limit.js';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/**
 * In stdio mode stdout carries protocol messages only. From this call on, anything else written to `stdout` (a
 * dependency's console.log, a stray process.stdout.write) goes to `divert` (stderr) instead; the returned function
 * is the only remaining way to the real stdout.
 */
function divertStdout(stdout: NodeJS.WriteStream | Writable, divert: Writable): Write {
  const realWrite = stdout.write.bind(stdout) as Write;
  const divertWrite = divert.write.bind(divert) as Write;
  // console.log and friends write through stdout.write, so replacing it covers them too.
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => divertWrite(chunk, ...rest)) as typeof stdout.write;
  return realWrite;
}

/** `divertStdout`, with the way to the real stdout as a stream. */
export function guardStdout(stdout: NodeJS.WriteStream | Writable = process.stdout, divert: Writable = process.stderr): Writable {
  const realWrite = divertStdout(stdout, divert);
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (realWrite(chunk)) done();
      else stdout.once('drain', () => done());
    },
  });
}

interface Observer {
  inbound(message: JSONRPCMessage): void;
  outbound(message: JSONRPCMessage): void;
  closed(): void;
}

const ENVELOPE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const RESOLVED = Promise.resolve();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRequestId = (value: unknown) => typeof value === 'string' || Number.isSafeInteger(value);

/**
 * A request or notification whose envelope the SDK's JSONRPCMessageSchema accepts as it is: `jsonrpc: "2.0"`, a
 * string method, a string or safe-integer id, no other top-level key, params an object whose `_meta`, if any, is an
 * object with at most a string or integer progressToken among the keys that schema checks. Parsing such a message
 * with the schema gives back the same message; anything else (responses, batches, odd envelopes) is parsed by it.
 */
function isPlainCall(value: unknown): value is JSONRPCMessage {
  if (!isRecord(value) || value['jsonrpc'] !== '2.0' || typeof value['method'] !== 'string') return false;
  for (const key in value) if (!ENVELOPE_KEYS.has(key)) return false;
  if ('id' in value && !isRequestId(value['id'])) return false;
  const params = value['params'];
  if (params === undefined) return true;
  if (!isRecord(params)) return false;
  const meta = params['_meta'];
  if (meta === undefined) return true;
  if (!isRecord(meta) || 'io.modelcontextprotocol/related-task' in meta) return false;
  return !('progressToken' in meta) || isRequestId(meta['progressToken']);
}

/**
 * The stdio wire: newline-delimited JSON-RPC on stdin and stdout, as the SDK's StdioServerTransport reads and
 * writes it (lines that are not JSON skipped, messages the schema refuses reported to onerror, a buffer limit with
 * its error, here only a backstop behind LineLimit), minus the work a call does not need: its envelope is not parsed a second time when it is plainly
 * valid (the protocol layer validates each request against its method's schema anyway), and a message is written
 * straight to stdout, without a promise and two listeners per message. It also shows the server each message that
 * passes, in both directions.
 */
class StdioWire implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private pending: Buffer | undefined;
  private started = false;
  private closed = false;

  constructor(
    private readonly stdin: Readable,
    private readonly stdout: NodeJS.WriteStream,
    private readonly write: Write,
    private readonly observe: Observer,
    private readonly maxBufferSize = 2 * MAX_LINE_BYTES,
  ) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('the stdio transport is already started');
    this.started = true;
    if (this.stdin.readableEnded || this.stdin.destroyed) setImmediate(this.onStdinEnd);
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStdinError);
    this.stdin.on('end', this.onStdinEnd);
    this.stdin.on('close', this.onStdinEnd);
    // Stays attached after close: a write the client can no longer read must not crash the process.
    this.stdout.on('error', this.onStdoutError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the stdio transport is closed'));
    this.observe.outbound(message);
    if (this.write(`${JSON.stringify(message)}\n`)) return RESOLVED;
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        this.stdout.off('drain', settle);
        this.stdout.off('error', settle);
        if (error) reject(error);
        else resolve();
      };
      this.stdout.once('drain', settle);
      this.stdout.once('error', settle);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStdinError);
    this.stdin.off('end', this.onStdinEnd);
    this.stdin.off('close', this.onStdinEnd);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.pending = undefined;
    this.observe.closed();
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer) => {
    try {
      if ((this.pending?.length ?? 0) + chunk.length > this.maxBufferSize) {
        this.pending = undefined;
        throw new Error(`ReadBuffer exceeded maximum size of ${this.maxBufferSize} bytes`);
      }
      this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      this.readLines();
    } catch (error) {
      this.onerror?.(error as Error);
      void this.close();
    }
  };

  private readLines(): void {
    while (this.pending) {
      try {
        const newline = this.pending.indexOf(10);
        if (newline === -1) return;
        // A trailing \r is dropped, as the SDK does.
        const end = newline > 0 && this.pending[newline - 1] === 13 ? newline - 1 : newline;
        const line = this.pending.toString('utf8', 0, end);
        this.pending = this.pending.subarray(newline + 1);
        const message = parseLine(line);
        if (message === undefined) continue;
        this.observe.inbound(message);
        this.onmessage?.(message);
      } catch (error) {
        this.onerror?.(error as Error);
      }
    }
  }

  private readonly onStdinError = (error: Error) => this.onerror?.(error);
  private readonly onStdinEnd = () => void this.close();
  private readonly onStdoutError = (error: Error) => {
    if (this.closed) return;
    this.onerror?.(error);
    void this.close();
  };
}

/** One line: undefined when it is not JSON (skipped, as the SDK does); throws when the schema refuses it. */
function parseLine(line: string): JSONRPCMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  return isPlainCall(value) ? value : parseJSONRPCMessage(value);
}

/**
 * Serves one connection over stdin/stdout in whichever era the client opens (2026-07-28 or 2025), until the client
 * closes stdin. The SDK's entry pins one instance per connection; this transport also follows the resources a
 * 2026 client names in subscriptions/listen, which the entry acknowledges but does not report.
 */
export function runStdio(surface: ServerSurface, logger: Logger, onClose: () => Promise<void>): StdioServerHandle {
  const protocolOut = divertStdout(process.stdout, process.stderr);
  let follower: ListenFollower | undefined;
  // Open listen streams by request id. A listen can be the first message of a connection (a client that probed on a
  // separate process), before the entry has built the instance, so following starts once the instance exists.
  const listens = new Map<string | number, { uris: string[]; stop?: () => void }>();
  const end = (id: string | number) => {
    listens.get(id)?.stop?.();
    listens.delete(id);
  };
  let closing = false;
  // An oversized line is dropped before the wire sees it (its own limit would end the connection); a request on it
  // is answered with an error, and the connection goes on.
  const stdin = new LineLimit(MAX_LINE_BYTES, ({ bytes, requestId }) => {
    const size = `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    logger.warn(`stdin: dropped a message of ${size}, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB limit${requestId === undefined ? '' : `; request ${JSON.stringify(requestId)} answered with an error`}`);
    if (requestId === undefined) return;
    const message = `Request too large: ${size} on one line, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB limit; nothing was done. Send smaller arguments.`;
    transport.send({ jsonrpc: '2.0', id: requestId, error: { code: -32600, message } }).catch(() => undefined);
  });
  process.stdin.on('error', (error) => stdin.destroy(error)).pipe(stdin);
  const transport: StdioWire = new StdioWire(stdin, process.stdout, protocolOut, {
    inbound(message) {
      const listen = listenRequest(message);
      if (listen) listens.set(listen.id, { uris: listen.uris, ...(follower ? { stop: follower.follow(listen.uris) } : {}) });
      const ended = endedRequestId(message);
      if (ended !== undefined) end(ended);
    },
    outbound(message) {
      const ended = endedRequestId(message);
      if (ended !== undefined) end(ended);
    },
    closed() {
      if (closing) return;
      closing = true;
      follower?.stop();
      void onClose();
    },
  });
  return serveStdio(
    ({ era }) => {
      const built = surface.newServer({ era, connection: true });
      // The entry may build a probe instance first and discard it; the last one built serves the connection.
      follower = built.watcher ? new ListenFollower(built.watcher, logger) : undefined;
      for (const listen of listens.values()) listen.stop = follower?.follow(listen.uris);
      return built.mcp;
    },
    {
      transport,
      onerror: (error) => {
        // Should the transport's own size limit ever be reached (LineLimit drops long lines well before it), the
        // connection ends: say why, and exit non-zero.
        if (/buffer|size|exceed/i.test(error.message)) {
          logger.error(`stdio: ${error.message}; the connection cannot go on`);
          process.exitCode = 1;
        } else logger.debug(`stdio: ${error.message}`);
      },
    },
  );
}
