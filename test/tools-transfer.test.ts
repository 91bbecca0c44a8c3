import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, startHarness, type Harness, expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 22 });
const { call, sent } = session;
let revealing: Harness;
beforeAll(async () => {
  revealing = await startHarness({ reuse: session.sandbox, settings: { revealSecrets: true } });
});
afterAll(() => revealing?.close());

/** Every string value under a key matching `key`, at any depth. */
function valuesOf(value: unknown, key: RegExp): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, key));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (key.test(k) && typeof v === 'string' && v ? [v] : valuesOf(v, key)));
  }
  return [];
}

describe('transfer ids and servers', () => {
  it('get_transfer_bid lists the bids', async () => {
    const result = await call('get_transfer_bid');
    const bids = ok(result)['bids'] as Record<string, string>;
    expect(bids['input_bid']).toMatch(/^\d+$/);
    expect(bids['output_bid']).toMatch(/^\d+$/);
    expect(result.text).toMatch(/^output_bid: \d+$/m);
  });

  it('get_transfer_server_info sends zone 1 on a non-renderbus domain, as the SDK does', async () => {
    const result = await call('get_transfer_server_info');
    const info = ok(result)['info'] as Record<string, unknown>;
    expect(sent('get_transfer_server_info').at(-1)).toEqual({ zone: 1 });
    expect(info['server']).toMatch(/:\d+$/);
    expect(result.text).toMatch(/^server: /m);
  });
});

describe('secrets', () => {
  it('get_transfer_config hides passwords unless revealed', async () => {
    const raw = await session.harness.connector.call<Record<string, unknown>>('get_transfer_config');
    const passwords = valuesOf(raw, /password/i);
    expect(passwords.length).toBeGreaterThan(0);
    const result = await call('get_transfer_config');
    const s = ok(result);
    expect(s['redacted']).toBe(true);
    expect((s['engines'] as unknown[]).length).toBeGreaterThan(0);
    const everything = `${result.text}\n${JSON.stringify(result.structured)}`;
    for (const password of passwords) expect(everything).not.toContain(password);
    expect(result.text).toContain('[redacted]');
    expect(result.text).toMatch(/RAYVISION_REVEAL_SECRETS=1/);

    const shown = await callTool(revealing.client, 'get_transfer_config');
    expect(ok(shown)['redacted']).toBe(false);
    for (const password of passwords) expect(shown.text).toContain(password);
  });

  it('get_raysync_user_key hides the keys and leaves out contact details', async () => {
    const raw = await session.harness.connector.call<Record<string, unknown>>('get_raysync_user_key');
    const secrets = [raw['raySyncUserKey'], raw['userKey']].filter((v): v is string => typeof v === 'string' && v.length > 0);
    expect(secrets.length).toBeGreaterThan(0);
    const result = await call('get_raysync_user_key');
    const s = ok(result);
    expect(s['redacted']).toBe(true);
    expect((s['credentials'] as Record<string, unknown>)['raysync_user_key']).toBe('[redacted]');
    const everything = `${result.text}\n${JSON.stringify(result.structured)}`;
    for (const secret of secrets) expect(everything).not.toContain(secret);
    for (const key of ['phone', 'email']) {
      const value = raw[key];
      if (typeof value === 'string' && value.length > 3) expect(everything).not.toContain(value);
    }

    const shown = await callTool(revealing.client, 'get_raysync_user_key');
    expect((ok(shown)['credentials'] as Record<string, unknown>)['raysync_user_key']).toBe(raw['raySyncUserKey']);
  });
});

describe('list_output_files', () => {
  type Entry = { name: string; folder: boolean; size?: number; path?: string };

  it('lists the output root with folders first and sizes in words', async () => {
    const result = await call('list_output_files');
    const s = ok(result);
    expect(sent('list_output_files').at(-1)).toEqual({ treePath: '/' });
    const files = s['files'] as Entry[];
    expect(files.length).toBeGreaterThan(0);
    const firstFile = files.findIndex((f) => !f.folder);
    if (firstFile >= 0) expect(files.slice(firstFile).every((f) => !f.folder)).toBe(true);
    expect(result.text).toContain('name\ttype\tsize\tmodified');
    if (files.some((f) => f.size)) expect(result.text).toMatch(/\d (B|KB|MB|GB)\b/);
  });

  it('opens a folder and a task by id or alias', async () => {
    const root = ok(await call('list_output_files'))['files'] as Entry[];
    const folder = root.find((f) => f.folder && f.path);
    expect(folder).toBeDefined();
    const inside = ok(await call('list_output_files', { tree_path: folder!.path }));
    expect(inside['path']).toBe(folder!.path);
    expect(sent('list_output_files').at(-1)).toEqual({ treePath: folder!.path });

    const tasks = ok(await callTool(session.harness.client, 'get_task_list', { page_size: 5 }))['tasks'] as { id: number; alias?: string }[];
    const task = tasks.find((t) => t.alias) ?? tasks[0]!;
    ok(await call('list_output_files', { task_id: task.alias ?? task.id }));
    expect(sent('list_output_files').at(-1)).toEqual({ treePath: '/', taskId: task.id });
  });

  it('refuses a path that climbs out of the output root before anything is sent', async () => {
    const count = session.sandbox.requests.count('list_output_files');
    const result = await call('list_output_files', { tree_path: '/a/../../etc' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/\.\./);
    expect(session.sandbox.requests.count('list_output_files')).toBe(count);
  });
});
