import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { CLI } from '../lib/server.js';
import { figure, percentiles, show } from '../lib/stats.js';

interface HttpServer {
  url: string;
  stderr(): string;
  child: ChildProcessByStdio<null, null, Readable>;
}

/** `rayvision-mcp --http --port 0` against the farm; the URL is read from its start-up log line. */
function startHttp(farm: FarmProcess): Promise<HttpServer> {
  const child = spawn(process.execPath, [CLI, '--http', '--port', '0'], { env: farm.serverEnv({ RAYVISION_LOG_LEVEL: 'info' }), stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    let started = false;
    const early = (code: number | null) => reject(new Error(`the HTTP server exited with ${code}: ${stderr}`));
    child.once('exit', early);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const url = started ? undefined : /serving MCP over HTTP at (http:\/\/\S+\/mcp)/.exec(stderr)?.[1];
      if (url) {
        started = true;
        child.off('exit', early);
        resolve({ url, child, stderr: () => stderr });
      }
    });
  });
}

async function stopHttp(server: HttpServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/**
 * Streamable HTTP under load: 50 MCP clients (each its own session) call get_task_info 200 times each, all at once.
 * Throughput over the whole burst, latency percentiles over every call, and errors (protocol errors, failed
 * connections and isError results all count).
 */
export async function http(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const clientCount = 50;
  const callsEach = options.quick ? 40 : 200;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const throughput: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  try {
    const { finished: taskId } = await farm.sample();
    for (let r = 0; r < rounds; r++) {
      const server = await startHttp(farm);
      const clients: Client[] = [];
      try {
        for (let i = 0; i < clientCount; i++) {
          const client = new Client({ name: `bench-${i}`, version: '1.0.0' });
          await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
          clients.push(client);
        }
        // Warm-up: a few calls per client before the clock starts.
        await Promise.all(clients.map((client) => client.callTool({ name: 'get_task_info', arguments: { task_ids: [taskId] } })));
        const latencies: number[] = [];
        const started = performance.now();
        await Promise.all(
          clients.map(async (client) => {
            for (let i = 0; i < callsEach; i++) {
              const t0 = performance.now();
              try {
                const result = (await client.callTool({ name: 'get_task_info', arguments: { task_ids: [taskId] } })) as CallToolResult;
                if (result.isError) throw new Error(JSON.stringify(result.content).slice(0, 300));
              } catch (error) {
                errors++;
                firstError ??= String(error);
              }
              latencies.push(performance.now() - t0);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const p = percentiles(latencies);
        throughput.push(latencies.length / seconds);
        p50.push(p.p50);
        p99.push(p.p99);
        options.log(`  round ${r + 1}: ${Math.round(latencies.length / seconds)} calls/s, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, ${errors} errors so far`);
      } finally {
        await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
        await stopHttp(server);
        // The farm refuses a nonce seen twice in one second (603); the next server draws its own from scratch.
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
    }
  } finally {
    await farm.close();
  }
  const rate = figure(throughput);
  const tail = figure(p99);
  return {
    name: 'http',
    data: { rounds, clients: clientCount, callsPerClient: callsEach, callsPerSecond: rate, p50Ms: figure(p50), p99Ms: tail, errors, ...(firstError ? { firstError } : {}) },
    rows: [
      { area: 'HTTP', metric: `${clientCount} clients × ${callsEach} get_task_info: throughput`, value: show(rate, 0, ' calls/s') },
      { area: 'HTTP', metric: 'latency p50 / p99', value: `${show(figure(p50), 1)} / ${show(tail, 1)} ms` },
      { area: 'HTTP', metric: 'errors', value: String(errors), target: '0', pass: errors === 0 },
    ],
    notes: [`HTTP: ${count(rounds, 'round')}, each a fresh \`--http --port 0\` server with ${clientCount} sessions; every call's latency counts, throughput over the whole burst.`],
  };
}
