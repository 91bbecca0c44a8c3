import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/client/options.js';
import { idleHttpOptions, loadHttpSettings } from '../src/server/http-options.js';
import { CLI, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';
import { TOKEN } from './helpers/http-server.js';

/**
 * What the HTTP settings refuse before the server listens: a public address without a token or allowed hosts, a
 * token a bearer header cannot carry, and the token on the command line; and the HTTP options idle over stdio.
 */

describe('binding', () => {
  it('refuses to start on a non-loopback address without a token, naming the variable', () => {
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '192.168.1.20' })).toThrow(
      /RAYVISION_HTTP_TOKEN is not set: binding to 192\.168\.1\.20/,
    );
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '192.168.1.20', RAYVISION_HTTP_TOKEN: 'short' })).toThrow(
      /at least 16 characters/,
    );
    expect(() => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_HOST: '0.0.0.0', RAYVISION_HTTP_TOKEN: TOKEN })).toThrow(
      /RAYVISION_HTTP_ALLOWED_HOSTS/,
    );
    const ok = loadHttpSettings({
      RAYVISION_HTTP: '1',
      RAYVISION_HTTP_HOST: '0.0.0.0',
      RAYVISION_HTTP_TOKEN: TOKEN,
      RAYVISION_HTTP_ALLOWED_HOSTS: 'mcp.example.com',
    });
    expect(ok.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'mcp.example.com']);
  });

  it('the CLI exits with a one-line reason, and never listens, when --host is public and no token is set', () => {
    ensureBuilt();
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_')));
    const result = spawnSync(process.execPath, [CLI, '--http', '--sandbox', '--host', '0.0.0.0', '--port', '0'], {
      env,
      encoding: 'utf8',
      input: '',
      timeout: 15_000,
    });
    witness(result.stdout + result.stderr);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^rayvision-mcp: RAYVISION_HTTP_TOKEN is not set: binding to 0\.0\.0\.0/);
  });

  it('names HTTP options that do nothing because the server runs over stdio', () => {
    expect(idleHttpOptions({ RAYVISION_HTTP_PORT: '8080', RAYVISION_HTTP_STATELESS: '1' })).toEqual([
      'RAYVISION_HTTP_PORT (--port)',
      'RAYVISION_HTTP_STATELESS (--stateless)',
    ]);
    expect(idleHttpOptions({ RAYVISION_HTTP: '1', RAYVISION_HTTP_PORT: '8080' })).toEqual([]);
  });

  it('has no command-line twin for the token, so it cannot show in a process list', () => {
    ensureBuilt();
    const result = spawnSync(process.execPath, [CLI, '--http', '--token', TOKEN], { encoding: 'utf8', input: '', timeout: 15_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--token'/);
  });
});

describe('the token, checked at start-up for what a header can carry', () => {
  const load = (token: string) => () => loadHttpSettings({ RAYVISION_HTTP: '1', RAYVISION_HTTP_TOKEN: token });
  it('refuses spaces, non-ASCII and other characters a bearer token cannot hold, without echoing the token', () => {
    for (const [token, what] of [
      ['correct horse battery staple', 'a space'],
      ['pässwörter-0123456789abcdef', 'a non-ASCII character'],
      ['0123456789abcdef=0123', '"=" before the end'],
      ['0123456789abcdef#0123', 'punctuation other than'],
    ] as const) {
      let message = '';
      try {
        load(token)();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message, token).toContain(`RAYVISION_HTTP_TOKEN: the token contains ${what}`);
      expect(message).toMatch(/which an "Authorization: Bearer" header cannot carry; use only letters, digits and - \. _ ~ \+ \//);
      for (const part of token.split(/[ =#]/)) expect(message).not.toContain(part);
    }
  });

  it('takes several tokens, comma-separated, each checked alike', () => {
    const other = 'second-token-abcdefghijklmnop';
    expect(loadHttpSettings({ RAYVISION_HTTP_TOKEN: ` ${TOKEN} , ${other}==` }).tokens).toEqual([TOKEN, `${other}==`]);
    expect(load(`${TOKEN},short`)).toThrow(/token 2 of 2 must be at least 16 characters/);
    expect(load(`${TOKEN},${TOKEN}`)).toThrow(/the same token is listed twice/);
    expect(load('0123456789abcdef0123/+._~-==')).not.toThrow();
  });
});
