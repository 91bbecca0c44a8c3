import { Writable } from 'node:stream';
import type { JSONRPCMessage, MessageExtraInfo, Transport, TransportSendOptions } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import type { Logger } from '../client/log.js';
import { endedRequestId, ListenFollower, listenRequest } from '../resources/listen.js';
import type { ServerSurface } from './create.js';
import { LineLimit, MAX_LINE_BYTES } from './stdin-limit.js';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

/**
 * In stdio mode stdout carries protocol messages only. From this call on, anything else written to `stdout` (a
 * dependency's console.log, a stray process.stdout.write) goes to `divert` (stderr) instead. Protocol messages go
 * through the returned stream, the only remaining way to the real stdout.
 */
export function guardStdout(stdout: NodeJS.WriteStream | Writable = process.stdout, divert: Writable = process.stderr): Writable {
  const realWrite = stdout.write.bind(stdout) as Write;
  const divertWrite = divert.write.bind(divert) as Write;
  // console.log and friends write through stdout.write, so replacing it covers them too.
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => divertWrite(chunk, ...rest)) as typeof stdout.write;
  const protocol = new Writable({ write: (chunk, _encoding, done) => void realWrite(chunk, done) });
  // Messages go straight to the real stdout, and its backpressure answer back to the writer: the SDK's transport
  // waits for 'drain' itself, and a stream of our own in between would add a copy to a Buffer and a callback tick
  // to every message.
  protocol.write = ((chunk: unknown, ...rest: unknown[]) => realWrite(chunk, ...rest)) as Writable['write'];
  stdout.on('drain', () => protocol.emit('drain'));
  stdout.on('error', (error) => {
    if (protocol.listenerCount('error') > 0) protocol.emit('error', error);
  });
  return protocol;
}

/** A transport that lets the server see what passes through it, in both directions, without changing anything. */
class ObservedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    private readonly observe: { inbound(message: JSONRPCMessage): void; outbound(message: JSONRPCMessage): void; closed(): void },
  ) {
    inner.onmessage = (message, extra) => {
      observe.inbound(message);
      this.onmessage?.(message, extra);
    };
    inner.onerror = (error) => this.onerror?.(error);
    inner.onclose = () => {
      observe.closed();
      this.onclose?.();
    };
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.observe.outbound(message);
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Serves one connection over stdin/stdout in whichever era the client opens (2026-07-28 or 2025), until the client
 * closes stdin. The SDK's entry pins one instance per connection; this transport also follows the resources a
 * 2026 client names in subscriptions/listen, which the entry acknowledges but does not report.
 */
export function runStdio(surface: ServerSurface, logger: Logger, onClose: () => Promise<void>): StdioServerHandle {
  const protocolOut = guardStdout();
  let follower: ListenFollower | undefined;
  // Open listen streams by request id. A listen can be the first message of a connection (a client that probed on a
  // separate process), before the entry has built the instance, so following starts once the instance exists.
  const listens = new Map<string | number, { uris: string[]; stop?: () => void }>();
  const end = (id: string | number) => {
    listens.get(id)?.stop?.();
    listens.delete(id);
  };
  let closing = false;
  // An oversized line is dropped before the SDK's transport sees it (its own limit would end the connection); a
  // request on it is answered with an error, and the connection goes on.
  const stdin = new LineLimit(process.stdin, MAX_LINE_BYTES, ({ bytes, requestId }) => {
    const size = `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    logger.warn(
      `stdin: dropped a message of ${size}, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB limit${requestId === undefined ? '' : `; request ${JSON.stringify(requestId)} answered with an error`}`,
    );
    if (requestId === undefined) return;
    const message = `Request too large: ${size} on one line, over the ${MAX_LINE_BYTES / 1024 / 1024} MiB limit; nothing was done. Send smaller arguments.`;
    wire.send({ jsonrpc: '2.0', id: requestId, error: { code: -32600, message } }).catch(() => undefined);
  });
  const wire = new StdioServerTransport(stdin, protocolOut, { maxBufferSize: 2 * MAX_LINE_BYTES });
  const transport = new ObservedTransport(wire, {
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
