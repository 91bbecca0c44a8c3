import type { CallToolResult } from '@modelcontextprotocol/server';
import { DirectClient } from '../lib/direct.js';
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type Row, type ScenarioResult } from '../lib/report.js';
import { call, startStdioServer, type StdioServer } from '../lib/server.js';
import { figure, percentiles, show, type Figure } from '../lib/stats.js';

const CONCURRENCY = [1, 4, 8, 16] as const;
/** A farm across a network answers in tens of milliseconds; the loopback sandbox in well under one. */
const FARM_LATENCY_MS = 20;

/** Accounts of 320 (the sandbox's default), 3,200 and 32,000 top-level tasks. */
const SERIES = [320, 3200, 32_000] as const;
/** Issue 15: at 32,000 tasks within 1.5× of the time at 3,200, with at most 30 task-list requests. */
const TARGETS = { timeRatio: 1.5, taskListRequests: 30 };

interface SeriesPoint {
  taskCount: number;
  triageMs: Figure;
  taskListRequests: number;
  requests: number;
  /** The farm's own cost per request: one task-list page (20 tasks) sent directly, p50. */
  farmPageMs: number;
  answer: string;
}

/**
 * triage_failures without task ids: a warm-up call, then `rounds` timed calls each on a freshly reset farm, with the
 * requests the farm received in the last one. `beforeRounds` runs between the warm-up and the first timed call.
 */
async function timedTriage(server: StdioServer, farm: FarmProcess, rounds: number, beforeRounds?: () => Promise<void>) {
  const triage = async () => {
    const result: CallToolResult = await call(server.client, 'triage_failures', {});
    if (result.isError) throw new Error(`triage_failures failed: ${JSON.stringify(result.content).slice(0, 400)}`);
    return result;
  };
  const warm = await triage();
  await beforeRounds?.();
  const wall: number[] = [];
  let counts = { total: 0, byOperation: {} as Record<string, number> };
  for (let r = 0; r < rounds; r++) {
    await farm.reset();
    const started = performance.now();
    await triage();
    wall.push(performance.now() - started);
    counts = await farm.counts();
  }
  return { warm, wall, counts };
}

/**
 * triage_failures (no task ids) on farms of 320, 3,200 and 32,000 tasks, at the default concurrency and the
 * loopback farm: wall time, task-list requests, all requests; and the sandbox farm's own cost of one task-list
 * page, sent directly, at each size.
 */
async function series(options: BenchOptions): Promise<SeriesPoint[]> {
  const rounds = options.quick ? 1 : 3;
  const points: SeriesPoint[] = [];
  for (const taskCount of options.quick ? SERIES.slice(0, 2) : SERIES) {
    const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START, taskCount });
    const server = await startStdioServer(farm.serverEnv());
    const direct = new DirectClient(farm);
    try {
      const { warm, wall, counts } = await timedTriage(server, farm, rounds);
      const pages: number[] = [];
      for (let i = 0; i < (options.quick ? 20 : 100); i++) {
        const started = performance.now();
        await direct.send('get_task_list', { pageNum: 1 + (i % 5), pageSize: 20 });
        pages.push(performance.now() - started);
      }
      const point = {
        taskCount,
        triageMs: figure(wall),
        taskListRequests: counts.byOperation['get_task_list'] ?? 0,
        requests: counts.total,
        farmPageMs: percentiles(pages).p50,
        answer: String((warm.content[0] as { text: string }).text.split('\n')[0]),
      };
      points.push(point);
      options.log(
        `  ${taskCount.toLocaleString('en')} tasks: triage ${show(point.triageMs, 0, ' ms')}, ${point.taskListRequests} task-list requests of ${point.requests}; a task-list page ${point.farmPageMs.toFixed(2)} ms at the farm`,
      );
    } finally {
      await direct.close();
      await server.close();
      await farm.close();
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
  }
  return points;
}

interface Measured {
  concurrency: number;
  latencyMs: number;
  wallMs: ReturnType<typeof figure>;
  requests: number;
  byOperation: Record<string, number>;
}

/**
 * triage_failures scanning a 10,000-task farm (no task ids: task pages in the statuses that can hold failed frames,
 * newest first until `limit` tasks with failures are found, then frames and render logs of those tasks), at
 * RAYVISION_API_CONCURRENCY 1, 4, 8 and 16; once against the loopback farm as it is, once with 20 ms added to every
 * farm answer. Wall time of the tool call and the requests the farm received.
 */
export async function scale(options: BenchOptions): Promise<ScenarioResult> {
  const points = await series(options);
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
          const { warm, wall, counts } = await timedTriage(server, farm, rounds, async () => {
            if (latencyMs) await farm.command({ cmd: 'fault', rule: { kind: 'latency', latencyMs } });
          });
          summary ||= String((warm.content[0] as { text: string }).text.split('\n')[0]);
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
  const n = (v: number) => v.toLocaleString('en');
  const at = (tasks: number) => points.find((p) => p.taskCount === tasks);
  const big = at(32_000);
  const mid = at(3200);
  const seriesRows: Row[] = [
    {
      area: 'Scale',
      metric: `triage_failures over ${points.map((p) => n(p.taskCount)).join(' / ')} tasks: wall time`,
      value: points
        .map((p) => show(p.triageMs, 0))
        .join(' / ')
        .concat(' ms'),
    },
    { area: 'Scale', metric: `… task-list requests (of all requests)`, value: points.map((p) => `${p.taskListRequests} (${p.requests})`).join(' / ') },
    {
      area: 'Scale',
      metric: "… the farm's own time for one task-list page of 20, sent directly, p50",
      value: points
        .map((p) => p.farmPageMs.toFixed(2))
        .join(' / ')
        .concat(' ms'),
    },
    ...(big && mid
      ? [
          {
            area: 'Scale',
            metric: 'triage_failures at 32,000 tasks against 3,200',
            value: `${(big.triageMs.median / mid.triageMs.median).toFixed(2)}×`,
            target: `≤ ${TARGETS.timeRatio}×`,
            pass: big.triageMs.median / mid.triageMs.median <= TARGETS.timeRatio,
          },
          {
            area: 'Scale',
            metric: 'task-list requests at 32,000 tasks',
            value: String(big.taskListRequests),
            target: `≤ ${TARGETS.taskListRequests}`,
            pass: big.taskListRequests <= TARGETS.taskListRequests,
          },
        ]
      : []),
  ];
  const seriesMissed = seriesRows.some((row) => row.pass === false);
  return {
    name: 'scale',
    data: { series: points, taskCount, rounds, farmLatencyMs: FARM_LATENCY_MS, answer: summary, results },
    ...(seriesMissed && big && mid
      ? {
          whyMissed:
            `Scale: triage_failures sent ${points.map((p) => `${p.taskListRequests} task-list requests at ${n(p.taskCount)} tasks`).join(', ')} ` +
            `(${(big.triageMs.median / mid.triageMs.median).toFixed(2)}× the time from 3,200 to 32,000 tasks); it stops listing once it has \`limit\` tasks with failed frames, so a miss means ` +
            `the newest tasks held few failures or the analysis of the tasks chosen cost more. The farm's own cost per page: ${points.map((p) => `${p.farmPageMs.toFixed(2)} ms`).join(' / ')}.`,
        }
      : {}),
    rows: [
      ...seriesRows,
      row(0),
      row(FARM_LATENCY_MS),
      {
        area: 'Scale',
        metric: 'requests sent per scan (every concurrency)',
        value: sameRequests ? String(results[0]!.requests) : results.map((r) => `${r.concurrency}: ${r.requests}`).join(', '),
      },
    ],
    notes: [
      `Scale series: triage_failures without task ids, ${count(options.quick ? 1 : 3, 'round')} per farm size after a warm-up, default concurrency, loopback farm; "${points.map((p) => `${n(p.taskCount)}: ${p.answer}`).join('"; "')}".`,
      `Scale: "${summary}" ${count(rounds, 'round')} per setting after a warm-up; the farm's in-process latency fault adds ${FARM_LATENCY_MS} ms before each answer in the second series.`,
    ],
  };
}
