import { spawn, execSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { ApiError } from '../src/client/errors.js';

/** The two ways the built package starts the farm: `rayvision-mcp sandbox` alone, and `rayvision-mcp --sandbox`. */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = `${ROOT}dist/cli.js`;

interface RunningSandbox {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  domain: string;
  accessId: string;
  accessKey: string;
  output: string;
}

const running: RunningSandbox[] = [];

/** Spawns `node dist/cli.js sandbox ...` and reads the URL and credentials it prints. */
function startCli(args: string[]): Promise<RunningSandbox> {
  const child = spawn(process.execPath, [CLI, 'sandbox', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start:\n${output}`)), 15_000);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      const url = /listening at (http:\/\/\S+)/.exec(output)?.[1];
      const accessId = /access id:\s+(\S+)/.exec(output)?.[1];
      const accessKey = /access key:\s+(\S+)/.exec(output)?.[1];
      if (!url || !accessId || !accessKey) return reject(new Error(`unexpected output:\n${output}`));
      const started = { child, url, domain: url.replace('http://', ''), accessId, accessKey, output };
      running.push(started);
      resolve(started);
    });
    child.on('exit', (code) => reject(new Error(`the sandbox exited with ${code}:\n${output}`)));
  });
}

async function stop(sandbox: RunningSandbox): Promise<number | null> {
  if (sandbox.child.exitCode !== null) return sandbox.child.exitCode;
  const exited = new Promise<number | null>((resolve) => sandbox.child.once('exit', (code) => resolve(code)));
  sandbox.child.kill('SIGTERM');
  return exited;
}

function connectTo(sandbox: RunningSandbox): Connector {
  return new Connector(
    {
      accessId: sandbox.accessId,
      accessKey: sandbox.accessKey,
      domain: sandbox.domain,
      platform: '2',
      scheme: 'current',
      protocol: 'http',
      timeoutMs: 5_000,
      languageFlag: '1',
      paths: {},
      concurrency: 2,
    },
    { retryBaseMs: 5 },
  );
}

beforeAll(() => {
  if (!existsSync(CLI)) execSync('npm run build', { cwd: ROOT, stdio: 'ignore' });
}, 120_000);

afterAll(async () => {
  await Promise.all(running.map(stop));
});

describe('rayvision-mcp sandbox', () => {
  it('prints its loopback URL and per-run test credentials, and answers signed requests with them', async () => {
    const first = await startCli(['--port', '0', '--seed', '3']);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.url).not.toMatch(/:0$/);
    expect(first.output).toContain('(test credentials for this run only)');
    expect(first.output).toContain(`RAYVISION_API_DOMAIN=${first.domain}`);

    const connector = connectTo(first);
    const page = (await connector.call('get_task_list', { pageNum: 1, pageSize: 3 })) as { total: number; items: { id: number; taskAlias: string }[] };
    expect(page.total).toBeGreaterThanOrEqual(300);
    expect(page.items[0]!.taskAlias).toBe(`2W${page.items[0]!.id}`);

    const second = await startCli(['--port', '0', '--seed', '3']);
    expect(second.accessId).not.toBe(first.accessId);
    expect(second.accessKey).not.toBe(first.accessKey);
    expect(second.url).not.toBe(first.url);
    const other = connectTo(second);
    const samePage = (await other.call('get_task_list', { pageNum: 1, pageSize: 3 })) as { items: { id: number }[] };
    expect(samePage.items.map((task) => task.id)).toEqual(page.items.map((task) => task.id));

    const wrongKey = new Connector({ ...other.config, accessKey: first.accessKey });
    await expect(wrongKey.call('get_user_profile')).rejects.toMatchObject({ code: 611 });
    await Promise.all([connector.close(), other.close(), wrongKey.close()]);
    expect(await stop(first)).toBe(0);
    expect(await stop(second)).toBe(0);
  });

  it('injects the faults given on the command line', async () => {
    const faulty = await startCli(['--seed', '3', '--fault', 'get_user_profile:code=608', '--fault', 'get_frame_stats:http=502x1']);
    const connector = connectTo(faulty);
    const error = await connector.call('get_user_profile').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(608);
    await expect(connector.call('get_frame_stats')).resolves.toMatchObject({ totalFrames: expect.any(Number) });
    await connector.close();
    await stop(faulty);
  });

  it('starts an account in arrears with --balance below 0', async () => {
    const owing = await startCli(['--seed', '3', '--balance=-50']);
    const connector = connectTo(owing);
    expect(await connector.call('get_user_profile')).toMatchObject({ usdbalance: -50 });
    const stopped = (await connector.call('get_task_list', { pageNum: 1, pageSize: 1, statusList: [20] })) as { total: number };
    expect(stopped.total).toBeGreaterThan(0);
    await connector.close();
    await stop(owing);
  });

  it('refuses a bad option with a clear message', async () => {
    const child = spawn(process.execPath, [CLI, 'sandbox', '--speed', 'fast'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--speed: must be a number from 0 to 100000 \(got "fast"\)/);
  });
});

describe('rayvision-mcp --sandbox', () => {
  it('serves MCP over stdio on an in-process sandbox and says so on stderr and in its instructions', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, '--sandbox', '--seed', '4'], cwd: ROOT, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'sandbox-cli-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe('rayvision-mcp');
      expect(client.getInstructions()).toMatch(/SANDBOX/);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('get_task_list');
      const result = await client.callTool({ name: 'get_task_list', arguments: { page_size: 3 } });
      expect(result.isError).not.toBe(true);
      expect(stderr).toMatch(/SANDBOX/);
      expect(stderr).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await client.close();
    }
  });
});
