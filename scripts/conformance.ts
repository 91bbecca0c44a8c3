/**
 * `npm run conformance`: the official MCP conformance suite against the built server over Streamable HTTP, on the
 * embedded sandbox farm: the 2025-11-25 requirement set against the server with sessions, and the 2026-07-28 set
 * against it and against a --stateless server. conformance/expected-failures.yml lists the scenarios that need the
 * suite's own reference tools, each with its reason; anything else failing (or a listed one passing) fails the run.
 *
 * The suite needs Node 22. It and Node 22 (the `node` package from the npm registry) are installed into a cache
 * folder outside the project, so the project's node_modules/.bin and its own Node stay as they are; only the
 * suite's process gets Node 22 first on its PATH. Versions are pinned so results do not change under our feet.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SUITE_VERSION = '0.2.0-alpha.12';
const NODE_VERSION = '22';
const RUNS = [
  { requirements: '2025-11-25', stateless: false },
  { requirements: '2026-07-28', stateless: false },
  { requirements: '2026-07-28', stateless: true },
] as const;

const root = fileURLToPath(new URL('../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const exec = promisify(execFile);
const cache = join(process.env['RAYVISION_CONFORMANCE_CACHE'] ?? join(tmpdir(), 'rayvision-mcp-conformance'), `${SUITE_VERSION}-node${NODE_VERSION}`);

async function installSuite(): Promise<string> {
  const bin = join(cache, 'node_modules', '.bin');
  if (!existsSync(join(bin, 'conformance'))) {
    process.stderr.write(`installing @modelcontextprotocol/conformance@${SUITE_VERSION} and node@${NODE_VERSION} into ${cache}\n`);
    mkdirSync(cache, { recursive: true });
    await exec(
      npm,
      ['install', '--no-save', '--no-package-lock', '--prefix', cache, `node@${NODE_VERSION}`, `@modelcontextprotocol/conformance@${SUITE_VERSION}`],
      {
        shell: process.platform === 'win32',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  }
  return bin;
}

async function startServer(stateless: boolean): Promise<{ url: string; stop: () => void }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_')));
  const args = [join(root, 'dist/cli.js'), '--http', '--sandbox', '--port', '0', '--log-level', 'info', ...(stateless ? ['--stateless'] : [])];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
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

interface Outcome {
  label: string;
  ok: boolean;
  summary: string;
  problems: string[];
}

async function runSuite(bin: string, requirements: string, url: string, label: string): Promise<Outcome> {
  const args = ['server', '--url', url, '--requirements', requirements, '--expected-failures', join(root, 'conformance/expected-failures.yml')];
  let output: string;
  let ok = true;
  try {
    const { stdout, stderr } = await exec(join(bin, 'conformance'), args, {
      cwd: cache,
      env: { ...process.env, PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` },
      shell: process.platform === 'win32',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 20 * 60_000,
    });
    output = stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    output = `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message;
    ok = false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the suite colours its output with ANSI escapes.
  output = output.replace(/\x1b\[[0-9;]*m/g, '');
  // Scenario lines read `✓ name: N passed, M failed` (extension and pending scenarios included).
  const passed = (output.match(/^✓ /gm) ?? []).length;
  const failed = (output.match(/^✗ /gm) ?? []).length;
  const checks = /^Total: (.*)$/m.exec(output)?.[1] ?? 'no total reported';
  const summary = `${passed} of ${passed + failed} scenarios pass (checks: ${checks})`;
  const problems = output
    .split('\n')
    .filter((line) => /unexpected|stale|regression/i.test(line))
    .map((line) => line.trim());
  return { label, ok, summary, problems };
}

async function main(): Promise<number> {
  const bin = await installSuite();
  process.stderr.write('building...\n');
  await exec(npm, ['run', 'build', '--silent'], { cwd: root, shell: process.platform === 'win32' });
  const outcomes: Outcome[] = [];
  for (const run of RUNS) {
    const server = await startServer(run.stateless);
    const label = `--requirements ${run.requirements}, ${run.stateless ? 'HTTP --stateless' : 'HTTP with sessions'}`;
    process.stderr.write(`${label}: ${server.url}\n`);
    try {
      outcomes.push(await runSuite(bin, run.requirements, server.url, label));
    } finally {
      server.stop();
    }
  }
  const lines = ['', `Conformance (@modelcontextprotocol/conformance ${SUITE_VERSION}; expected failures: conformance/expected-failures.yml):`];
  for (const o of outcomes) {
    lines.push(`  ${o.ok ? '✓' : '✗'} ${o.label}: ${o.summary}${o.ok ? ' (every failure listed as expected)' : ''}`);
    for (const problem of o.problems) lines.push(`      ${problem}`);
  }
  lines.push('');
  process.stdout.write(lines.join('\n'));
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
