import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { getMcpConfigForManifest, type McpbManifestAny } from '@anthropic-ai/mcpb/browser';
import { afterAll, describe, expect, it } from 'vitest';
import { HTTP_OPTIONS } from '../src/server/http-options.js';
import { ROOT, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';
import { readClientSection, type ClientExample } from './helpers/readme-clients.js';
import { StdioSession } from './helpers/stdio-session.js';

/*
 * Slow by nature (npm pack, npm install, the bundle's production build): few tests, with
 * generous time limits. Servers are driven over raw stdio JSON-RPC, as a client would.
 */
const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const README = readFileSync(`${ROOT}README.md`, 'utf8');
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { name: string; scripts: Record<string, string> };

/** Environment for a child as a fresh user would have it: none of the developer's RAYVISION_ settings. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))) as Record<string, string>;

/** Scripts npm runs when a package is installed; a published package must have none. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare'];

/** `initialize` then `tools/list` over the process's stdin/stdout; the names of the tools and what the server said. */
async function listTools(command: { file: string; args: string[]; cwd?: string }, env: Record<string, string>) {
  const session = new StdioSession(env, { command });
  try {
    const init = await session.initialize('package-test');
    const listed = await session.request('tools/list', {});
    return {
      server: init.result?.['serverInfo'] as { name?: string } | undefined,
      instructions: String(init.result?.['instructions'] ?? ''),
      tools: (listed.result?.tools ?? []).map((tool) => (tool as { name: string }).name),
    };
  } finally {
    expect(await session.end()).toBe(0);
  }
}

/** Starts a documented HTTP command, waits for the URL it logs, initializes over HTTP and stops it. */
async function initializeOverHttp(example: ClientExample, env: Record<string, string>) {
  const child = spawn(example.command, example.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const found = /serving MCP over HTTP at (http:\/\/\S+\/mcp)/.exec(stderr);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`${example.label} exited with ${code}:\n${stderr}`)));
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'package-test', version: '1' } },
      }),
    });
    const text = await response.text();
    const json = text.startsWith('{') ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? '{}');
    return { url, status: response.status, result: (JSON.parse(json) as { result?: { serverInfo?: { name?: string } } }).result };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    witness(stdout);
    witness(stderr);
  }
}

describe('npm package', () => {
  it('`npm pack --dry-run` ships LICENSE, the build, the manifest and its icon, and no install script', async () => {
    // --ignore-scripts: list what `npm test` built instead of rebuilding dist/ under the feet of parallel tests.
    const { stdout } = await run(npm, ['pack', '--dry-run', '--ignore-scripts', '--json', '--loglevel=error'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { files: { path: string }[] }[];
    const shipped = packed!.files.map((file) => file.path);
    expect(shipped).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/cli.js',
        'dist/main.cjs',
        'dist/THIRD_PARTY_LICENSES.txt',
        'manifest.json',
        'icon.png',
      ]),
    );
    expect(shipped.filter((path) => /^(src|test|scripts|bench|docs)\//.test(path) || path.endsWith('.mcpb') || path.endsWith('.tgz'))).toEqual([]);
    expect(Object.keys(pkg.scripts).filter((name) => INSTALL_SCRIPTS.includes(name))).toEqual([]);
    expect(pkg.scripts['prepack']).toMatch(/npm run build/);
  });

  it('packed and installed like `npm install -g` into an empty folder, every client example in the README starts it as written', async () => {
    const packDir = tempDir('rayvision-pack-');
    ensureBuilt();
    const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--pack-destination', packDir, '--json', '--loglevel=error'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];

    // The README installs globally; a private prefix is the same thing without touching this machine's.
    const prefix = tempDir('rayvision-global-');
    const install = await run(npm, ['install', '--global', '--prefix', prefix, join(packDir, packed!.filename), '--no-audit', '--no-fund'], {
      cwd: prefix,
      env: cleanEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(install.stderr, 'npm warned about install scripts').not.toMatch(/install.scripts?/i);
    const installed = process.platform === 'win32' ? join(prefix, 'node_modules', pkg.name) : join(prefix, 'lib', 'node_modules', pkg.name);
    const shippedScripts = (JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    expect(Object.keys(shippedScripts).filter((name) => INSTALL_SCRIPTS.includes(name))).toEqual([]);
    expect(existsSync(join(installed, 'LICENSE'))).toBe(true);

    const bin = process.platform === 'win32' ? prefix : join(prefix, 'bin');
    const env = { ...cleanEnv(), PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };

    const clients = readClientSection(README);
    expect(clients.stdio.map((example) => example.label)).toEqual(
      expect.arrayContaining([
        'Claude Desktop: JSON: rayvision',
        'Claude Desktop: JSON: rayvision-sandbox',
        'Claude Code: rayvision',
        'Claude Code: rayvision-sandbox',
        'VS Code: rayvision',
        'Cursor: rayvision',
      ]),
    );
    const commands = new Set([...clients.stdio, ...clients.http].map((example) => example.command));
    expect([...commands], 'every example starts the command the README installs').toEqual(
      Object.keys((JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { bin: Record<string, string> }).bin),
    );
    expect(README.slice(README.indexOf('## Connect your client'))).not.toMatch(/"command": "npx"|-- npx /);

    for (const example of clients.stdio) {
      const result = await listTools({ file: example.command, args: example.args, cwd: prefix }, { ...env, ...example.env });
      expect(result.server?.name, example.label).toBe('rayvision-mcp');
      expect(result.tools, example.label).toContain('get_task_list');
      expect(result.instructions.includes('SANDBOX'), example.label).toBe(example.args.includes('--sandbox'));
    }

    expect(clients.http).toHaveLength(1);
    // The documented command as written; only the port moves (by its variable) so parallel runs do not collide.
    const served = await initializeOverHttp(clients.http[0]!, { ...env, ...clients.http[0]!.env, RAYVISION_HTTP_PORT: '0' });
    expect(served.status).toBe(200);
    expect(served.result?.serverInfo?.name).toBe('rayvision-mcp');
    const documented = new URL(clients.httpUrls[0]!);
    const actual = new URL(served.url);
    expect([documented.hostname, documented.pathname, documented.port]).toEqual([actual.hostname, actual.pathname, HTTP_OPTIONS.port.defaultText]);
  }, 300_000);
});

describe('install from a clone', () => {
  it("the README's `npm install -g .` puts on PATH the command its client examples start", async () => {
    ensureBuilt();
    const [, install] = /^\s*npm ci && npm run build && (npm install -g \.)$/m.exec(README) ?? [];
    expect(install).toBeDefined();
    // The same command with a private prefix, so this machine's global packages stay as they are.
    const prefix = tempDir('rayvision-clone-');
    await run(npm, [...install!.split(' ').slice(1), '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, env: cleanEnv() });
    const sandboxExample = readClientSection(README).stdio.find((example) => example.args.includes('--sandbox'))!;
    const bin = process.platform === 'win32' ? prefix : join(prefix, 'bin');
    const result = await listTools(
      { file: sandboxExample.command, args: sandboxExample.args },
      { ...cleanEnv(), PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
    );
    expect(result.server?.name).toBe('rayvision-mcp');
    expect(result.instructions).toMatch(/SANDBOX/);
  }, 120_000);
});

describe('MCP Bundle', () => {
  it('`npm run bundle` produces an installable .mcpb whose server starts from the unpacked bundle', async () => {
    await run(npm, ['run', 'bundle', '--silent'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const bundle = join(ROOT, 'bundle', 'rayvision-mcp.mcpb');
    const unpacked = tempDir('rayvision-mcpb-');
    await run(process.execPath, [join(ROOT, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js'), 'unpack', bundle, unpacked]);
    const entries = readdirSync(unpacked);
    expect(entries).toEqual(expect.arrayContaining(['manifest.json', 'icon.png', 'LICENSE', 'dist']));
    // The build carries its dependencies inside: nothing to install, no test runner or compiler shipped.
    expect(entries).not.toContain('node_modules');
    expect(readdirSync(join(unpacked, 'dist'))).toEqual(expect.arrayContaining(['cli.js', 'main.cjs', 'undici.cjs', 'THIRD_PARTY_LICENSES.txt']));

    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as McpbManifestAny;
    const config = await getMcpConfigForManifest({ manifest, extensionPath: unpacked, systemDirs: {}, userConfig: { sandbox: true }, pathSeparator: '/' });
    expect(config?.args?.at(-1)).toBe(join(unpacked, 'dist/cli.js'));
    const result = await listTools({ file: process.execPath, args: config!.args!, cwd: unpacked }, { ...cleanEnv(), ...(config!.env ?? {}) });
    expect(result.tools).toEqual((manifest.tools ?? []).map((tool) => tool.name));
  }, 240_000);
});
