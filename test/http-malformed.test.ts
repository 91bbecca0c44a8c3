import { connect as connectSocket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/client/log.js';
import type { RunningHttpServer } from '../src/server/http.js';
import { INITIALIZE, useHttpServers } from './helpers/http-server.js';

/**
 * Requests written byte by byte, as no HTTP client would send them: request targets that are not paths, two Host
 * headers, absolute-form targets. Each gets a plain refusal and one debug line, never an error in the log.
 */

const { serve } = useHttpServers();

/** Bytes exactly as written, on a socket of its own (node:http would refuse to send most of these); the answer as text. */
function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      // One answer is all these tests read.
      if (
        /\r\n\r\n/.test(answer) &&
        (/content-length: (\d+)/i.exec(answer)
          ? answer.length >= answer.indexOf('\r\n\r\n') + 4 + Number(/content-length: (\d+)/i.exec(answer)![1])
          : /\r\n0\r\n\r\n$/.test(answer))
      )
        socket.end();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no answer to ${text.slice(0, 60)}`)));
    socket.write(text);
  });
}

describe('malformed requests', () => {
  let server: RunningHttpServer;
  let port: number;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await serve(
      {},
      {},
      createLogger('debug', (line) => void lines.push(line)),
    );
    port = server.port;
  });

  const initialize = (head: string) =>
    `${head}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(INITIALIZE)}\r\n\r\n${INITIALIZE}`;

  it('a request target that is neither a path nor an http URL gets 400 and one debug line', async () => {
    // Node's parser passes the first two to the server; it refuses the third itself (answered with an empty 400).
    for (const [target, said] of [
      ['http://[bad', /refused GET with 400: the request target is not a path or an http URL/],
      ['ftp://127.0.0.1/mcp', /refused GET with 400: the request target is not a path or an http URL/],
      ['mcp', /refused a malformed HTTP request with 400 \(HPE_INVALID_URL\)/],
    ] as const) {
      lines.length = 0;
      const answer = await rawSocket(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
      if (target !== 'mcp') expect(answer).toMatch(/the request target must be a path/);
      const refusals = lines.filter((line) => line.includes('refused'));
      expect(refusals, target).toHaveLength(1);
      expect(refusals[0]).toMatch(/ debug refused /);
      expect(refusals[0]).toMatch(said);
    }
    expect(lines.some((line) => / (error|warn) | {4}at /.test(line))).toBe(false);
  });

  it('two Host headers get 400, even when both are allowed', async () => {
    const answer = await rawSocket(port, initialize(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: localhost:${port}`));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/2 Host headers; send exactly one/);
  });

  it('the authority of an absolute-form target is checked like Host', async () => {
    const foreign = await rawSocket(port, initialize(`POST http://evil.example.com/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}`));
    expect(foreign).toMatch(/^HTTP\/1\.1 403 /);
    expect(foreign).toMatch(/Host \\"evil\.example\.com\\" is not allowed/);
    const own = await rawSocket(port, initialize(`POST http://localhost:${port}/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}`));
    expect(own).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a path starting with // stays a path', async () => {
    const answer = await rawSocket(port, `GET //localhost/mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
  });
});
