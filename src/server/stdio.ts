import { Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

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
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (realWrite(chunk)) done();
      else stdout.once('drain', () => done());
    },
  });
}

/** Serves one session over stdin/stdout until the client closes stdin. */
export async function runStdio(mcp: McpServer, onClose: () => Promise<void>): Promise<void> {
  const protocolOut = guardStdout();
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await mcp.close().catch(() => undefined);
    await onClose();
  };
  transport.onclose = () => void close();
  process.stdin.on('end', () => void close());
  await mcp.connect(transport);
}
