import { randomBytes } from 'node:crypto';
import { Client, StreamableHTTPClientTransport, type CallToolResult } from '@modelcontextprotocol/client';
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { startHttpServer, stopHttpServer as stopHttp, type HttpServer } from '../lib/server.js';
import { figure, percentiles, show } from '../lib/stats.js';

/**
 * `rayvision-mcp --http --port 0` against the farm; the URL is read from its start-up log line. Each client has a
 * token of its own, so the server counts them as the separate clients they are (its per-client limits apply to
 * each, not to all of them together as one loopback address).
 */
function startHttp(farm: FarmProcess, stateless: boolean, tokens: readonly string[]): Promise<HttpServer> {
  const env = farm.serverEnv({ RAYVISION_LOG_LEVEL: 'info', RAYVISION_HTTP_TOKEN: tokens.join(',') });
  return startHttpServer(env, stateless ? ['--stateless'] : []);
}

interface Variant {
  key: string;
  label: string;
  /** The server runs --stateless. */
  stateless: boolean;
  /** The clients speak MCP 2026-07-28 (always served statelessly); otherwise 2025-11-25. */
  modern: boolean;
}

const VARIANTS: Variant[] = [
  { key: 'sessions', label: '2025 clients, sessions', stateless: false, modern: false },
  { key: 'modern', label: '2026-07-28 clients (stateless)', stateless: false, modern: true },
  { key: 'stateless', label: '2025 clients, --stateless', stateless: true, modern: false },
];

interface VariantFigures {
  callsPerSecond: ReturnType<typeof figure>;
  p50Ms: ReturnType<typeof figure>;
  p99Ms: ReturnType<typeof figure>;
  errors: number;
  firstError?: string;
}

/**
 * Streamable HTTP under load: 50 MCP clients call get_task_info 200 times each, all at once, for each way of serving
 * HTTP: 2025 clients with a session each, 2026-07-28 clients (every request stands alone), and 2025 clients of a
 * --stateless server. Throughput over the whole burst, latency percentiles over every call, and errors (protocol
 * errors, failed connections and isError results all count).
 */
export async function http(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const clientCount = 50;
  const callsEach = options.quick ? 40 : 200;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const results: Record<string, VariantFigures> = {};
  try {
    const { finished: taskId } = await farm.sample();
    for (const variant of VARIANTS) {
      options.log(`  ${variant.label}`);
      results[variant.key] = await runVariant(farm, variant, { rounds, clientCount, callsEach, taskId, log: options.log });
    }
  } finally {
    await farm.close();
  }
  const errors = Object.values(results).reduce((sum, r) => sum + r.errors, 0);
  return {
    name: 'http',
    data: { rounds, clients: clientCount, callsPerClient: callsEach, ...results },
    rows: [
      ...VARIANTS.flatMap((variant) => {
        const r = results[variant.key]!;
        return [
          { area: 'HTTP', metric: `${variant.label}: ${clientCount} clients × ${callsEach} get_task_info`, value: show(r.callsPerSecond, 0, ' calls/s') },
          { area: 'HTTP', metric: `${variant.label}: latency p50 / p99`, value: `${show(r.p50Ms, 1)} / ${show(r.p99Ms, 1)} ms` },
        ];
      }),
      { area: 'HTTP', metric: 'errors', value: String(errors), target: '0', pass: errors === 0 },
    ],
    notes: [
      `HTTP: ${count(rounds, 'round')} per way of serving, each a fresh \`--http --port 0\` server (\`--stateless\` for the last) with ${clientCount} clients, each with its own bearer token; every call's latency counts, throughput over the whole burst.`,
    ],
  };
}

async function runVariant(
  farm: FarmProcess,
  variant: Variant,
  run: { rounds: number; clientCount: number; callsEach: number; taskId: number; log: (line: string) => void },
): Promise<VariantFigures> {
  const throughput: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let r = 0; r < run.rounds; r++) {
    const tokens = Array.from({ length: run.clientCount }, () => randomBytes(24).toString('hex'));
    const server = await startHttp(farm, variant.stateless, tokens);
    const clients: Client[] = [];
    try {
      for (let i = 0; i < run.clientCount; i++) {
        const client = new Client({ name: `bench-${i}`, version: '1.0.0' }, variant.modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
        await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${tokens[i]}` } } }));
        clients.push(client);
      }
      // Warm-up: a few calls per client before the clock starts.
      const args = { task_ids: [run.taskId] };
      await Promise.all(clients.map((client) => client.callTool({ name: 'get_task_info', arguments: args })));
      const latencies: number[] = [];
      const started = performance.now();
      await Promise.all(
        clients.map(async (client) => {
          for (let i = 0; i < run.callsEach; i++) {
            const t0 = performance.now();
            try {
              const result = (await client.callTool({ name: 'get_task_info', arguments: args })) as CallToolResult;
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
      run.log(
        `    round ${r + 1}: ${Math.round(latencies.length / seconds)} calls/s, p50 ${p.p50.toFixed(1)} ms, p99 ${p.p99.toFixed(1)} ms, ${errors} errors so far`,
      );
    } finally {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await stopHttp(server);
      // The farm refuses a nonce seen twice in one second (603); the next server draws its own from scratch.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
  }
  return { callsPerSecond: figure(throughput), p50Ms: figure(p50), p99Ms: figure(p99), errors, ...(firstError ? { firstError } : {}) };
}
