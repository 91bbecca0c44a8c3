/**
 * `npm run bench`: every benchmark in one run, on this machine. Writes bench/results.json (all figures, each a
 * median over rounds with its range) and bench/RESULTS.md (the table the README quotes), and prints the table.
 *
 *   npm run bench                      all scenarios (a few minutes)
 *   npm run bench -- --quick           fewer rounds: checks the bench code, not figures to quote
 *   npm run bench -- --only overhead,memory
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/farm.js';
import { markdownTable, type BenchOptions, type ScenarioResult } from './lib/report.js';
import { coldStartScenario as coldStart } from './scenarios/cold-start.js';
import { context } from './scenarios/context.js';
import { hostile } from './scenarios/hostile.js';
import { http } from './scenarios/http.js';
import { memory } from './scenarios/memory.js';
import { overhead } from './scenarios/overhead.js';
import { peers } from './scenarios/peers.js';
import { polling } from './scenarios/polling.js';
import { scale } from './scenarios/scale.js';

const SCENARIOS: Record<string, (options: BenchOptions) => Promise<ScenarioResult>> = {
  coldStart,
  peers,
  overhead,
  memory,
  context,
  scale,
  http,
  hostile,
  polling,
};

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const chosen = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(SCENARIOS);
const unknown = chosen.filter((name) => !SCENARIOS[name]);
if (unknown.length) {
  process.stderr.write(`bench: unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}\n`);
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const options: BenchOptions = { quick: values.quick, log };
const machine = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
const loadBefore = loadavg()[0]!;
const started = Date.now();
log(`rayvision-mcp bench${values.quick ? ' (quick)' : ''}: ${machine.node}, ${machine.cpus} × ${machine.cpu}, load ${loadBefore.toFixed(2)}`);

const results: ScenarioResult[] = [];
for (const name of chosen) {
  const t0 = Date.now();
  log(`\n${name}`);
  results.push(await SCENARIOS[name]!(options));
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

const durationS = Math.round((Date.now() - started) / 1000);
const rows = results.flatMap((r) => r.rows);
const missed = rows.filter((row) => row.pass === false);
const flags = [values.quick ? '--quick' : '', values.only ? `--only ${values.only}` : ''].filter(Boolean).join(' ');
const command = `npm run bench${flags ? ` -- ${flags}` : ''}`;
const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
const closing = missed.length
  ? [
      `**Targets missed:** ${missed.map((row) => `${row.area.toLowerCase()}, ${row.metric} (${row.value}, target ${row.target})`).join('; ')}.`,
      ...results.filter((r) => r.whyMissed).map((r) => `- ${r.whyMissed}`),
    ].join('\n\n')
  : 'Every target is met.';
const markdown = [
  `Measured with \`${command}\` on ${when} UTC: Node ${machine.node}, ${machine.cpus} × ${machine.cpu}, load average ${loadBefore.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}; ${durationS} s in all.`,
  'Each figure is the median of its rounds, with the lowest and highest round in brackets.',
  '',
  markdownTable(rows),
  '',
  ...results.flatMap((r) => r.notes ?? []).map((n) => `- ${n}`),
  '',
  closing,
  '',
].join('\n');

writeFileSync(
  `${ROOT}bench/results.json`,
  `${JSON.stringify({ command, date: new Date().toISOString(), machine, load: { before: loadBefore, after: loadavg()[0] }, durationS, quick: values.quick, scenarios: Object.fromEntries(results.map((r) => [r.name, r.data])), rows }, null, 2)}\n`,
);
writeFileSync(`${ROOT}bench/RESULTS.md`, `# Benchmark results\n\n${markdown}`);
log(`\n${markdown}`);
log('Written: bench/results.json, bench/RESULTS.md');
