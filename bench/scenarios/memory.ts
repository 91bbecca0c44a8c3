import { fileURLToPath } from 'node:url';
import { pool, readCalls, type ToolCallSpec } from '../lib/calls.js';
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, type BenchOptions, type Row, type ScenarioResult } from '../lib/report.js';
import { call, rssMb, startStdioServer, type StdioServer } from '../lib/server.js';
import { figure, show, type Figure } from '../lib/stats.js';

const LIVE_HEAP = fileURLToPath(new URL('../lib/live-heap.mjs', import.meta.url));
/** Node flags that bound the young generation and the heap: the low-memory way to start the server. */
export const LOW_MEMORY_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=256'];
const IDLE_S = 30;
const TOOLS = 'get_task_list, get_task_info, get_task_frames, get_frame_stats, get_user_profile, get_render_log in turn';

interface Variant {
  label: string;
  nodeArgs: string[];
}

interface VariantResult {
  label: string;
  start: Figure;
  half: Figure;
  end: Figure;
  growth: Figure;
  liveHeap: Figure;
  idle?: number;
  errors: number;
}

/** The heap in use after a full collection, as the preloaded bench/lib/live-heap.mjs reports it on SIGUSR2. */
async function liveHeapMb(server: StdioServer): Promise<number> {
  const seen = server.stderr().length;
  process.kill(server.pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const match = /bench-live-heap (\d+)/.exec(server.stderr().slice(seen));
    if (match) return Number(match[1]) / 1024 / 1024;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the server did not report its live heap');
}

async function measure(farm: FarmProcess, mix: ToolCallSpec[], variant: Variant, rounds: number, calls: number, options: BenchOptions): Promise<VariantResult> {
  const start: number[] = [];
  const half: number[] = [];
  const end: number[] = [];
  const live: number[] = [];
  let idle: number | undefined;
  let errors = 0;
  for (let r = 0; r < rounds; r++) {
    const server = await startStdioServer(farm.serverEnv(), { nodeArgs: ['--expose-gc', '--import', LIVE_HEAP, ...variant.nodeArgs] });
    try {
      await server.client.listTools();
      start.push(rssMb(server.pid));
      const run = (count: number) =>
        pool(count, 4, async (i) => {
          const spec = mix[i % mix.length]!;
          if ((await call(server.client, spec.name, spec.args)).isError) errors++;
        });
      await run(calls / 2);
      half.push(rssMb(server.pid));
      await run(calls / 2);
      end.push(rssMb(server.pid));
      if (r === rounds - 1 && variant.nodeArgs.length === 0) {
        // A real session has pauses: V8 gives memory back once allocation stops for a while.
        await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
        idle = rssMb(server.pid);
      }
      live.push(await liveHeapMb(server));
    } finally {
      await server.close();
    }
    options.log(`  ${variant.label}, round ${r + 1}: RSS ${start[r]!.toFixed(1)} → ${half[r]!.toFixed(1)} → ${end[r]!.toFixed(1)} MB${idle && r === rounds - 1 ? `, ${idle.toFixed(1)} MB after ${IDLE_S} s idle` : ''}; live heap ${live[r]!.toFixed(1)} MB`);
    // The farm refuses a nonce seen twice in one second, and the next server draws its own from scratch.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  return {
    label: variant.label,
    start: figure(start),
    half: figure(half),
    end: figure(end),
    growth: figure(end.map((mb, i) => mb - half[i]!)),
    liveHeap: figure(live),
    ...(idle === undefined ? {} : { idle }),
    errors,
  };
}

/**
 * Resident memory of one server process over a long session: after start, after 5,000 and after 10,000 calls of
 * the main read tools (four in flight), read from /proc/<pid>/status; each round a fresh process. Measured with
 * Node's defaults and with the low-memory flags; also the live heap after a full collection (retained memory, as
 * opposed to garbage not yet collected) and, once, RSS after the session idles.
 */
export async function memory(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const calls = options.quick ? 2000 : 10_000;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const variants: Variant[] = [
    { label: 'Node defaults', nodeArgs: [] },
    { label: LOW_MEMORY_FLAGS.join(' '), nodeArgs: LOW_MEMORY_FLAGS },
  ];
  const results: VariantResult[] = [];
  try {
    const mix = readCalls(await farm.sample());
    for (const variant of variants) results.push(await measure(farm, mix, variant, rounds, calls, options));
  } finally {
    await farm.close();
  }
  const n = (count: number) => count.toLocaleString('en');
  const rows: Row[] = results.flatMap((v) => [
    { area: 'Memory', metric: `${v.label}: RSS after start`, value: show(v.start, 1, ' MB') },
    { area: 'Memory', metric: `${v.label}: RSS after ${n(calls)} calls`, value: show(v.end, 1, ' MB'), target: '< 100 MB', pass: v.end.median < 100 },
    { area: 'Memory', metric: `${v.label}: growth from ${n(calls / 2)} to ${n(calls)} calls`, value: show(v.growth, 1, ' MB'), target: '< 5 MB', pass: v.growth.median < 5 && v.errors === 0 },
    { area: 'Memory', metric: `${v.label}: live heap after ${n(calls)} calls (after a full GC)`, value: show(v.liveHeap, 1, ' MB') },
    ...(v.idle === undefined ? [] : [{ area: 'Memory', metric: `${v.label}: RSS after ${n(calls)} calls and ${IDLE_S} s idle`, value: `${v.idle.toFixed(1)} MB` }]),
  ]);
  return {
    name: 'memory',
    data: { rounds, calls, tools: TOOLS, idleSeconds: IDLE_S, variants: results },
    rows,
    notes: [
      `Memory: ${rounds} fresh server processes per configuration × ${n(calls)} calls (main read tools in turn, 4 in flight, back to back); ${results.reduce((sum, v) => sum + v.errors, 0)} error results.`,
    ],
  };
}
