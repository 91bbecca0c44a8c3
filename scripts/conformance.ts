/**
 * `npm run conformance`: runs the generic server scenarios of the official MCP conformance suite against the built
 * server over Streamable HTTP, on the embedded sandbox farm and an ephemeral loopback port.
 *
 * The suite needs Node 22; `npx -p node@22` puts a Node 22 first on the PATH of the suite's process only, so the
 * project's own Node stays as it is. The suite's version is pinned so results do not change under our feet.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SUITE = '@modelcontextprotocol/conformance@0.1.16';
const SCENARIOS = [
  'server-initialize',
  'ping',
  'tools-list',
  'resources-list',
  'prompts-list',
  'logging-set-level',
  'server-sse-multiple-streams',
  'dns-rebinding-protection',
];

const root = fileURLToPath(new URL('../', import.meta.url));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const exec = promisify(execFile);

interface Outcome {
  scenario: string;
  passed: number;
  failed: number;
  warnings: number;
  problems: string[];
}

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_')));
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), '--http', '--sandbox', '--port', '0', '--log-level', 'info'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 20 s:\n${log}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const found = /serving MCP over HTTP at (http:\/\/\S+\/mcp)/.exec(log);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code}:\n${log}`));
    });
  });
  return { url, stop: () => void child.kill('SIGTERM') };
}

async function runScenario(url: string, scenario: string, cwd: string): Promise<Outcome> {
  let output: string;
  try {
    const { stdout, stderr } = await exec(npx, ['-y', '-p', 'node@22', '-p', SUITE, 'conformance', 'server', '--url', url, '--scenario', scenario], {
      cwd,
      shell: process.platform === 'win32', // Node refuses to spawn npx.cmd without a shell
      maxBuffer: 16 * 1024 * 1024,
      timeout: 180_000,
    });
    output = stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    output = `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message;
  }
  const counts = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(output);
  if (!counts) return { scenario, passed: 0, failed: 1, warnings: 0, problems: [`no result from the suite: ${output.trim().split('\n').slice(-3).join(' / ')}`] };
  const problems = [...output.matchAll(/^\s+(?:Error|Warning): (.*)$/gm)].map((m) => m[1]!);
  return { scenario, passed: Number(counts[1]), failed: Number(counts[3]), warnings: Number(counts[4]), problems };
}

async function main(): Promise<number> {
  process.stderr.write('building...\n');
  await exec(npm, ['run', 'build', '--silent'], { cwd: root, shell: process.platform === 'win32' });
  const server = await startServer();
  const scratch = mkdtempSync(join(tmpdir(), 'rayvision-conformance-'));
  process.stderr.write(`server at ${server.url}; running ${SCENARIOS.length} scenarios of ${SUITE}\n`);
  const outcomes: Outcome[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const outcome = await runScenario(server.url, scenario, scratch);
      outcomes.push(outcome);
      process.stderr.write(`  ${outcome.failed === 0 ? 'pass' : 'FAIL'}  ${scenario}\n`);
    }
  } finally {
    server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }

  const width = Math.max(...SCENARIOS.map((s) => s.length));
  const lines = ['', `Conformance (${SUITE}, Streamable HTTP):`];
  for (const o of outcomes) {
    lines.push(`  ${o.failed === 0 ? '✓' : '✗'} ${o.scenario.padEnd(width)}  ${o.passed} checks passed, ${o.failed} failed${o.warnings ? `, ${o.warnings} warnings` : ''}`);
    for (const problem of o.problems) lines.push(`      ${problem}`);
  }
  const passedScenarios = outcomes.filter((o) => o.failed === 0).length;
  lines.push('', `${passedScenarios} passed, ${outcomes.length - passedScenarios} failed`, '');
  process.stdout.write(lines.join('\n'));
  return passedScenarios === outcomes.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
