import { spawn } from 'node:child_process';
import { startFarm } from '../lib/farm.js';
import { FARM_START, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { CLI } from '../lib/server.js';
import { figure, show } from '../lib/stats.js';

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'rayvision-bench', version: '1' } } };

/** Milliseconds from spawn to the exit of `node -e 0`. */
function nodeBaseline(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

/**
 * Milliseconds from spawning the server to the answer of its first tools/list: initialize is written at once
 * (the pipe holds it until the server reads), tools/list as soon as initialize is answered.
 */
function serverToToolsList(env: NodeJS.ProcessEnv): Promise<{ total: number; initialize: number; bytes: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = '';
  let initialize = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before answering tools/list: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const message = JSON.parse(line) as { id?: number };
        if (message.id === 1) {
          initialize = performance.now() - started;
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
        } else if (message.id === 2) {
          const total = performance.now() - started;
          child.removeAllListeners('exit');
          child.once('exit', () => resolve({ total, initialize, bytes: Buffer.byteLength(line) }));
          child.stdin.end();
        }
      }
    });
  });
}

/** Cold start of the built server (real mode, pointed at a farm it never calls) against `node -e 0`, interleaved. */
export async function coldStart(options: BenchOptions): Promise<ScenarioResult> {
  const runs = options.quick ? 4 : 15;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  try {
    const env = farm.serverEnv();
    await serverToToolsList(env);
    await nodeBaseline();
    const node: number[] = [];
    const server: number[] = [];
    const init: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(await nodeBaseline());
      const run = await serverToToolsList(env);
      server.push(run.total);
      init.push(run.initialize);
    }
    const total = figure(server);
    const baseline = figure(node);
    const added = figure(server.map((ms, i) => ms - node[i]!));
    options.log(`  tools/list answered after ${show(total, 0, ' ms')}; node -e 0 ${show(baseline, 0, ' ms')}`);
    return {
      name: 'coldStart',
      data: { runs, toolsListMs: total, initializeMs: figure(init), nodeMs: baseline, addedMs: added },
      rows: [
        { area: 'Cold start', metric: 'spawn → first tools/list answered', value: show(total, 0, ' ms'), target: '< 250 ms', pass: total.median < 250 },
        { area: 'Cold start', metric: 'spawn → initialize answered', value: show(figure(init), 0, ' ms') },
        { area: 'Cold start', metric: '`node -e 0` on the same machine', value: show(baseline, 0, ' ms') },
      ],
      notes: [`Cold start: ${runs} runs, each a fresh process, interleaved with \`node -e 0\`.`],
    };
  } finally {
    await farm.close();
  }
}
