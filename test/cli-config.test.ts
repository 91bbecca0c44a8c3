import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { CLI, ensureBuilt } from './helpers/built.js';
import { ALL_OPTIONS } from '../src/server/options.js';

beforeAll(ensureBuilt);

function run(env: Record<string, string>, args: string[] = []) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAYVISION_')));
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
    const result = run({
      RAYVISION_API_ACCESS_ID: 'AKIDexample',
      RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY,
      RAYVISION_API_DOMAIN: 'https://task.renderbus.com',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/RAYVISION_API_DOMAIN \(--domain\): give the host without http/);
    for (const part of [CANARY_ACCESS_KEY, CANARY_ACCESS_KEY.slice(0, 12), CANARY_ACCESS_KEY.slice(-12)]) {
      expect(result.stderr + result.stdout).not.toContain(part);
    }
  });

  it('rejects an unknown toolset by name', () => {
    const result = run({ RAYVISION_API_ACCESS_ID: 'A', RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY }, ['--toolsets', 'tasks,billing']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/RAYVISION_TOOLSETS \(--toolsets\): unknown toolset "billing"; choose from account, tasks/);
  });
});

/** Runs the CLI with nothing configured and expects exactly one line on stderr, exit code 2 and nothing on stdout. */
function refused(args: string[], env: Record<string, string> = {}): string {
  const result = run(env, args);
  expect(result.stdout, 'stdout').toBe('');
  expect(result.status, result.stderr).toBe(2);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rayvision-mcp: /);
  return lines[0]!.replace(/^rayvision-mcp: /, '');
}

const CREDENTIALS = { RAYVISION_API_ACCESS_ID: 'AKIDexample', RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY };
const FLAGS = ALL_OPTIONS.filter((option) => option.flag).map((option) => `--${option.flag}`);

describe('command-line mistakes: one line saying what to write instead, exit code 2', () => {
  it('nothing configured: says what to set and offers --sandbox', () => {
    expect(refused([])).toBe(
      "No farm account is configured: set RAYVISION_API_ACCESS_ID (or --access-id) and RAYVISION_API_ACCESS_KEY (or RAYVISION_API_ACCESS_KEY_FILE) to the access id and key from the farm's API settings page, or start with --sandbox to try a simulated farm without an account.",
    );
  });

  it('a key but no access id: names the access id once, without a double colon', () => {
    expect(refused([], { RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY })).toBe(
      "RAYVISION_API_ACCESS_ID (--access-id) is not set: set it to the access id from the farm's API settings page, or start with --sandbox to try a simulated farm without an account.",
    );
  });

  it('an unknown flag near a real one: did you mean, and every valid flag', () => {
    const message = refused(['--read-onyl']);
    expect(message).toMatch(/^Unknown option '--read-onyl' \(did you mean --read-only\?\); the options are --access-id, /);
    expect(/the options are (.*)\. Run with --help to see what each option does\.$/.exec(message)?.[1]?.split(', ')).toEqual([...FLAGS, '--help', '--version']);
  });

  it('an unknown flag like nothing known: the list without a guess', () => {
    const message = refused(['--frobnicate']);
    expect(message).toMatch(/^Unknown option '--frobnicate'; the options are --access-id, .*, --help, --version\. Run with --help/);
  });

  it('a flag for a secret that deliberately has none: names the variable instead', () => {
    expect(refused(['--access-key', 'x'])).toBe(
      "Unknown option '--access-key': this setting has no flag so that the secret never shows in process lists; set RAYVISION_API_ACCESS_KEY instead (or --access-key-file <path>).",
    );
  });

  it('a mistyped command is refused, not ignored', () => {
    expect(refused(['sandboxx'], CREDENTIALS)).toBe(
      "Unknown command 'sandboxx' (did you mean sandbox?); the only command is sandbox, and without one rayvision-mcp serves MCP. Run with --help to see the usage.",
    );
    expect(refused(['serve'], CREDENTIALS)).toMatch(/^Unknown command 'serve'; the only command is sandbox/);
    expect(refused(['--seed', '2', 'sandbox'])).toBe("The command 'sandbox' must come first, before any option: rayvision-mcp sandbox [options].");
  });

  it('a value given to an on/off flag', () => {
    const expected = 'Option \'--sandbox\' takes no value (got "1"): write --sandbox alone to turn it on, or set RAYVISION_SANDBOX=1 or 0.';
    expect(refused(['--sandbox=1'])).toBe(expected);
    expect(refused(['--sandbox', '1'])).toBe(expected);
  });

  it('a flag without its value', () => {
    const expected = "Option '--domain' needs a value: write --domain <value> or --domain=<value> (or set RAYVISION_API_DOMAIN).";
    expect(refused(['--domain'], CREDENTIALS)).toBe(expected);
    expect(refused(['--domain', '--read-only'], CREDENTIALS)).toBe(expected);
  });

  it('a port out of range is called a port, in the domain and for --port', () => {
    expect(refused(['--domain', 'localhost:99999'], CREDENTIALS)).toBe(
      'RAYVISION_API_DOMAIN (--domain): the port after the colon must be from 1 to 65535 (got "localhost:99999").',
    );
    expect(refused(['--http', '--port', '99999'], CREDENTIALS)).toBe('RAYVISION_HTTP_PORT (--port): must be a port number from 0 to 65535 (got "99999").');
  });

  it('the sandbox command lists its own flags', () => {
    expect(refused(['sandbox', '--prot', '3'])).toBe(
      "Unknown option '--prot' (did you mean --port?); the options are --port, --host, --seed, --speed, --tasks, --balance, --fault, --fault-seed, --help. Run with --help to see what each option does.",
    );
    expect(refused(['sandbox', 'now'])).toBe("Unexpected argument 'now': this command takes options only. Run with --help to see what each option does.");
  });
});
