import { DirectClient } from '../lib/direct.js';
import { startFarm } from '../lib/farm.js';
import { FARM_START, type BenchOptions, type Row, type ScenarioResult } from '../lib/report.js';
import { call, startStdioServer } from '../lib/server.js';
import { figure, percentiles, show, type Figure, type Percentiles } from '../lib/stats.js';

type Side = 'mcp' | 'direct';
interface Case {
  label: string;
  taskId: number;
}

/**
 * Per-call overhead: get_task_info through a real MCP client over stdio to the built server, against the same
 * request signed and sent directly with undici to the same farm. Calls alternate between the two (and which goes
 * first), so both see the same machine at the same moment. Two tasks: a typical one (no child tasks; most are
 * like that) and one with child layer tasks, whose answer is longer.
 */
export async function overhead(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 2 : 5;
  const callsPerRound = options.quick ? 300 : 2000;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const server = await startStdioServer(farm.serverEnv());
  const direct = new DirectClient(farm);
  try {
    const sample = await farm.sample();
    const cases: Case[] = [
      { label: 'typical task', taskId: sample.finished },
      { label: 'task with child layers', taskId: sample.layered },
    ];
    const send = async (side: Side, taskId: number) => {
      if (side === 'direct') return void (await direct.send('get_task_info', { taskIds: [taskId] }));
      const result = await call(server.client, 'get_task_info', { task_ids: [taskId] });
      if (result.isError) throw new Error(`get_task_info failed: ${JSON.stringify(result.content)}`);
    };
    for (let i = 0; i < (options.quick ? 200 : 1000); i++) for (const c of cases) for (const side of ['direct', 'mcp'] as const) await send(side, c.taskId);

    const perRound = cases.map(() => [] as Record<Side, Percentiles>[]);
    for (let r = 0; r < rounds; r++) {
      const samples = cases.map(() => ({ mcp: [] as number[], direct: [] as number[] }));
      for (let i = 0; i < callsPerRound; i++) {
        const order: Side[] = i % 2 ? ['mcp', 'direct'] : ['direct', 'mcp'];
        for (const [k, c] of cases.entries()) {
          for (const side of order) {
            const started = performance.now();
            await send(side, c.taskId);
            samples[k]![side].push(performance.now() - started);
          }
        }
      }
      samples.forEach((s, k) => perRound[k]!.push({ mcp: percentiles(s.mcp), direct: percentiles(s.direct) }));
      options.log(`  round ${r + 1}: ${cases.map((c, k) => `${c.label} MCP p50 ${perRound[k]![r]!.mcp.p50.toFixed(3)} ms, direct ${perRound[k]![r]!.direct.p50.toFixed(3)} ms`).join('; ')}`);
    }

    const measured = cases.map((c, k) => {
      const series = perRound[k]!;
      const pick = (side: Side, p: keyof Percentiles) => figure(series.map((x) => x[side][p]));
      return {
        label: c.label,
        taskId: c.taskId,
        mcpMs: { p50: pick('mcp', 'p50'), p95: pick('mcp', 'p95'), p99: pick('mcp', 'p99') },
        directMs: { p50: pick('direct', 'p50'), p95: pick('direct', 'p95'), p99: pick('direct', 'p99') },
        overheadP50Ms: figure(series.map((x) => x.mcp.p50 - x.direct.p50)),
        ratioP50: figure(series.map((x) => x.mcp.p50 / x.direct.p50)),
      };
    });
    const trio = (f: { p50: Figure; p95: Figure; p99: Figure }) => `${show(f.p50, 3)} / ${show(f.p95, 3)} / ${show(f.p99, 3)} ms`;
    const rows: Row[] = measured.flatMap((m, k) => [
      { area: 'Per call', metric: `get_task_info, ${m.label}: MCP over stdio, p50 / p95 / p99`, value: trio(m.mcpMs) },
      { area: 'Per call', metric: `get_task_info, ${m.label}: direct (signed, undici), p50 / p95 / p99`, value: trio(m.directMs) },
      k === 0
        ? { area: 'Per call', metric: `overhead at p50, ${m.label}`, value: show(m.overheadP50Ms, 3, ' ms'), target: '< 0.5 ms', pass: m.overheadP50Ms.median < 0.5 }
        : { area: 'Per call', metric: `overhead at p50, ${m.label}`, value: show(m.overheadP50Ms, 3, ' ms') },
      k === 0
        ? { area: 'Per call', metric: `ratio at p50 (MCP / direct), ${m.label}`, value: show(m.ratioP50, 2, '×'), target: '< 2×', pass: m.ratioP50.median < 2 }
        : { area: 'Per call', metric: `ratio at p50 (MCP / direct), ${m.label}`, value: show(m.ratioP50, 2, '×') },
    ]);
    return {
      name: 'overhead',
      data: { tool: 'get_task_info', rounds, callsPerRound, cases: measured },
      rows,
      notes: [`Per call: ${rounds} rounds × ${callsPerRound} calls each way per task after ${options.quick ? 200 : 1000} warm-up calls, alternating MCP and direct (and which goes first); one call in flight.`],
    };
  } finally {
    await server.close();
    await direct.close();
    await farm.close();
  }
}
