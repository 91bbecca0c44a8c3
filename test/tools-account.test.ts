import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 21 });
const { call, sent } = session;

describe('list_platforms', () => {
  it('derives the zone from the domain like the SDK, and names platform types and statuses in words', async () => {
    const result = await call('list_platforms');
    const s = ok(result);
    // The sandbox domain (127.0.0.1:port) does not contain "renderbus": zone 2.
    expect(sent('list_platforms').at(-1)).toEqual({ zone: 2 });
    expect(s['zone']).toBe('international');
    const platforms = s['platforms'] as { platform: number; type?: string; status?: string }[];
    expect(platforms.length).toBeGreaterThan(0);
    for (const p of platforms) {
      expect(typeof p.platform).toBe('number');
      if (p.type) expect(['gpu', 'cpu', 'still_image']).toContain(p.type);
      if (p.status) expect(['not_activated', 'normal', 'busy', 'full']).toContain(p.status);
    }
    expect(result.text).toContain('platform\tname\ttype\tstatus');
    expect(result.text).not.toMatch(/query_platform_/);
  });

  it('sends the zone the caller names', async () => {
    // The sandbox account is overseas (zone 2, like its domain): the farm refuses the China list with 608.
    const result = await call('list_platforms', { zone: 'china' });
    expect(sent('list_platforms').at(-1)).toEqual({ zone: 1 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/608 USER_AREA_ERROR/);
  });
});

describe('get_user_profile', () => {
  it('shows balance and prices but no contact details', async () => {
    const raw = await session.harness.connector.call<Record<string, unknown>>('get_user_profile');
    const result = await call('get_user_profile');
    const profile = ok(result)['profile'] as Record<string, unknown>;
    expect(profile['currency']).toMatch(/^(CNY|USD)$/);
    expect(profile['user_id']).toBe(raw['userId']);
    expect(result.text).toMatch(/^balance: /m);
    const everything = `${result.text}\n${JSON.stringify(result.structured)}`;
    for (const key of ['phone', 'email', 'address', 'city', 'company']) {
      expect(everything).not.toContain(`${key}`);
      const value = raw[key];
      if (typeof value === 'string' && value.length > 3) expect(everything).not.toContain(value);
    }
  });
});

describe('account settings', () => {
  it('reads settings in words with the timeout in seconds', async () => {
    const result = await call('get_user_settings');
    const s = ok(result);
    expect(typeof s['timeout_seconds']).toBe('number');
    expect(result.text).toMatch(/^task_timeout: \d+ s \(/m);
    const settings = s['settings'] as Record<string, unknown>;
    expect(Object.keys(settings).length).toBeGreaterThan(3);
    if ('downloads' in settings) expect(['allowed', 'disabled']).toContain(settings['downloads']);
    expect(result.text).not.toMatch(/Flag\b/);
  });

  it('update_user_settings sends seconds and the farm reports the new timeout', async () => {
    const before = ok(await call('get_user_settings'))['timeout_seconds'] as number;
    const target = before === 43_200 ? 21_600 : 43_200;
    const result = await call('update_user_settings', { timeout_seconds: target });
    const s = ok(result);
    expect(s).toMatchObject({ timeout_seconds: target, previous_seconds: before });
    expect(sent('update_user_settings').at(-1)).toEqual({ taskOverTimeSec: target });
    expect(ok(await call('get_user_settings'))['timeout_seconds']).toBe(target);
  });

  it('refuses an out-of-range timeout before anything reaches the farm', async () => {
    const count = session.sandbox.requests.count('update_user_settings');
    const result = await call('update_user_settings', { timeout_seconds: 5 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/timeout_seconds/);
    expect(session.sandbox.requests.count('update_user_settings')).toBe(count);
  });
});
