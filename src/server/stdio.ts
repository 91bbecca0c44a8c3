import { format } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/**
 * In stdio mode stdout carries protocol messages only. Anything a dependency prints through console.log/info/debug
 * goes to stderr instead.
 */
export function guardStdout(): void {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/** Serves one session over stdin/stdout until the client closes stdin. */
export async function runStdio(mcp: McpServer, onClose: () => Promise<void>): Promise<void> {
  guardStdout();
  const transport = new StdioServerTransport();
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
