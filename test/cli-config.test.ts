import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { CLI, ensureBuilt } from './helpers/built.js';

beforeAll(ensureBuilt);

function run(env: Record<string, string>, args: string[] = []) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAYVISION_API_')));
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...clean, ...env }, encoding: 'utf8', input: '', timeout: 10_000 });
  witness(result.stdout);
  witness(result.stderr);
  return result;
}

describe('start-up configuration errors', () => {
  it('names RAYVISION_API_ACCESS_KEY in one line and exits non-zero when the key is missing', () => {
    const result = run({ RAYVISION_API_ACCESS_ID: 'AKIDexample' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rayvision-mcp: RAYVISION_API_ACCESS_KEY is not set: /);
  });

  it('names the bad variable and never prints the key, not even in part', () => {
    const result = run({ RAYVISION_API_ACCESS_ID: 'AKIDexample', RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY, RAYVISION_API_DOMAIN: 'https://task.renderbus.com' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/RAYVISION_API_DOMAIN \(--domain\): give the host without http/);
    for (const part of [CANARY_ACCESS_KEY, CANARY_ACCESS_KEY.slice(0, 12), CANARY_ACCESS_KEY.slice(-12)]) {
      expect(result.stderr + result.stdout).not.toContain(part);
    }
  });

  it('reports an unknown flag with a pointer to --help', () => {
    const result = run({}, ['--read-onyl']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Unknown option '--read-onyl'.*--help/);
  });

  it('rejects an unknown toolset by name', () => {
    const result = run({ RAYVISION_API_ACCESS_ID: 'A', RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY }, ['--toolsets', 'tasks,billing']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/RAYVISION_TOOLSETS \(--toolsets\): unknown toolset "billing"; choose from account, tasks/);
  });
});
