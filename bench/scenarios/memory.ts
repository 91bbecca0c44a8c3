import { pool, readCalls } from '../lib/calls.js';
import { startFarm } from '../lib/farm.js';
import { FARM_START, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { call, rssMb, startStdioServer } from '../lib/server.js';
import { figure, show } from '../lib/stats.js';

/**
 * Resident memory of one server process over a long session: after start, after 5,000 and after 10,000 calls of
 * the main read tools (four in flight), read from /proc/<pid>/status. Each round is a fresh process.
 */
export async function memory(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const calls = options.quick ? 2000 : 10_000;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const start: number[] = [];
  const half: number[] = [];
  const end: number[] = [];
  let errors = 0;
  try {
    const mix = readCalls(await farm.sample());
    for (let r = 0; r < rounds; r++) {
      const server = await startStdioServer(farm.serverEnv());
      try {
        await server.client.listTools();
        start.push(rssMb(server.pid));
        const run = (count: number) =>
          pool(count, 4, async (i) => {
            const spec = mix[i % mix.length]!;
            const result = await call(server.client, spec.name, spec.args);
            if (result.isError) errors++;
          });
        await run(calls / 2);
        half.push(rssMb(server.pid));
        await run(calls / 2);
        end.push(rssMb(server.pid));
      } finally {
        await server.close();
      }
      options.log(`  round ${r + 1}: RSS ${start[r]!.toFixed(1)} → ${half[r]!.toFixed(1)} → ${end[r]!.toFixed(1)} MB`);
    }
  } finally {
    await farm.close();
  }
  const growth = figure(end.map((mb, i) => mb - half[i]!));
  const atEnd = figure(end);
  return {
    name: 'memory',
    data: { rounds, calls, tools: 'main read tools in turn, 4 in flight', rssStartMb: figure(start), rssHalfMb: figure(half), rssEndMb: atEnd, growthSecondHalfMb: growth, errors },
    rows: [
      { area: 'Memory', metric: 'RSS after start', value: show(figure(start), 1, ' MB') },
      { area: 'Memory', metric: `RSS after ${calls.toLocaleString('en')} calls`, value: show(atEnd, 1, ' MB'), target: '< 100 MB', pass: atEnd.median < 100 },
      { area: 'Memory', metric: `growth from ${(calls / 2).toLocaleString('en')} to ${calls.toLocaleString('en')} calls`, value: show(growth, 1, ' MB'), target: '< 5 MB', pass: growth.median < 5 && errors === 0 },
    ],
    notes: [`Memory: ${rounds} fresh server processes × ${calls.toLocaleString('en')} calls (main read tools in turn, 4 in flight); ${errors} error results.`],
  };
}
