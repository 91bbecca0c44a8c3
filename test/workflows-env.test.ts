import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 71 });
const { call } = session;

type FarmEnv = { editName: string; cgId: number; cgVersion: string; osName: number; isDefault: number; respUserPluginInfoVos?: { pluginId: number }[] };
type Catalogue = { cgVersion: { id: number; cgVersion: string }[]; cgPlugin: { cvId: number; pluginName: string; pluginVersions: { pluginId: number; pluginName: string; pluginVersion: string }[] }[] };

const farmEnvs = (cgId: number) => session.sandbox.farm.call('get_render_env', { cgId }) as FarmEnv[];
const catalogue = (cgId: number) => session.sandbox.farm.call('get_supported_plugins', { cgId, osName: 'windows' }) as Catalogue;

/** A Maya version with a plugin, and that plugin's version as a user would write it (`mtoa 5.3.1`). */
function mayaWithPlugin() {
  const maya = catalogue(2000);
  const plugin = maya.cgPlugin.find((p) => p.pluginVersions.length > 0)!;
  const version = maya.cgVersion.find((v) => v.id === plugin.cvId)!;
  const pv = plugin.pluginVersions.at(-1)!;
  const text = pv.pluginVersion.toLowerCase().startsWith(`${pv.pluginName.toLowerCase()} `) ? pv.pluginVersion : `${pv.pluginName} ${pv.pluginVersion}`;
  return { version: version.cgVersion, plugin: text, pluginId: pv.pluginId, others: maya.cgVersion.map((v) => v.cgVersion) };
}

describe('configure_render_env', () => {
  it('refuses a version the farm does not offer, naming the nearest, before any write', async () => {
    const versions = catalogue(2000).cgVersion.map((v) => Number(v.cgVersion));
    const missing = 2021;
    expect(versions).not.toContain(missing);
    const nearest = [...versions].sort((a, b) => Math.abs(a - missing) - Math.abs(b - missing)).slice(0, 2);
    const writes = session.sandbox.requests.count('add_render_env') + session.sandbox.requests.count('update_render_env');
    const result = await call('configure_render_env', { cg_id: 'maya', version: String(missing) });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^Maya has no version "2021" on windows; nearest: /);
    for (const version of nearest) expect(result.text).toContain(String(version));
    expect(result.text).toMatch(/Nothing was changed\.$/);
    expect(session.sandbox.requests.count('add_render_env') + session.sandbox.requests.count('update_render_env')).toBe(writes);
  });

  it('refuses a plugin the farm does not offer for that version, naming the nearest', async () => {
    const { version, plugin } = mayaWithPlugin();
    const name = plugin.split(' ')[0]!;
    const result = await call('configure_render_env', { cg_id: 2000, version, plugins: [`${name} 99.9`] });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`No plugin "${name} 99.9" for ${version}; nearest: `);
    expect(result.text).toContain(name);
  });

  it('shows what it would create in a dry run, then creates it as the default, which the farm lists', async () => {
    const { version, plugin, pluginId } = mayaWithPlugin();
    const args = { cg_id: 'maya', version, plugins: [plugin], name: 'ide_shot_env', make_default: true };
    const preview = await call('configure_render_env', { ...args, dry_run: true });
    const p = ok(preview);
    expect(p['action']).toBe('would_create');
    expect(preview.text).toBe(`Dry run: would create render environment "ide_shot_env"; would make it the default for Maya. Call again with dry_run false to apply.\n\nide_shot_env  Maya ${version}  windows  default  plugins: ${plugin}`);
    expect(session.sandbox.requests.count('add_render_env')).toBe(0);
    expect(farmEnvs(2000).some((e) => e.editName === 'ide_shot_env')).toBe(false);

    const created = ok(await call('configure_render_env', args));
    expect(created['action']).toBe('created');
    const env = farmEnvs(2000).find((e) => e.editName === 'ide_shot_env')!;
    expect(env).toMatchObject({ cgVersion: version, osName: 1, isDefault: 1 });
    expect(env.respUserPluginInfoVos!.map((p) => p.pluginId)).toEqual([pluginId]);
    expect(farmEnvs(2000).filter((e) => e.isDefault === 1)).toHaveLength(1);

    const listed = ok(await call('get_render_env', { cg_id: 'maya' }))['envs'] as { name: string; default?: boolean }[];
    expect(listed.find((e) => e.name === 'ide_shot_env')).toMatchObject({ default: true });

    // The same request again changes nothing and sends no write.
    const writes = session.sandbox.requests.count('add_render_env') + session.sandbox.requests.count('update_render_env') + session.sandbox.requests.count('set_default_render_env');
    const again = ok(await call('configure_render_env', args));
    expect(again['action']).toBe('unchanged');
    expect(session.sandbox.requests.count('add_render_env') + session.sandbox.requests.count('update_render_env') + session.sandbox.requests.count('set_default_render_env')).toBe(writes);
  });

  it('updates an existing environment, showing before and after, and names one by software and version by default', async () => {
    const { version, others } = mayaWithPlugin();
    const other = others.find((v) => v !== version)!;
    const result = await call('configure_render_env', { cg_id: 'maya', version: other, name: 'ide_shot_env' });
    expect(ok(result)['action']).toBe('updated');
    expect(result.text).toMatch(new RegExp(`\nbefore: ide_shot_env  Maya ${version} .*\nafter:  ide_shot_env  Maya ${other}  windows  default  no plugins$`));
    expect(farmEnvs(2000).find((e) => e.editName === 'ide_shot_env')).toMatchObject({ cgVersion: other, isDefault: 1 });

    const houdini = catalogue(2004).cgVersion[0]!.cgVersion;
    const named = ok(await call('configure_render_env', { cg_id: 'houdini', version: houdini, os: 'linux' }));
    const expectedName = `houdini_${houdini}`.toLowerCase();
    expect(named['env']).toMatchObject({ name: expectedName, os: 'linux' });
    expect(farmEnvs(2004).find((e) => e.editName === expectedName)).toMatchObject({ cgVersion: houdini, osName: 0 });
  });
});
