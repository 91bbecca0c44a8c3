import { fileURLToPath } from 'node:url';
import { pool, readCalls, type ToolCallSpec } from '../lib/calls.js';
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type Row, type ScenarioResult } from '../lib/report.js';
import { call, rssMb, startStdioServer, type StdioServer } from '../lib/server.js';
import { figure, show, type Figure } from '../lib/stats.js';

const LIVE_HEAP = fileURLToPath(new URL('../lib/live-heap.cjs', import.meta.url));
const IDLE_S = 30;
/** Issue 15's targets, with Node's defaults (no flags on the command line: the command sets its own). */
const TARGETS = { startMb: 64, endMb: 90, growthMb: 5 };
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
 * As the preloaded bench/lib/live-heap.cjs reports them on SIGUSR2: the young and old generations' sizes as they
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
    const server = await startStdioServer(farm.serverEnv(), { nodeArgs: ['--expose-gc', '--require', LIVE_HEAP, ...variant.nodeArgs] });
    try {
      await server.client.listTools();
      // Idle: a second after tools/list, as the peers scenario measures every server.
      await new Promise((resolve) => setTimeout(resolve, 1000));
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
 * the main read tools (four in flight), read from /proc/<pid>/status; each round a fresh process, started with
 * Node's defaults as every launch path starts it (the command bounds its heap itself: src/launcher.ts). Also the
 * live heap after a full collection (retained memory, as opposed to garbage not collected yet) and, once, RSS
 * after the session idles. The preload that reports the heap (--expose-gc --require) changes no heap limit.
 */
export async function memory(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const calls = options.quick ? 2000 : 10_000;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const variants: Variant[] = [{ label: 'Node defaults', nodeArgs: [] }];
  const results: VariantResult[] = [];
  try {
    const mix = readCalls(await farm.sample());
    for (const variant of variants) results.push(await measure(farm, mix, variant, rounds, calls, options));
  } finally {
    await farm.close();
  }
  const n = (count: number) => count.toLocaleString('en');
  const rows: Row[] = results.flatMap((v) => [
    {
      area: 'Memory',
      metric: `${v.label}: RSS idle after start (1 s after tools/list)`,
      value: show(v.start, 1, ' MB'),
      target: `≤ ${TARGETS.startMb} MB`,
      pass: v.start.median <= TARGETS.startMb,
    },
    {
      area: 'Memory',
      metric: `${v.label}: RSS after ${n(calls)} calls`,
      value: show(v.end, 1, ' MB'),
      target: `≤ ${TARGETS.endMb} MB`,
      pass: v.end.median <= TARGETS.endMb,
    },
    {
      area: 'Memory',
      metric: `${v.label}: growth from ${n(calls / 2)} to ${n(calls)} calls`,
      value: show(v.growth, 1, ' MB'),
      target: `≤ ${TARGETS.growthMb} MB`,
      pass: v.growth.median <= TARGETS.growthMb && v.errors === 0,
    },
    { area: 'Memory', metric: `${v.label}: live heap after ${n(calls)} calls (after a full GC)`, value: show(v.liveHeap, 1, ' MB') },
    ...(v.young && v.old
      ? [
          {
            area: 'Memory',
            metric: `${v.label}: young / old generation after ${n(calls)} calls`,
            value: `${v.young.median.toFixed(1)} / ${v.old.median.toFixed(1)} MB`,
          },
        ]
      : []),
    ...(v.idle === undefined
      ? []
      : [{ area: 'Memory', metric: `${v.label}: RSS after ${n(calls)} calls and ${IDLE_S} s idle`, value: `${v.idle.toFixed(1)} MB` }]),
  ]);
  const defaults = results[0]!;
  const missed = rows.some((row) => row.pass === false);
  return {
    ...(missed
      ? {
          whyMissed:
            `Memory: RSS ${defaults.start.median.toFixed(1)} MB after start, ${defaults.end.median.toFixed(1)} MB after ${n(calls)} calls` +
            (defaults.young && defaults.old ? ` (young generation ${defaults.young.median.toFixed(0)} MB, old ${defaults.old.median.toFixed(0)} MB)` : '') +
            `; the heap in use after a full GC is ${defaults.liveHeap.median.toFixed(1)} MB, the rest is Node itself (its binary's pages, about 40 MB) and garbage not collected yet.`,
        }
      : {}),
    name: 'memory',
    data: { rounds, calls, tools: TOOLS, idleSeconds: IDLE_S, variants: results },
    rows,
    notes: [
      `Memory: ${count(rounds, 'fresh server process', 'fresh server processes')} per configuration × ${n(calls)} calls (main read tools in turn, 4 in flight, back to back); ${count(
        results.reduce((sum, v) => sum + v.errors, 0),
        'error result',
      )}.`,
    ],
  };
}
