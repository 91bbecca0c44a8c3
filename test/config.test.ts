import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConnectorConfig } from '../src/client/config.js';
import { ConfigError, readCommandLine } from '../src/client/options.js';
import { CONNECTION_OPTIONS } from '../src/client/config.js';
import { farmClock } from '../src/client/farm-time.js';

const KEY = 'canary-KEY-do-not-print-7f3a9c';
const base = { RAYVISION_API_ACCESS_ID: 'AKID123', RAYVISION_API_ACCESS_KEY: KEY };

function problem(sources: Record<string, string | undefined>): string {
  try {
    loadConnectorConfig(sources);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('connector configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConnectorConfig(base);
    expect(config).toMatchObject({
      domain: 'task.renderbus.com',
      platform: '4',
      scheme: 'current',
      protocol: 'https',
      timeoutMs: 30000,
      languageFlag: '0',
      paths: {},
      concurrency: 8,
    });
  });

  it('picks the dayan scheme and English for dayancloud hosts', () => {
    const config = loadConnectorConfig({ ...base, RAYVISION_API_DOMAIN: 'task.dayancloud.com' });
    expect(config.scheme).toBe('dayan');
    expect(config.languageFlag).toBe('1');
  });

  it('names the variable and the fix for a missing key, without any secret', () => {
    const message = problem({ RAYVISION_API_ACCESS_ID: 'AKID123' });
    expect(message).toMatch(/^RAYVISION_API_ACCESS_KEY is not set: set it to the access key/);
  });

  it('reads the key from RAYVISION_API_ACCESS_KEY_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rv-'));
    writeFileSync(join(dir, 'key'), `${KEY}\n`);
    expect(loadConnectorConfig({ RAYVISION_API_ACCESS_ID: 'A', RAYVISION_API_ACCESS_KEY_FILE: join(dir, 'key') }).accessKey).toBe(KEY);
    expect(problem({ RAYVISION_API_ACCESS_ID: 'A', RAYVISION_API_ACCESS_KEY_FILE: join(dir, 'missing') })).toMatch(
      /RAYVISION_API_ACCESS_KEY_FILE: cannot read .* \(ENOENT\)/,
    );
  });

  it('rejects bad values with the variable name and what to change', () => {
    expect(problem({ ...base, RAYVISION_API_DOMAIN: 'https://task.renderbus.com' })).toMatch(/^RAYVISION_API_DOMAIN \(--domain\): give the host without http/);
    expect(problem({ ...base, RAYVISION_API_SCHEME: 'v3' })).toMatch(/^RAYVISION_API_SCHEME \(--scheme\): must be one of current, classic, dayan \(got "v3"\)/);
    expect(problem({ ...base, RAYVISION_API_TIMEOUT_MS: '5' })).toMatch(
      /RAYVISION_API_TIMEOUT_MS \(--timeout-ms\): must be a whole number from 1000 to 600000/,
    );
    expect(problem({ ...base, RAYVISION_API_LANGUAGE: 'fr' })).toMatch(/RAYVISION_API_LANGUAGE \(--language\): must be zh or en/);
    expect(problem({ ...base, RAYVISION_API_PATHS: '{"get_tasks":"/x"}' })).toMatch(/RAYVISION_API_PATHS: "get_tasks" is not an operation id/);
    expect(problem({ ...base, RAYVISION_API_PATHS: 'nope' })).toMatch(/RAYVISION_API_PATHS: must be a JSON object/);
  });

  it("reads the farm clock's zone: UTC+08:00 as documented, an offset or a zone name, and refuses anything else", () => {
    expect(loadConnectorConfig(base).timeZone).toBe('UTC+08:00');
    expect(loadConnectorConfig({ ...base, RAYVISION_API_TIME_ZONE: '-05:00' }).timeZone).toBe('UTC-05:00');
    expect(loadConnectorConfig({ ...base, RAYVISION_API_TIME_ZONE: 'UTC' }).timeZone).toBe('UTC');
    expect(loadConnectorConfig({ ...base, RAYVISION_API_TIME_ZONE: 'Asia/Shanghai' }).timeZone).toBe('Asia/Shanghai');
    for (const bad of ['Mars/Olympus', '+15:00', '8', 'UTC+8:75']) {
      expect(problem({ ...base, RAYVISION_API_TIME_ZONE: bad }), bad).toMatch(
        /^RAYVISION_API_TIME_ZONE \(--time-zone\): must be an offset such as \+08:00 or UTC, or a zone name such as Asia\/Shanghai \(got ".*"\)\.$/,
      );
    }
  });

  it("reads a zone name's clock across its summer time, both ways", () => {
    const clock = farmClock('America/New_York');
    expect(clock.format(Date.parse('2026-01-15T12:00:00Z'))).toBe('2026-01-15 07:00:00');
    expect(clock.format(Date.parse('2026-07-15T12:00:00Z'))).toBe('2026-07-15 08:00:00');
    expect(clock.parse('2026-07-15 08:00:00')).toBe(Date.parse('2026-07-15T12:00:00Z'));
    expect(clock.parse('2026-01-15 07:00:00')).toBe(Date.parse('2026-01-15T12:00:00Z'));
    expect(farmClock().inUtc('[2026-12-01 18:07:47] Render node up; ends 2026-12-01T18:09:00+08:00')).toBe(
      '[2026-12-01T10:07:47Z] Render node up; ends 2026-12-01T18:09:00+08:00',
    );
    expect(farmClock().inUtc('2026-12-01 00:00:01.250 start, 2026-12-01 00:00:02.5+08:00 end, at 2026-12-01 08:00:00.')).toBe(
      '2026-11-30T16:00:01Z start, 2026-12-01 00:00:02.5+08:00 end, at 2026-12-01T00:00:00Z.',
    );
  });

  it('allows http only to loopback unless explicitly allowed', () => {
    expect(loadConnectorConfig({ ...base, RAYVISION_API_DOMAIN: '127.0.0.1:8080', RAYVISION_API_PROTOCOL: 'http' }).protocol).toBe('http');
    expect(problem({ ...base, RAYVISION_API_DOMAIN: 'farm.example.com', RAYVISION_API_PROTOCOL: 'http' })).toMatch(/RAYVISION_API_ALLOW_INSECURE_HTTP=1/);
    expect(
      loadConnectorConfig({ ...base, RAYVISION_API_DOMAIN: 'farm.example.com', RAYVISION_API_PROTOCOL: 'http', RAYVISION_API_ALLOW_INSECURE_HTTP: '1' })
        .protocol,
    ).toBe('http');
  });

  it('lets a command-line flag win over its environment twin', () => {
    const { sources } = readCommandLine(
      ['--domain', 'task.foxrenderfarm.com', '--scheme=classic'],
      { ...base, RAYVISION_API_DOMAIN: 'x.example.com' },
      Object.values(CONNECTION_OPTIONS),
    );
    const config = loadConnectorConfig(sources);
    expect(config.domain).toBe('task.foxrenderfarm.com');
    expect(config.scheme).toBe('classic');
  });

  it('refuses unknown flags with a pointer to --help', () => {
    expect(() => readCommandLine(['--domian', 'x'], {}, Object.values(CONNECTION_OPTIONS))).toThrow(/Unknown option '--domian'.*--help/);
  });
});
