import type { CallToolResult } from "@modelcontextprotocol/server";
import { startFarm } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { call, startStdioServer } from '../lib/server.js';
import { figure, show } from '../lib/stats.js';

const CONCURRENCY = [1, 4, 8, 16] as const;
/** A farm across a network answers in tens of milliseconds; the loopback sandbox in well under one. */
const FARM_LATENCY_MS = 20;

interface Measured {
  concurrency: number;
  latencyMs: number;
  wallMs: ReturnType<typeof figure>;
  requests: number;
  byOperation: Record<string, number>;
}

/**
 * triage_failures scanning a 10,000-task farm (no task ids: every task page in the statuses that can hold failed
 * frames, then frames and render logs of the tasks with failures), at RAYVISION_API_CONCURRENCY 1, 4, 8 and 16;
 * once against the loopback farm as it is, once with 20 ms added to every farm answer. Wall time of the tool call
 * and the requests the farm received.
 */
export async function scale(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const taskCount = options.quick ? 2000 : 10_000;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START, taskCount });
  const results: Measured[] = [];
  let summary = '';
  try {
    for (const latencyMs of [0, FARM_LATENCY_MS]) {
      for (const concurrency of CONCURRENCY) {
        const server = await startStdioServer(farm.serverEnv({ RAYVISION_API_CONCURRENCY: String(concurrency) }));
        try {
          const triage = async () => {
            const result: CallToolResult = await call(server.client, 'triage_failures', {});
            if (result.isError) throw new Error(`triage_failures failed: ${JSON.stringify(result.content).slice(0, 400)}`);
            return result;
          };
          const warm = await triage();
          summary ||= String((warm.content[0] as { text: string }).text.split('\n')[0]);
          if (latencyMs) await farm.command({ cmd: 'fault', rule: { kind: 'latency', latencyMs } });
          const wall: number[] = [];
          let counts = { total: 0, byOperation: {} as Record<string, number> };
          for (let r = 0; r < rounds; r++) {
            await farm.reset();
            const started = performance.now();
            await triage();
            wall.push(performance.now() - started);
            counts = await farm.counts();
          }
          results.push({ concurrency, latencyMs, wallMs: figure(wall), requests: counts.total, byOperation: counts.byOperation });
          options.log(`  concurrency ${concurrency}, farm latency ${latencyMs} ms: ${show(figure(wall), 0, ' ms')}, ${counts.total} requests`);
        } finally {
          await farm.command({ cmd: 'clear-faults' });
          await server.close();
          // The farm refuses a nonce it saw in the same second; the next server draws its own from scratch.
          await new Promise((resolve) => setTimeout(resolve, 1100));
        }
      }
    }
  } finally {
    await farm.close();
  }
  const sameRequests = new Set(results.map((r) => r.requests)).size === 1;
  const row = (latencyMs: number) => ({
    area: 'Scale',
    metric: `triage_failures over ${taskCount.toLocaleString('en')} tasks, farm latency ${latencyMs ? `+${latencyMs} ms` : 'loopback'}: wall time at concurrency ${CONCURRENCY.join(' / ')}`,
    value: results
      .filter((r) => r.latencyMs === latencyMs)
      .map((r) => show(r.wallMs, 0))
      .join(' / ')
      .concat(' ms'),
  });
  return {
    name: 'scale',
    data: { taskCount, rounds, farmLatencyMs: FARM_LATENCY_MS, answer: summary, results },
    rows: [
      row(0),
      row(FARM_LATENCY_MS),
      {
        area: 'Scale',
        metric: 'requests sent per scan (every concurrency)',
        value: sameRequests ? String(results[0]!.requests) : results.map((r) => `${r.concurrency}: ${r.requests}`).join(', '),
      },
    ],
    notes: [
      `Scale: "${summary}" ${count(rounds, 'round')} per setting after a warm-up; the farm's in-process latency fault adds ${FARM_LATENCY_MS} ms before each answer in the second series.`,
    ],
  };
}
