import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { getMcpConfigForManifest, type McpbManifestAny } from '@anthropic-ai/mcpb/browser';
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client } from "@modelcontextprotocol/client";
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';

/*
 * Slow by nature (npm pack, npm install from the registry, the bundle's production install): one test each, with
 * generous time limits.
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

/** Environment for a child as a fresh user would have it: none of the developer's RAYVISION_ settings. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))) as Record<string, string>;

/** Connects a real MCP client over stdio and returns the tool names and server info. */
async function listOverStdio(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({ command, args, cwd, env: { ...cleanEnv(), ...env }, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'package-test', version: '1.0.0' });
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    return { tools: tools.map((tool) => tool.name), server: client.getServerVersion(), instructions: client.getInstructions() ?? '' };
  } finally {
    await client.close();
    witness(stderr);
  }
}

describe('npm package', () => {
  it('packed, installed into an empty folder, runs with `npx rayvision-mcp --sandbox`', async () => {
    const packDir = tempDir('rayvision-pack-');
    // --ignore-scripts: pack the dist/ that `npm test` built, rather than rebuild it under the feet of parallel tests.
    ensureBuilt();
    const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--pack-destination', packDir, '--json', '--loglevel=error'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const shipped = packed!.files.map((file) => file.path);
    expect(shipped).toContain('dist/cli.js');
    expect(shipped).toContain('manifest.json');
    expect(shipped.filter((path) => /^(src|test|scripts)\//.test(path) || path.endsWith('.mcpb'))).toEqual([]);

    const app = tempDir('rayvision-install-');
    writeFileSync(join(app, 'package.json'), '{"name":"empty-folder","version":"1.0.0","private":true}\n');
    await run(npm, ['install', join(packDir, packed!.filename), '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, maxBuffer: 64 * 1024 * 1024 });

    const result = await listOverStdio(npm === 'npm' ? 'npx' : 'npx.cmd', ['rayvision-mcp', '--sandbox'], app);
    expect(result.server?.name).toBe('rayvision-mcp');
    expect(result.tools).toContain('get_task_list');
    expect(result.tools.length).toBeGreaterThan(10);
    expect(result.instructions).toMatch(/SANDBOX/);
  }, 240_000);
});

describe('MCP Bundle', () => {
  it('`npm run bundle` produces an installable .mcpb whose server starts from the unpacked bundle', async () => {
    await run(npm, ['run', 'bundle', '--silent'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const bundle = join(ROOT, 'bundle', 'rayvision-mcp.mcpb');
    const unpacked = tempDir('rayvision-mcpb-');
    await run(process.execPath, [join(ROOT, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js'), 'unpack', bundle, unpacked]);
    const entries = readdirSync(unpacked);
    expect(entries).toEqual(expect.arrayContaining(['manifest.json', 'dist', 'node_modules']));
    // Production dependencies only: no test runner, no compiler.
    expect(readdirSync(join(unpacked, 'node_modules'))).not.toContain('vitest');
    expect(readdirSync(join(unpacked, 'node_modules'))).not.toContain('typescript');

    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as McpbManifestAny;
    const config = await getMcpConfigForManifest({ manifest, extensionPath: unpacked, systemDirs: {}, userConfig: { sandbox: true }, pathSeparator: '/' });
    expect(config?.args?.at(-1)).toBe(join(unpacked, 'dist/cli.js'));
    const result = await listOverStdio(process.execPath, config!.args!, unpacked, config!.env ?? {});
    expect(result.tools).toEqual((manifest.tools ?? []).map((tool) => tool.name));
  }, 240_000);
});
