import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { inputRequired, type jsonSchemaValidator } from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TOOLSETS, type Toolset } from '../src/tools/toolsets.js';
import { ALL_TOOLS } from '../src/tools/index.js';
import { ToolTable, type Policy } from '../src/tools/registry.js';
import { CLI, ROOT, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';
import { StdioSession } from './helpers/stdio-session.js';

/*
 * What scripts/build.ts ships, tested as it ships: dist/cli.js started the way every launch path starts it.
 */

const DIST = `${ROOT}dist/`;
const PROBE = `${ROOT}test/helpers/loaded-files.cjs`;
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

beforeAll(ensureBuilt);
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A start in real mode: credentials that are never used, since listing tools calls no farm. */
const realEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
  RAYVISION_API_ACCESS_ID: 'build-test',
  RAYVISION_API_ACCESS_KEY: 'k'.repeat(32),
  RAYVISION_API_DOMAIN: '127.0.0.1:9',
  RAYVISION_API_PROTOCOL: 'http',
  RAYVISION_LOG_LEVEL: 'warn',
  ...extra,
});

/** The dist/ files a running server has loaded, as the preloaded probe reports them. */
async function loadedFiles(pid: number, stderr: () => string): Promise<string[]> {
  const files = await probe(pid, stderr, 'loaded-files');
  return files.filter((file) => file.startsWith(DIST)).map((file) => file.slice(DIST.length));
}

async function probe(pid: number, stderr: () => string, label: 'loaded-files' | 'loaded-builtins'): Promise<string[]> {
  const seen = stderr().length;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    const line = new RegExp(`${label} (.*)\n`).exec(stderr().slice(seen))?.[1];
    if (line) return JSON.parse(line) as string[];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server did not report its ${label}:\n${stderr()}`);
}

describe('tools/list computed at build time', () => {
  const policies: { label: string; env: Record<string, string>; policy: Policy }[] = [
    { label: 'every toolset', env: {}, policy: { toolsets: new Set(TOOLSETS), readOnly: false } },
    { label: 'read-only', env: { RAYVISION_READ_ONLY: '1' }, policy: { toolsets: new Set(TOOLSETS), readOnly: true } },
    { label: 'two toolsets', env: { RAYVISION_TOOLSETS: 'tasks,logs' }, policy: { toolsets: new Set<Toolset>(['tasks', 'logs']), readOnly: false } },
  ];

  it.each(policies)('the built server lists what the live registry derives ($label)', async ({ env, policy }) => {
    const session = new StdioSession(realEnv(env));
    try {
      await session.initialize('build-test');
      const listed = await session.request('tools/list', {});
      // Derived here from source with z.toJSONSchema, as a server started from source does.
      const live = JSON.parse(JSON.stringify(new ToolTable(ALL_TOOLS, policy).listed)) as unknown[];
      expect(live.length).toBeGreaterThan(0);
      expect(listed.result?.tools).toEqual(live);
    } finally {
      expect(await session.end()).toBe(0);
    }
  });

  it('the bundle carries the schemas instead of deriving them at start', () => {
    const main = readFileSync(`${DIST}main.cjs`, 'utf8');
    expect(main).not.toContain('__RAYVISION_TOOL_SCHEMAS__');
    expect(main).toMatch(/JSON\.parse\('\{"job_status_summary":\{"inputSchema":/);
  });
});

describe('bundle text', () => {
  it('is ASCII only, so V8 holds each source one byte a character (a regex with Chinese log words arrives escaped)', () => {
    const files = readdirSync(DIST).filter((file) => /\.(c?js)$/.test(file));
    expect(files).toContain('main.cjs');
    for (const file of files) {
      const text = readFileSync(`${DIST}${file}`, 'utf8');
      const offender = /[\u0080-\uffff]/.exec(text);
      expect(offender && `${file}: ${JSON.stringify(text.slice(offender.index - 40, offender.index + 10))}`).toBeNull();
    }
    // The retry rule's Chinese words (src/tools/support/retry.ts) are still in the bundle, escaped.
    expect(readFileSync(`${DIST}main.cjs`, 'utf8')).toContain('\\u5931\\u8054');
  });
});

describe('files loaded when first needed', () => {
  it('a start reads neither undici nor the JSON Schema validator; the first farm call loads undici; a confirmation asked and given still needs no validator', async () => {
    const client = new Client({ name: 'build-test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: true } }));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', PROBE, CLI, '--sandbox'],
      env: realEnv() as Record<string, string>,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await client.connect(transport);
    try {
      await client.listTools();
      const atStart = await loadedFiles(transport.pid!, () => stderr);
      expect(atStart).toContain('main.cjs');
      expect(atStart).not.toContain('undici.cjs');
      expect(atStart).not.toContain('json-schema-validator.cjs');

      const list = (await client.callTool({ name: 'get_task_list', arguments: { page_size: 5 } })) as CallToolResult;
      expect(list.isError).toBeFalsy();
      expect(await loadedFiles(transport.pid!, () => stderr)).toContain('undici.cjs');

      const task = (list.structuredContent as { tasks: { id: number }[] }).tasks[0]!.id;
      const deleted = (await client.callTool({ name: 'delete_task', arguments: { task_ids: [task] } })) as CallToolResult;
      expect(deleted.isError, JSON.stringify(deleted.content)).toBeFalsy();
      expect(JSON.stringify(deleted.structuredContent)).not.toMatch(/cancelled|confirmation_required/);
      expect(await loadedFiles(transport.pid!, () => stderr)).not.toContain('json-schema-validator.cjs');
    } finally {
      await client.close();
      witness(stderr);
    }
  });

  it('a start in real mode loads neither node:crypto nor Web Crypto until something is signed or sealed', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', PROBE, CLI],
      env: realEnv() as Record<string, string>,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const client = new Client({ name: 'build-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.length).toBeGreaterThan(10);
      const builtins = await probe(transport.pid!, () => stderr, 'loaded-builtins');
      expect(builtins).toContain('net');
      expect(builtins.filter((name) => name === 'crypto' || name.startsWith('internal/crypto/'))).toEqual([]);
    } finally {
      await client.close();
      witness(stderr);
    }
  });

  it("the SDK's validator, when asked for, is its own AJV one, loaded then, and judges a form answer the same way", () => {
    const require = createRequire(import.meta.url);
    const { DefaultJsonSchemaValidator } = require(`${DIST}sdk-shims.cjs`) as { DefaultJsonSchemaValidator: new () => jsonSchemaValidator };
    const loadedBefore = Object.keys(require.cache).includes(`${DIST}json-schema-validator.cjs`);
    // The form this server asks a user to confirm with, as the SDK puts it on the wire.
    const { requestedSchema } = inputRequired.elicit({
      message: 'Go ahead?',
      requestedSchema: z.object({ confirm: z.boolean(), note: z.string().max(5).optional(), copies: z.number().int().min(1).max(3).optional() }),
    }).params as { requestedSchema: Parameters<jsonSchemaValidator['getValidator']>[0] };
    const shipped = new DefaultJsonSchemaValidator().getValidator(requestedSchema);
    const reference = new AjvJsonSchemaValidator().getValidator(requestedSchema);
    expect(loadedBefore).toBe(false);
    expect(Object.keys(require.cache)).toContain(`${DIST}json-schema-validator.cjs`);
    const answers = [
      { confirm: true },
      { confirm: false, note: 'ok', copies: 2 },
      { confirm: 'yes' },
      {},
      { confirm: true, note: 'far too long' },
      { confirm: true, copies: 1.5 },
    ];
    const verdicts = answers.map((answer) => shipped(answer).valid);
    expect(verdicts).toEqual([true, true, false, false, false, false]);
    expect(verdicts).toEqual(answers.map((answer) => reference(answer).valid));
  });
});

describe('code cache', () => {
  // Node 22.1 and later cache through module.enableCompileCache (their own format); these check the Node 20 cache.
  const ownCache = typeof (createRequire(import.meta.url)('node:module') as { enableCompileCache?: unknown }).enableCompileCache !== 'function';

  const listOnce = (env: NodeJS.ProcessEnv) => {
    const input = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'build-test', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    // stdin ends after the last request: the server answers what it read, writes its cache on exit and exits.
    const result = spawnSync(process.execPath, [CLI], { env, input: `${input}\n`, encoding: 'utf8', timeout: 30_000 });
    witness(result.stdout + result.stderr);
    const tools = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id?: number; result?: { tools?: { name: string }[] } })
      .find((m) => m.id === 2)?.result?.tools;
    return { status: result.status, stderr: result.stderr, tools: tools?.map((t) => t.name) };
  };

  it.runIf(ownCache)('the first start writes a cache into a private folder, the next starts from it, and a damaged cache is only recompiled', () => {
    const dir = join(tempDir('rayvision-cache-'), 'cache');
    const env = realEnv({ NODE_COMPILE_CACHE: dir });
    const first = listOnce(env);
    expect(first.status).toBe(0);
    const files = readdirSync(dir).filter((f) => f.startsWith('main.cjs-'));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0]!)).length).toBeGreaterThan(10_000);

    const second = listOnce(env);
    expect(second).toEqual(first);

    writeFileSync(join(dir, files[0]!), 'not a code cache');
    const third = listOnce(env);
    expect(third).toEqual(first);
    expect(readFileSync(join(dir, files[0]!)).length).toBeGreaterThan(10_000);
  });

  it.runIf(ownCache && process.getuid !== undefined)('a cache folder others can write to is not used', () => {
    const dir = tempDir('rayvision-cache-open-');
    chmodSync(dir, 0o777);
    const result = listOnce(realEnv({ NODE_COMPILE_CACHE: dir }));
    expect(result.status).toBe(0);
    expect(result.tools?.length).toBeGreaterThan(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 starts without one', () => {
    const dir = join(tempDir('rayvision-cache-off-'), 'cache');
    const result = listOnce(realEnv({ NODE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: '1' }));
    expect(result.status).toBe(0);
    expect(result.tools?.length).toBeGreaterThan(0);
    expect(existsSync(dir) && readdirSync(dir).length > 0).toBe(false);
  });
});
