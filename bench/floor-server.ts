/**
 * The floor of the per-call benchmark: a stand-in MCP server that answers tools/call for get_task_info with the
 * project's own connector (the same signing, queue and undici as the server) and writes the farm's answer back as
 * plain JSON-RPC, with no SDK, no schemas and no tool shaping. Measured with the same SDK client as the real
 * server, it shows how much of MCP/direct is the client, the pipes and the machine rather than the server.
 * Started by bench/scenarios/overhead.ts with `node --import tsx`, pointed at the bench farm like the server.
 */
import { loadConnectorConfig } from '../src/client/config.js';
import { Connector } from '../src/client/connector.js';
import { createLogger } from '../src/client/log.js';
import { readCommandLine } from '../src/client/options.js';
import { ALL_OPTIONS } from '../src/server/options.js';

const { sources } = readCommandLine([], process.env, ALL_OPTIONS, {}, []);
const connector = new Connector(loadConnectorConfig(sources), { logger: createLogger('warn') });
const reply = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
let buffered = '';

process.stdin.on('data', (chunk: Buffer) => {
  buffered += chunk.toString('utf8');
  let newline: number;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const message = JSON.parse(buffered.slice(0, newline)) as { id?: number; method: string; params?: Record<string, unknown> };
    buffered = buffered.slice(newline + 1);
    if (message.id === undefined) continue;
    if (message.method === 'initialize') {
      reply({
        jsonrpc: '2.0',
        id: message.id,
        result: {
          protocolVersion: (message.params as { protocolVersion: string }).protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: 'bench-floor', version: '1' },
        },
      });
    } else if (message.method === 'tools/call') {
      const args = (message.params as { arguments: { task_ids: number[] } }).arguments;
      void connector
        .call('get_task_info', { taskIds: args.task_ids })
        .then((data) => reply({ jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text: 'farm answer' }], structuredContent: { data } } }));
    } else reply({ jsonrpc: '2.0', id: message.id, result: {} });
  }
});
process.stdin.on('end', () => void connector.close());
