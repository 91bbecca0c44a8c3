// A client that starts long calls and is then killed by its parent (test/http-disconnect.test.ts): it sends no
// notifications/cancelled, its sockets just close. Arguments: MCP URL, era (legacy | modern), calls, task ids.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, era, calls, ...ids] = process.argv.slice(2);
const client = new Client({ name: 'vanishing-client', version: '1.0.0' }, era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
for (let i = 0; i < Number(calls); i++) {
  client.callTool({ name: 'wait_for_tasks', arguments: { task_ids: ids.map(Number), max_wait_seconds: 600 } }, { timeout: 900_000 }).catch(() => undefined);
}
process.stdout.write(`started ${client.getProtocolEra()}\n`);
setInterval(() => undefined, 60_000);
