import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 71 });
const { call } = session;

type FarmEnv = { editName: string; cgId: number; cgVersion: string; osName: number; isDefault: number; respUserPluginInfoVos?: { pluginId: number }[] };
type Catalogue = {
  cgVersion: { id: number; cgVersion: string }[];
  cgPlugin: { cvId: number; pluginName: string; pluginVersions: { pluginId: number; pluginName: string; pluginVersion: string }[] }[];
};

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
    expect(preview.text).toBe(
      `Dry run: would create render environment "ide_shot_env"; would make it the default for Maya. Call again with dry_run false to apply.\n\nide_shot_env  Maya ${version}  windows  default  plugins: ${plugin}`,
    );
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
    const writes =
      session.sandbox.requests.count('add_render_env') +
      session.sandbox.requests.count('update_render_env') +
      session.sandbox.requests.count('set_default_render_env');
    const again = ok(await call('configure_render_env', args));
    expect(again['action']).toBe('unchanged');
    expect(
      session.sandbox.requests.count('add_render_env') +
        session.sandbox.requests.count('update_render_env') +
        session.sandbox.requests.count('set_default_render_env'),
    ).toBe(writes);
  });

  it('never changes an existing environment silently: before and after, then update or create only when asked', async () => {
    const { version, others } = mayaWithPlugin();
    const other = others.find((v) => v !== version)!;
    const writes = () => session.sandbox.requests.count('add_render_env') + session.sandbox.requests.count('update_render_env');
    const sent = writes();
    const asked = await call('configure_render_env', { cg_id: 'maya', version: other, name: 'ide_shot_env' });
    expect(ok(asked)['action']).toBe('choice_needed');
    expect(asked.text).toMatch(new RegExp(`\nbefore: ide_shot_env  Maya ${version} .*\nafter:  ide_shot_env  Maya ${other}  windows  default  no plugins$`));
    expect(asked.text).toContain('change "update"');
    expect(writes()).toBe(sent);
    expect(farmEnvs(2000).find((e) => e.editName === 'ide_shot_env')).toMatchObject({ cgVersion: version });

    const beside = ok(await call('configure_render_env', { cg_id: 'maya', version: other, name: 'ide_shot_env', change: 'create' }));
    expect(beside['action']).toBe('created');
    const created = (beside['env'] as { name: string }).name;
    expect(created).not.toBe('ide_shot_env');
    expect(farmEnvs(2000).find((e) => e.editName === created)).toMatchObject({ cgVersion: other });
    expect(farmEnvs(2000).find((e) => e.editName === 'ide_shot_env')).toMatchObject({ cgVersion: version });

    const updated = await call('configure_render_env', { cg_id: 'maya', version: other, name: 'ide_shot_env', change: 'update' });
    expect(ok(updated)['action']).toBe('updated');
    expect(updated.text).toMatch(new RegExp(`\nbefore: ide_shot_env  Maya ${version} .*\nafter:  ide_shot_env  Maya ${other}  windows  default  no plugins$`));
    expect(farmEnvs(2000).find((e) => e.editName === 'ide_shot_env')).toMatchObject({ cgVersion: other, isDefault: 1 });
  });

  it('keeps the environments of each OS apart: linux never rewrites a Windows one', async () => {
    const windows = farmEnvs(2000).find((e) => e.osName === 1)!;
    const before = JSON.stringify(windows);
    const refused = await call('configure_render_env', { cg_id: 'maya', version: windows.cgVersion, name: windows.editName, os: 'linux' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain(`"${windows.editName}" is a Windows environment; os linux never rewrites it`);
    expect(JSON.stringify(farmEnvs(2000).find((e) => e.editName === windows.editName))).toBe(before);

    // The default name of a Windows environment that a Linux one already holds gets the OS in it instead.
    expect(farmEnvs(2000).find((e) => e.editName === 'maya_2024')).toMatchObject({ osName: 0 });
    const windowsDefault = ok(await call('configure_render_env', { cg_id: 'maya', version: '2024', dry_run: true }));
    expect(windowsDefault).toMatchObject({ action: 'would_create', env: { name: 'maya_2024_windows', os: 'windows' } });

    const houdini = catalogue(2004).cgVersion[0]!.cgVersion;
    const named = ok(await call('configure_render_env', { cg_id: 'houdini', version: houdini, os: 'linux' }));
    const expectedName = `houdini_${houdini}_linux`.toLowerCase();
    expect(named['env']).toMatchObject({ name: expectedName, os: 'linux' });
    expect(farmEnvs(2004).find((e) => e.editName === expectedName)).toMatchObject({ cgVersion: houdini, osName: 0 });
  });

  it('takes one version of each plugin', async () => {
    const result = await call('configure_render_env', { cg_id: 'maya', version: '2024', plugins: ['redshift 3.0.45', 'redshift 3.5.16'], dry_run: true });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('An environment takes one version of each plugin, and redshift is asked for 2 times (redshift 3.0.45, redshift 3.5.16)');
  });

  it('ranks the nearest plugin versions within the plugin asked for, closest first', async () => {
    const result = await call('configure_render_env', { cg_id: 'maya', version: '2024', plugins: ['redshift 3.5.99'], dry_run: true });
    expect(result.isError).toBe(true);
    const redshift = catalogue(2000).cgPlugin.find(
      (p) => p.pluginName === 'redshift' && p.cvId === catalogue(2000).cgVersion.find((v) => v.cgVersion === '2024')!.id,
    )!;
    const versions = redshift.pluginVersions.map((p) => p.pluginVersion.replace(/^redshift /, '')).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    expect(versions[0]).toBe('3.5.16');
    expect(result.text).toContain(`nearest: ${versions.map((v) => `redshift ${v}`).join(', ')}, `);
  });

  it('reads "arnold" as Maya\'s Arnold plugin, mtoa', async () => {
    const result = ok(await call('configure_render_env', { cg_id: 'maya', version: '2024', plugins: ['arnold 5.3.1'], dry_run: true }));
    expect((result['env'] as { plugins: string[] }).plugins).toEqual(['mtoa 5.3.1']);
  });

  it('refuses a program the farm does not render, with the names of those it does', async () => {
    const result = await call('configure_render_env', { cg_id: 'lightwave', version: '2020' });
    expect(result.isError).toBe(true);
    const offered = session.sandbox.farm.call('get_supported_software') as { renderInfoList: { cgName: string }[] };
    expect(result.text).toMatch(/^The farm does not render lightwave \(cgId 2002\); it renders /);
    for (const { cgName } of offered.renderInfoList) expect(result.text).toContain(cgName);
    expect(result.text).not.toContain('failed');
  });
});

describe('a render environment for Maya 2024 with Redshift and Arnold, as a user asks for it', () => {
  it('takes at most three calls: the versions on offer, a dry run, then the environment', async () => {
    const calls: string[] = [];
    const ask = (args: Record<string, unknown>) => {
      calls.push(JSON.stringify(args));
      return call('configure_render_env', { cg_id: 'maya', version: '2024', ...args });
    };
    // 1. The plugins by name: the farm offers several versions of each, and the answer names them all at once.
    const first = await ask({ plugins: ['redshift', 'arnold'], dry_run: true });
    expect(first.isError).toBe(true);
    const redshift = /redshift (\d[\d.]*) \(\d+\)(?![\s\S]*redshift \d[\d.]* \(\d+\))/.exec(first.text)?.[1];
    const mtoa = /mtoa (\d[\d.]*) \(\d+\)(?![\s\S]*mtoa \d[\d.]* \(\d+\))/.exec(first.text)?.[1];
    expect(first.text).toContain('"arnold" (mtoa on the farm)');
    expect(redshift && mtoa).toBeTruthy();
    // 2. The newest of each, as a dry run.
    const preview = ok(await ask({ plugins: [`redshift ${redshift}`, `arnold ${mtoa}`], name: 'maya_2024_rs_arnold', dry_run: true }));
    expect(preview['action']).toBe('would_create');
    // 3. Applied.
    const done = ok(await ask({ plugins: [`redshift ${redshift}`, `arnold ${mtoa}`], name: 'maya_2024_rs_arnold' }));
    expect(done['action']).toBe('created');
    expect(calls.length).toBeLessThanOrEqual(3);
    const env = farmEnvs(2000).find((e) => e.editName === 'maya_2024_rs_arnold')!;
    const labels = env.respUserPluginInfoVos!.map((p) => p.pluginId);
    const offered = catalogue(2000).cgPlugin.flatMap((p) => p.pluginVersions);
    const names = labels.map((id) => offered.find((p) => p.pluginId === id)!);
    expect(names.map((p) => `${p.pluginName} ${p.pluginVersion.replace(/^\S+ /, '')}`).sort()).toEqual([`mtoa ${mtoa}`, `redshift ${redshift}`]);
  });
});
