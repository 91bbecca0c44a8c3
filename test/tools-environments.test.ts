import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { silentLogger } from '../src/client/log.js';
import { callTool, DEFAULT_SETTINGS, expectOk as ok, useFarmSession, legacyServer } from './helpers/harness.js';

// Token mode: each destructive tool shows its preview, and the test plays the user who agrees by passing the token.
const session = useFarmSession({ seed: 25, harness: { settings: { confirmationMode: 'token' } } });
const { call, sent } = session;

type Version = { id: number; version: string; plugins?: { name: string; versions: { id: number; version: string }[] }[] };
type Env = { name: string; cg_id: number; software: string; version?: string; os?: string; default?: boolean; plugins?: string[]; plugin_ids?: number[] };

async function versions(cgId: string, os = 'windows'): Promise<Version[]> {
  return ok(await call('get_supported_plugins', { cg_id: cgId, os }))['versions'] as Version[];
}

async function envs(args: Record<string, unknown> = { cg_id: 'maya' }): Promise<Env[]> {
  return ok(await call('get_render_env', args))['envs'] as Env[];
}

describe('software catalogue', () => {
  it('get_supported_software lists programs with cgIds and Linux support', async () => {
    const result = await call('get_supported_software');
    const s = ok(result);
    const software = s['software'] as { cg_id: number; name: string; key: string; linux?: boolean }[];
    expect(software.find((p) => p.cg_id === 2000)).toMatchObject({ key: 'maya', linux: true });
    expect(result.text).toContain('cg_id\tname\tkey\tfile_types\tlinux\tdefault');
    expect(typeof s['default_cg_id']).toBe('number');
  });

  it('get_supported_plugins shows versions and plugin versions with their ids', async () => {
    const result = await call('get_supported_plugins', { cg_id: 'maya' });
    const s = ok(result);
    expect(sent('get_supported_plugins').at(-1)).toEqual({ cgId: 2000, osName: 'windows' });
    const list = s['versions'] as Version[];
    expect(list.length).toBeGreaterThan(1);
    const withPlugins = list.find((v) => v.plugins?.length)!;
    const plugin = withPlugins.plugins![0]!;
    expect(result.text).toContain(`${withPlugins.version}\t${withPlugins.id}\t${plugin.name}\t`);
    expect(result.text).toContain(`${plugin.versions[0]!.version}=${plugin.versions[0]!.id}`);
    // Plugin versions are shown without repeating the plugin's name.
    expect(plugin.versions[0]!.version.startsWith(plugin.name)).toBe(false);
  });

  it('filters by version and names the nearest versions when one does not exist', async () => {
    const [first] = await versions('maya', 'linux');
    const one = ok(await call('get_supported_plugins', { cg_id: 2000, os: 'linux', version: first!.version }));
    expect(sent('get_supported_plugins').at(-1)).toEqual({ cgId: 2000, osName: 'linux' });
    expect(one['versions']).toHaveLength(1);
    const missing = await call('get_supported_plugins', { cg_id: 'maya', version: '2021' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/no version "2021" on windows; nearest: 20(20|22)/);
  });
});

describe('render environments', () => {
  it('get_render_env lists both OSes unless asked, and marks the default', async () => {
    const all = await call('get_render_env', { cg_id: 'maya' });
    ok(all);
    expect(sent('get_render_env').at(-1)).toEqual({ cgId: 2000 });
    expect(all.text).toMatch(/render environments? for maya\./);
    ok(await call('get_render_env', { cg_ids: ['maya', 'houdini'], os: 'linux' }));
    expect(sent('get_render_env').at(-1)).toEqual({ cgIds: [2000, 2004], osName: 0 });
    const everything = ok(await call('get_render_env'));
    expect(sent('get_render_env').at(-1)?.['cgIds']).toEqual(expect.arrayContaining([2000, 2001, 2004]));
    expect(Array.isArray(everything['envs'])).toBe(true);
  });

  it('add_render_env resolves the version and plugins and creates the environment', async () => {
    const list = await versions('maya');
    const version = list.find((v) => v.plugins?.length)!;
    const pluginId = version.plugins![0]!.versions[0]!.id;
    const count = session.sandbox.requests.count('add_render_env');
    const result = await call('add_render_env', { cg_id: 'maya', name: 'mcp-env', version: `Maya ${version.version}`, plugin_ids: [pluginId] });
    const s = ok(result);
    expect(session.sandbox.requests.count('add_render_env')).toBe(count + 1);
    expect(sent('add_render_env').at(-1)).toEqual({
      cgId: 2000,
      cgName: 'Maya',
      cgVersion: version.version,
      editName: 'mcp-env',
      renderSystem: 1,
      pluginIds: [pluginId],
    });
    expect((s['env'] as Env).plugin_ids).toEqual([pluginId]);
    const created = (await envs()).find((e) => e.name === 'mcp-env');
    expect(created).toMatchObject({ version: version.version, os: 'windows', plugin_ids: [pluginId] });
  });

  it('refuses unknown versions and plugins with the nearest ones, sending nothing', async () => {
    const list = await versions('maya');
    const [a, b] = list.filter((v) => v.plugins?.length);
    const foreign = a!.plugins![0]!.versions[0]!.id;
    const count = session.sandbox.requests.count('add_render_env');
    const badVersion = await call('add_render_env', { cg_id: 'maya', name: 'mcp-bad', version: '2021' });
    expect(badVersion.isError).toBe(true);
    expect(badVersion.text).toMatch(/no version "2021".*nearest: .*Nothing was changed\./);
    const badPlugin = await call('add_render_env', { cg_id: 'maya', name: 'mcp-bad', version: b!.version, plugin_ids: [foreign, 99_999_999] });
    expect(badPlugin.isError).toBe(true);
    expect(badPlugin.text).toContain(`Plugin id ${foreign} (`);
    expect(badPlugin.text).toContain(`is for Maya ${a!.version}, not ${b!.version}; nearest: `);
    expect(badPlugin.text).toContain('Plugin id 99999999 does not exist');
    expect(session.sandbox.requests.count('add_render_env')).toBe(count);
    const duplicate = await call('add_render_env', { cg_id: 'maya', name: 'mcp-env', version: a!.version });
    expect(duplicate.isError).toBe(true);
    expect(duplicate.text).toMatch(/already exists for maya; use update_render_env/);
    expect(session.sandbox.requests.count('add_render_env')).toBe(count);
  });

  it('update_render_env changes only what is given', async () => {
    const before = (await envs()).find((e) => e.name === 'mcp-env')!;
    expect(before).toBeDefined();
    const result = await call('update_render_env', { cg_id: 'maya', name: 'mcp-env', plugin_ids: [] });
    const s = ok(result);
    expect(result.text).toMatch(/^before: mcp-env .*\nafter: {2}mcp-env .*no plugins$/m);
    expect(sent('update_render_env').at(-1)).toMatchObject({ editName: 'mcp-env', cgVersion: before.version, renderSystem: 1, pluginIds: [] });
    expect((s['previous'] as Env).plugin_ids).toEqual(before.plugin_ids);
    const after = (await envs()).find((e) => e.name === 'mcp-env')!;
    expect(after.version).toBe(before.version);
    expect(after.plugin_ids ?? []).toEqual([]);

    const missing = await call('update_render_env', { cg_id: 'maya', name: 'mcp-nope' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/No render environment named "mcp-nope" for maya; existing: .*mcp-env/);
  });

  it('set_default_render_env makes it the default', async () => {
    const result = await call('set_default_render_env', { cg_id: 'maya', name: 'mcp-env' });
    ok(result);
    expect(sent('set_default_render_env').at(-1)).toEqual({ editName: 'mcp-env' });
    expect((await envs()).find((e) => e.name === 'mcp-env')?.default).toBe(true);
    const again = await call('set_default_render_env', { cg_id: 'maya', name: 'mcp-env' });
    expect(ok(again)['message']).toMatch(/already the default/);
  });

  it('delete_render_env previews (saying it is the default) and deletes only with the token', async () => {
    const count = session.sandbox.requests.count('delete_render_env');
    const preview = await call('delete_render_env', { cg_id: 'maya', name: 'mcp-env' });
    const s = ok(preview);
    expect(s['status']).toBe('confirmation_required');
    expect(preview.text).toMatch(/"mcp-env" .*\(the default environment for Maya\)/);
    expect(session.sandbox.requests.count('delete_render_env')).toBe(count);

    const done = await call('delete_render_env', { cg_id: 'maya', name: 'mcp-env', confirmation_token: s['confirmation_token'] });
    expect(ok(done)['status']).toBe('done');
    expect(sent('delete_render_env').at(-1)).toEqual({ editName: 'mcp-env' });
    expect((await envs()).map((e) => e.name)).not.toContain('mcp-env');
  });
});

describe('render environments on the classic API', () => {
  it('asks once per program (classic takes one cgId and no OS) and filters the OS itself', async () => {
    const connector = new Connector(session.sandbox.connectorConfig({ scheme: 'classic' }), { logger: silentLogger, retryBaseMs: 5 });
    const mcp = legacyServer({ connector, logger: silentLogger, settings: { ...DEFAULT_SETTINGS, confirmationMode: 'token' } });
    const client = new Client({ name: 'classic-test', version: '1.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
    try {
      const path = connector.pathOf('get_render_env');
      const before = session.bodies.filter((b) => b.path === path).length;
      const result = await callTool(client, 'get_render_env', { cg_ids: ['maya', 'houdini'], os: 'windows' });
      const found = ok(result)['envs'] as Env[];
      expect(
        session.bodies
          .filter((b) => b.path === path)
          .slice(before)
          .map((b) => b.body),
      ).toEqual([{ cgId: 2000 }, { cgId: 2004 }]);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((e) => e.os === 'windows' && (e.cg_id === 2000 || e.cg_id === 2004))).toBe(true);
      const current = (await envs({ cg_ids: ['maya', 'houdini'], os: 'windows' })).map((e) => e.name).sort();
      expect(found.map((e) => e.name).sort()).toEqual(current);
    } finally {
      await client.close();
      await mcp.close();
      await connector.close();
    }
  });
});
