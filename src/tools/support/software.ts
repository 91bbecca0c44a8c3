import { z } from 'zod';
import {
  OS_CODE,
  OS_NAMES,
  osName,
  type OsName,
  type PluginVersion,
  type RenderEnv,
  type RenderEnvBody,
  type Software,
  type SoftwareCatalog,
  type SoftwareVersion,
} from '../../client/api/index.js';
import { ApiError } from '../../client/errors.js';
import { RefusedError, type ToolContext } from '../define.js';
import { blocks, compact, plural, tsv } from './format.js';
import { softwareName } from './schema.js';

/**
 * Software versions, plugins and render environments as the environment tools, configure_render_env and the
 * resources show them, and the resolver they build on: software name / version text / plugin names or ids → ids,
 * checked against the catalogue the farm API reads (api.environments.catalog).
 */

export const os = z.enum(OS_NAMES).describe('Operating system');

/** `redshift 3.0.45` → `3.0.45` when the version text repeats the plugin name. */
export function pluginVersionText(plugin: Pick<PluginVersion, 'pluginName' | 'pluginVersion'>): string {
  const text = String(plugin.pluginVersion ?? '').trim();
  const name = String(plugin.pluginName ?? '').trim();
  return name && text.toLowerCase().startsWith(`${name.toLowerCase()} `) ? text.slice(name.length + 1).trim() : text;
}

/** `redshift 3.0.45` */
export function pluginLabel(plugin: Pick<PluginVersion, 'pluginName' | 'pluginVersion'>): string {
  const version = pluginVersionText(plugin);
  return [plugin.pluginName, version].filter(Boolean).join(' ');
}

/** The version the text names (`2020`, `Maya 2020`, `r19`); refuses with the nearest versions when none matches. */
export function resolveVersion(catalog: SoftwareCatalog, text: string): SoftwareVersion {
  const wanted = normalizeVersion(text, catalog.name);
  const found = catalog.versions.find((v) => normalizeVersion(v.version, catalog.name) === wanted);
  if (found) return found;
  if (catalog.versions.length === 0) {
    throw new RefusedError(`The farm lists no versions of ${catalog.name} on ${catalog.os}.`);
  }
  const near = nearest(
    catalog.versions.map((v) => v.version),
    text,
  );
  throw new RefusedError(`${catalog.name} has no version "${text}" on ${catalog.os}; nearest: ${near.join(', ')}.`);
}

/**
 * Plugin versions for the given ids or texts (`redshift 3.0.45`, or `redshift` when the version offers only one).
 * Every unknown reference is reported at once, with the nearest ones that do exist for this version.
 */
export function resolvePlugins(catalog: SoftwareCatalog, version: SoftwareVersion, refs: readonly (number | string)[]): PluginVersion[] {
  const chosen: PluginVersion[] = [];
  const problems: string[] = [];
  for (const ref of refs) {
    const result = typeof ref === 'number' ? pluginById(catalog, version, ref) : pluginByText(catalog.cgId, version, ref);
    if (typeof result === 'string') problems.push(result);
    else if (!chosen.some((p) => p.pluginId === result.pluginId)) chosen.push(result);
  }
  // An environment loads one version of each plugin: two of one name would leave the farm to pick.
  const byName = new Map<string, PluginVersion[]>();
  for (const plugin of chosen) byName.set(plugin.pluginName.toLowerCase(), [...(byName.get(plugin.pluginName.toLowerCase()) ?? []), plugin]);
  for (const versions of byName.values()) {
    if (versions.length > 1)
      problems.push(
        `An environment takes one version of each plugin, and ${versions[0]!.pluginName} is asked for ${versions.length} times (${versions.map(pluginLabel).join(', ')}); keep one.`,
      );
  }
  if (problems.length) {
    throw new RefusedError(`${problems.join(' ')} get_supported_plugins lists the plugins of ${catalog.name} ${version.version}.`);
  }
  return chosen;
}

function pluginById(catalog: SoftwareCatalog, version: SoftwareVersion, id: number): PluginVersion | string {
  const found = version.plugins.find((p) => p.pluginId === id);
  if (found) return found;
  const elsewhere = catalog.versions.find((v) => v.plugins.some((p) => p.pluginId === id));
  const other = elsewhere?.plugins.find((p) => p.pluginId === id);
  const sameName = other ? version.plugins.filter((p) => p.pluginName === other.pluginName) : [];
  const offer = (sameName.length ? sameName : version.plugins).slice(0, 5).map((p) => `${p.pluginId} (${pluginLabel(p)})`);
  const where =
    other && elsewhere
      ? `plugin id ${id} (${pluginLabel(other)}) is for ${catalog.name} ${elsewhere.version}, not ${version.version}`
      : `plugin id ${id} does not exist for ${catalog.name} ${version.version} on ${catalog.os}`;
  const offered = sameName.length
    ? `nearest: ${offer.join(', ')}`
    : offer.length
      ? `available for ${version.version}: ${offer.join(', ')}`
      : 'this version has no plugins';
  return `${capitalize(where)}; ${offered}.`;
}

/**
 * Names people use for a plugin that the farm lists under another: the renderer's name for its plugin for each
 * program (Arnold for Maya is MtoA, for Houdini HtoA, ...). Looked up in Maps, so any text is just unknown.
 */
const PLUGIN_ALIASES: ReadonlyMap<number, ReadonlyMap<string, string>> = new Map([
  [
    2000,
    new Map([
      ['arnold', 'mtoa'],
      ['vray', 'vrayformaya'],
      ['v-ray', 'vrayformaya'],
    ]),
  ],
  [2001, new Map([['arnold', 'maxtoa']])],
  [2004, new Map([['arnold', 'htoa']])],
  [2005, new Map([['arnold', 'c4dtoa']])],
  [2016, new Map([['arnold', 'ktoa']])],
]);

/** `arnold 5.3.1` for Maya → `mtoa 5.3.1`: the alias of the leading plugin name replaced by the farm's name. */
function farmPluginText(cgId: number, text: string): string {
  const wanted = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const [name = '', ...rest] = wanted.split(' ');
  const farmName = PLUGIN_ALIASES.get(cgId)?.get(name);
  return farmName ? [farmName, ...rest].join(' ') : wanted;
}

function pluginByText(cgId: number, version: SoftwareVersion, text: string): PluginVersion | string {
  const wanted = farmPluginText(cgId, text);
  const said = wanted === text.trim().toLowerCase().replace(/\s+/g, ' ') ? `"${text}"` : `"${text}" (${wanted.split(' ')[0]} on the farm)`;
  const exact = version.plugins.find((p) => pluginLabel(p).toLowerCase() === wanted || String(p.pluginVersion).toLowerCase() === wanted);
  if (exact) return exact;
  const byName = version.plugins.filter((p) => String(p.pluginName).toLowerCase() === wanted);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    return `Plugin ${said} has ${byName.length} versions for ${version.version}; name one: ${byName.map((p) => `${pluginLabel(p)} (${p.pluginId})`).join(', ')}.`;
  }
  const near = nearestPlugins(version.plugins, wanted);
  return `No plugin ${said} for ${version.version}; ${near.length ? `nearest: ${near.join(', ')}` : 'this version has no plugins'}.`;
}

/**
 * The plugin versions closest to `redshift 3.5.99`: the versions of that plugin first, closest version first
 * (3.5.16 before 3.0.45), then other plugins by spelling.
 */
export function nearestPlugins(plugins: readonly PluginVersion[], wanted: string, count = 3): string[] {
  const [name = '', ...rest] = wanted.split(' ');
  const versionWanted = rest.join(' ');
  const same = plugins.filter((p) => String(p.pluginName).toLowerCase() === name);
  const ranked = [...same].sort((a, b) => compareCloseness(pluginVersionText(a), pluginVersionText(b), versionWanted)).map(pluginLabel);
  const others = nearest(plugins.filter((p) => !same.includes(p)).map(pluginLabel), wanted, count);
  return [...new Set([...ranked, ...others])].slice(0, count);
}

/** Which of two versions is closer to the wanted one: more leading parts alike, then the nearer first differing part. */
function compareCloseness(a: string, b: string, wanted: string): number {
  const target = versionParts(wanted);
  const key = (text: string) => {
    const parts = versionParts(text);
    let shared = 0;
    while (shared < target.length && parts[shared] === target[shared]) shared++;
    const gap = shared < target.length ? Math.abs((parts[shared] ?? 0) - target[shared]!) : 0;
    return { shared, gap };
  };
  const [ka, kb] = [key(a), key(b)];
  return kb.shared - ka.shared || ka.gap - kb.gap || b.localeCompare(a, 'en', { numeric: true });
}

const versionParts = (text: string) => (text.match(/\d+/g) ?? []).map(Number);

function normalizeVersion(text: string, software: string): string {
  let t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const prefix = software.toLowerCase();
  if (t.startsWith(`${prefix} `)) t = t.slice(prefix.length + 1);
  return t;
}

/** Up to `count` candidates closest to `wanted`: by number when both hold one (2021 → 2020, 2022), else by spelling. */
export function nearest(candidates: readonly string[], wanted: string, count = 3): string[] {
  const unique = [...new Set(candidates)];
  const target = leadingNumber(wanted);
  const score = (candidate: string) => {
    const n = leadingNumber(candidate);
    if (target !== undefined && n !== undefined) return Math.abs(n - target);
    return 1e9 + editDistance(candidate.toLowerCase(), wanted.toLowerCase());
  };
  return unique
    .map((candidate) => ({ candidate, score: score(candidate) }))
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}

function leadingNumber(text: string): number | undefined {
  const match = /\d+(?:\.\d+)?/.exec(text);
  return match ? Number(match[0]) : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

export interface RenderEnvChoice {
  cg_id: number;
  name: string;
  /** Version text as a user writes it (`2020`, `Maya 2020`). */
  version: string;
  os: OsName;
  /** Plugin version ids, or texts such as `redshift 3.0.45` (or `redshift` when the version has only one). */
  plugins: readonly (number | string)[];
  project_path?: string | undefined;
  render_layer_type?: number | undefined;
}

/**
 * The resolver environment tools (and configure_render_env) build on: checks the version and plugins against the
 * farm's catalogue and returns the add/update wire body, with cgName and cgVersion spelled as the farm lists them.
 */
export async function resolveRenderEnv(ctx: ToolContext, choice: RenderEnvChoice): Promise<{ body: RenderEnvBody; summary: EnvSummary }> {
  const catalog = await catalogOf(ctx, choice.cg_id, choice.os);
  const version = resolveVersion(catalog, choice.version);
  const plugins = resolvePlugins(catalog, version, choice.plugins);
  const body: RenderEnvBody = {
    cgId: choice.cg_id,
    cgName: version.cgName,
    cgVersion: version.version,
    renderLayerType: choice.render_layer_type,
    editName: choice.name,
    renderSystem: OS_CODE[choice.os],
    pluginIds: plugins.map((p) => p.pluginId),
    projectPath: choice.project_path,
  };
  const summary: EnvSummary = compact({
    name: choice.name,
    cg_id: choice.cg_id,
    software: version.cgName,
    version: version.version,
    os: choice.os,
    plugins: plugins.map(pluginLabel),
    plugin_ids: plugins.map((p) => p.pluginId),
    project_path: choice.project_path,
  });
  return { body, summary };
}

/**
 * The versions and plugins of a program on an OS. A program the farm does not render is refused with the names of
 * those it does: the farm itself answers only 600 (a parameter is invalid) for it.
 */
export async function catalogOf(ctx: ToolContext, cgId: number, os: OsName): Promise<SoftwareCatalog> {
  try {
    return await ctx.api.environments.catalog(cgId, os, softwareName(cgId));
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 600) throw error;
    const { software } = await ctx.api.environments.software();
    if (software.some((s) => s.cgId === cgId)) throw error;
    const names = software.map((s) => `${s.cgName || softwareName(s.cgId)} (${softwareName(s.cgId)})`);
    throw new RefusedError(`The farm does not render ${softwareName(cgId)} (cgId ${cgId}); it renders ${names.join(', ')}.`);
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The compact form of a render environment shown by every environment tool. */
export type EnvSummary = {
  name: string;
  cg_id: number;
  software: string;
  version?: string;
  os?: OsName;
  default?: boolean;
  plugins?: string[];
  plugin_ids?: number[];
  project_path?: string;
};

export function summarizeEnv(env: RenderEnv): EnvSummary {
  const plugins = (env.respUserPluginInfoVos ?? []).filter((p) => p && typeof p.pluginId === 'number');
  return compact({
    name: String(env.editName),
    cg_id: env.cgId,
    software: env.cgName || softwareName(env.cgId),
    version: env.cgVersion ?? undefined,
    os: osName(env.osName),
    default: Number(env.isDefault) === 1 ? true : undefined,
    plugins: plugins.map(pluginLabel),
    plugin_ids: plugins.map((p) => p.pluginId),
    project_path: env.projectPath ?? undefined,
  });
}

/** `houdini_test  Houdini 17.5  linux  default  plugins: renderman 22.6` */
export function envLine(env: EnvSummary): string {
  return [
    env.name,
    `${env.software} ${env.version ?? ''}`.trim(),
    env.os,
    env.default ? 'default' : undefined,
    env.plugins?.length ? `plugins: ${env.plugins.join(', ')}` : 'no plugins',
  ]
    .filter(Boolean)
    .join('  ');
}

export function pickRenderEnv(envs: readonly RenderEnv[], cgId: number, name: string): RenderEnv {
  const found = envs.find((env) => String(env.editName) === name);
  if (found) return found;
  const names = envs.map((env) => String(env.editName));
  const near = nearest(names, name, 5);
  throw new RefusedError(
    `No render environment named "${name}" for ${softwareName(cgId)}; ${names.length ? `existing: ${near.join(', ')}${names.length > near.length ? ` (${names.length} in all, see get_render_env)` : ''}` : 'there are none yet (add_render_env creates one)'}.`,
  );
}

/** The supported programs as get_supported_software and the software resource list them. */
export function describeSoftware(list: readonly Software[], defaultCgId: number | undefined) {
  return list.map((s) =>
    compact({
      cg_id: s.cgId,
      name: s.cgName || softwareName(s.cgId),
      key: softwareName(s.cgId),
      file_types: s.cgType ? s.cgType.split(';').filter(Boolean) : undefined,
      linux: s.isSupportLinux === undefined ? undefined : s.isSupportLinux === 1,
      default: defaultCgId === s.cgId ? true : undefined,
    }),
  );
}

/** Render environments as get_render_env and the render-envs resource show them; `scope` says for what. */
export function describeRenderEnvs(envs: readonly EnvSummary[], scope: string): string {
  const rows = envs.map((e) => [e.name, e.software, e.version, e.os, e.default ? 'yes' : '', e.plugins?.join(', '), e.project_path]);
  return blocks(
    `${plural(envs.length, 'render environment')} for ${scope}.`,
    envs.length ? tsv(['name', 'software', 'version', 'os', 'default', 'plugins', 'project_path'], rows) : 'add_render_env creates one.',
  );
}
