import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readCommandLine } from '../src/client/options.js';
import { loadServerSettings } from '../src/server/config.js';
import { loadHttpSettings } from '../src/server/http-options.js';
import { ALL_OPTIONS } from '../src/server/options.js';
import { ROOT, ensureBuilt } from './helpers/built.js';

/*
 * The container image without a container engine: the Dockerfile's final stage read as data, and its command line
 * run through the CLI's own parser and the built binary, with the settings the README's `docker run` passes.
 */

interface Stage {
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** The Dockerfile's stages, continuation lines joined and comments dropped. */
function readStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) continue;
    if (keyword.toUpperCase() === 'FROM') stages.push({ from: args!.split(/\s+/)[0]!, instructions: [] });
    else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args: args! });
  }
  return stages;
}

/** KEY=value pairs of ENV and LABEL, quotes removed. */
function pairs(stage: Stage, keyword: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((i) => i.keyword === keyword)) {
    for (const [, key, quoted, bare] of instruction.args.matchAll(/([\w.-]+)=(?:"([^"]*)"|(\S+))/g)) found[key!] = quoted ?? bare!;
  }
  return found;
}

const exec = (stage: Stage, keyword: string) => JSON.parse(stage.instructions.findLast((i) => i.keyword === keyword)!.args) as string[];

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { mcpName: string; bin: Record<string, string> };
const stages = readStages(readFileSync(`${ROOT}Dockerfile`, 'utf8'));
const image = stages.at(-1)!;
const entrypoint = exec(image, 'ENTRYPOINT');
const command = exec(image, 'CMD');
const exposed = image.instructions.find((i) => i.keyword === 'EXPOSE')?.args;

/** The -e settings of the README's `docker run` line, with the token's $(openssl ...) as a real random token. */
function documentedRun(): Record<string, string> {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Container image\n'), readme.indexOf('\n## Configuration\n'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const run =
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .find((line) => line.startsWith('docker run')) ?? '';
  const env: Record<string, string> = {};
  for (const [, key, value] of run.matchAll(/-e (\w+)=(\$\([^)]*\)|\S+)/g)) env[key!] = value === '$(openssl rand -hex 32)' ? 'f'.repeat(64) : value!;
  return env;
}

beforeAll(ensureBuilt);

describe('Dockerfile', () => {
  it('builds on a slim Node image and runs as an unprivileged user in production mode', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$/);
    expect(pairs(image, 'ENV')['NODE_ENV']).toBe('production');
    const user = image.instructions.findLast((i) => i.keyword === 'USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    // The production stage installs without dev dependencies and without running any package's scripts.
    expect(image.instructions.find((i) => i.keyword === 'RUN' && /npm ci/.test(i.args))?.args).toMatch(
      /--omit=dev.*--ignore-scripts|--ignore-scripts.*--omit=dev/,
    );
  });

  it('labels the image with the MCP Registry name and starts the binary package.json declares', () => {
    expect(pairs(image, 'LABEL')['io.modelcontextprotocol.server.name']).toBe(pkg.mcpName);
    expect(entrypoint).toEqual(['node', pkg.bin['rayvision-mcp']]);
  });

  it('its command line is one the CLI accepts: HTTP on every interface, on the exposed port', () => {
    const env = documentedRun();
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['RAYVISION_HTTP_TOKEN', 'RAYVISION_HTTP_ALLOWED_HOSTS']));
    const { sources } = readCommandLine(command, env, ALL_OPTIONS, { help: { type: 'boolean' }, version: { type: 'boolean' } }, ['sandbox']);
    expect(() => loadServerSettings(sources)).not.toThrow();
    const http = loadHttpSettings(sources);
    expect(http).toMatchObject({ enabled: true, host: '0.0.0.0', port: Number(exposed) });
    expect(http.token).toBe(env['RAYVISION_HTTP_TOKEN']);
    // Without the two settings the README passes, the server refuses to start, naming each.
    const without = (name: string) => () => loadHttpSettings(readCommandLine(command, { ...env, [name]: undefined }, ALL_OPTIONS, {}, ['sandbox']).sources);
    expect(without('RAYVISION_HTTP_TOKEN')).toThrow(ConfigError);
    expect(without('RAYVISION_HTTP_TOKEN')).toThrow(/^RAYVISION_HTTP_TOKEN is not set/);
    expect(without('RAYVISION_HTTP_ALLOWED_HOSTS')).toThrow(/^RAYVISION_HTTP_ALLOWED_HOSTS \(--allowed-hosts\): binding to 0\.0\.0\.0/);
  });

  it('the built binary takes the same arguments (probed with --version, which exits once they parse)', () => {
    const result = spawnSync(process.execPath, [entrypoint[1]!, ...command, '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 15_000, input: '' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('the code cache the image is built with', () => {
  // The RUN line that starts the built server once, run here as the image runs it, into a cache folder of its own.
  const warmUp = image.instructions.find((i) => i.keyword === 'RUN' && i.args.includes(pkg.bin['rayvision-mcp']!))?.args;
  const run = (cacheDir: string) =>
    spawnSync('/bin/sh', ['-c', warmUp!], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, NODE_COMPILE_CACHE: cacheDir },
    });

  it('is written by the warm-up start, into the folder the image sets, and taken by the next start', () => {
    expect(warmUp).toBeDefined();
    expect(pairs(image, 'ENV')['NODE_COMPILE_CACHE']).toMatch(/^\/home\/node\//);
    const cacheDir = join(mkdtempSync(join(tmpdir(), 'rayvision-container-')), 'cache');
    try {
      const first = run(cacheDir);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const main = readdirSync(cacheDir).filter((file) => file.startsWith('main.cjs-'));
      expect(main).toHaveLength(1);
      // A start that accepts the cache leaves it as it is; one that rejects it writes a new one when it exits.
      const file = join(cacheDir, main[0]!);
      const old = new Date(Date.now() - 2 * 86_400_000);
      utimesSync(file, old, old);
      const second = run(cacheDir);
      expect(second.status).toBe(0);
      // Still two days old (a rewrite would date it now); compared loosely, since file systems round times.
      expect(statSync(file).mtimeMs).toBeLessThan(Date.now() - 86_400_000);
    } finally {
      rmSync(dirname(cacheDir), { recursive: true, force: true });
    }
  });
});

describe('.dockerignore', () => {
  it('sends the build only what it reads', () => {
    const rules = readFileSync(`${ROOT}.dockerignore`, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(rules[0]).toBe('*');
    const copied = stages.flatMap((stage) =>
      stage.instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)),
    );
    const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1).replace(/\/$/, ''));
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) expect(allowed, source).toContain(source.replace(/\/$/, ''));
    expect(allowed).not.toContain('node_modules');
  });
});
