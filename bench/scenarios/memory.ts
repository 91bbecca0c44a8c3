import { fileURLToPath } from 'node:url';
import { pool, readCalls, type ToolCallSpec } from '../lib/calls.js';
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type Row, type ScenarioResult } from '../lib/report.js';
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
  /** Sizes of V8's generations right after the calls (rounds without the idle pause). */
  young?: Figure;
  old?: Figure;
  idle?: number;
  errors: number;
}

const MB = 1024 * 1024;

/**
 * As the preloaded bench/lib/live-heap.mjs reports them on SIGUSR2: the young and old generations' sizes as they
 * are, then the heap in use after a full collection.
 */
async function heapOf(server: StdioServer): Promise<{ liveMb: number; youngMb: number; oldMb: number }> {
  const seen = server.stderr().length;
  process.kill(server.pid, 'SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const match = /bench-live-heap (\d+) young=(\d+) old=(\d+)/.exec(server.stderr().slice(seen));
    if (match) return { liveMb: Number(match[1]) / MB, youngMb: Number(match[2]) / MB, oldMb: Number(match[3]) / MB };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the server did not report its heap');
}

async function measure(farm: FarmProcess, mix: ToolCallSpec[], variant: Variant, rounds: number, calls: number, options: BenchOptions): Promise<VariantResult> {
  const start: number[] = [];
  const half: number[] = [];
  const end: number[] = [];
  const live: number[] = [];
  const young: number[] = [];
  const old: number[] = [];
  let idle: number | undefined;
  let errors = 0;
  for (let r = 0; r < rounds; r++) {
    let note = '';
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
        // A real session has pauses: V8 gives memory back once allocation stops for a while. (Asked before the
        // heap is, whose full GC would give memory back by itself.)
        await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
        idle = rssMb(server.pid);
        live.push((await heapOf(server)).liveMb);
        note = `, ${idle.toFixed(1)} MB after ${IDLE_S} s idle; live heap after GC ${live[r]!.toFixed(1)} MB`;
      } else {
        const heap = await heapOf(server);
        live.push(heap.liveMb);
        young.push(heap.youngMb);
        old.push(heap.oldMb);
        note = `; young generation ${heap.youngMb.toFixed(1)} MB, old ${heap.oldMb.toFixed(1)} MB, live heap after GC ${heap.liveMb.toFixed(1)} MB`;
      }
    } finally {
      await server.close();
    }
    options.log(`  ${variant.label}, round ${r + 1}: RSS ${start[r]!.toFixed(1)} → ${half[r]!.toFixed(1)} → ${end[r]!.toFixed(1)} MB${note}`);
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
    ...(young.length ? { young: figure(young), old: figure(old) } : {}),
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
  const defaults = results[0]!;
  const low = results[1]!;
  const missed = rows.some((row) => row.pass === false);
  return {
    ...(missed
      ? {
          whyMissed:
            `Memory: with Node's defaults V8 sizes its heap for the burst (${n(calls)} calls back to back)` +
            (defaults.young && defaults.old ? `: after it the young generation takes ${defaults.young.median.toFixed(0)} MB and the old generation ${defaults.old.median.toFixed(0)} MB, mostly garbage not collected yet. ` : '. ') +
            `Nothing is retained: the heap in use after a full GC is ${defaults.liveHeap.median.toFixed(1)} MB` +
            (defaults.idle === undefined ? '. ' : defaults.idle < defaults.end.median * 0.8 ? `, and RSS falls to ${defaults.idle.toFixed(1)} MB once the session has been idle ${IDLE_S} s. ` : `; RSS was still ${defaults.idle.toFixed(1)} MB after ${IDLE_S} s idle. `) +
            `Started with \`node ${LOW_MEMORY_FLAGS.join(' ')}\` the same session stays at ${low.end.median.toFixed(1)} MB, growing ${low.growth.median.toFixed(1)} MB over the second half.`,
        }
      : {}),
    name: 'memory',
    data: { rounds, calls, tools: TOOLS, idleSeconds: IDLE_S, variants: results },
    rows,
    notes: [
      `Memory: ${count(rounds, 'fresh server process', 'fresh server processes')} per configuration × ${n(calls)} calls (main read tools in turn, 4 in flight, back to back); ${count(results.reduce((sum, v) => sum + v.errors, 0), 'error result')}.`,
    ],
  };
}
