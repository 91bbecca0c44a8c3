import { z } from 'zod';
import type { PluginVersion, RenderEnv, SoftwareDetail } from '../../client/types.js';
import { RefusedError, type ToolContext } from '../define.js';
import { compact } from './format.js';
import { softwareName } from './schema.js';

/**
 * Software versions, plugins and render environments: the lookups the environment tools share, and the resolver a
 * workflow tool (configure_render_env) builds on: software name / version text / plugin names or ids → ids.
 */

export const OS_NAMES = ['windows', 'linux'] as const;
export type OsName = (typeof OS_NAMES)[number];

/** `renderSystem` / `osName` codes of render environments (api-catalog §2.4). */
export const OS_CODE: Record<OsName, 0 | 1> = { linux: 0, windows: 1 };

export const os = z.enum(OS_NAMES).describe('Operating system');

export function osName(code: number | string | null | undefined): OsName | undefined {
  const n = Number(code);
  return code === null || code === undefined || code === '' ? undefined : n === 0 ? 'linux' : n === 1 ? 'windows' : undefined;
}

export interface SoftwareVersion {
  /** SoftVersion.id (`cvId` of its plugins). */
  id: number;
  cgId: number;
  cgName: string;
  version: string;
  plugins: PluginVersion[];
}

export interface SoftwareCatalog {
  cgId: number;
  os: OsName;
  /** The software's display name as the farm writes it (`Maya`), or our name when the farm gives none. */
  name: string;
  versions: SoftwareVersion[];
}

/** Versions of one software on one OS, each with the plugin versions available for it. */
export async function loadSoftwareCatalog(ctx: ToolContext, cgId: number, system: OsName): Promise<SoftwareCatalog> {
  // Wire: the SDK sends `osName` as "windows"/"linux" here (not the 0/1 of render environments).
  const data = await ctx.call<SoftwareDetail | null>('get_supported_plugins', { cgId, osName: system });
  const plugins = data?.cgPlugin ?? [];
  const versions = (data?.cgVersion ?? [])
    .filter((v) => v && typeof v.id === 'number' && v.cgVersion)
    .map((v) => ({
      id: v.id,
      cgId: v.cgId ?? cgId,
      cgName: v.cgName ?? softwareName(cgId),
      version: String(v.cgVersion),
      plugins: plugins.filter((p) => p?.cvId === v.id).flatMap((p) => (p.pluginVersions ?? []).filter((pv) => pv && typeof pv.pluginId === 'number')),
    }));
  return { cgId, os: system, name: versions[0]?.cgName ?? softwareName(cgId), versions };
}

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
    const result = typeof ref === 'number' ? pluginById(catalog, version, ref) : pluginByText(version, ref);
    if (typeof result === 'string') problems.push(result);
    else if (!chosen.some((p) => p.pluginId === result.pluginId)) chosen.push(result);
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
  const where = other && elsewhere ? `plugin id ${id} (${pluginLabel(other)}) is for ${catalog.name} ${elsewhere.version}, not ${version.version}` : `plugin id ${id} does not exist for ${catalog.name} ${version.version} on ${catalog.os}`;
  const offered = sameName.length ? `nearest: ${offer.join(', ')}` : offer.length ? `available for ${version.version}: ${offer.join(', ')}` : 'this version has no plugins';
  return `${capitalize(where)}; ${offered}.`;
}

function pluginByText(version: SoftwareVersion, text: string): PluginVersion | string {
  const wanted = text.trim().toLowerCase().replace(/\s+/g, ' ');
  const exact = version.plugins.find((p) => pluginLabel(p).toLowerCase() === wanted || String(p.pluginVersion).toLowerCase() === wanted);
  if (exact) return exact;
  const byName = version.plugins.filter((p) => String(p.pluginName).toLowerCase() === wanted);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    return `Plugin "${text}" has ${byName.length} versions for ${version.version}; name one: ${byName.map((p) => `${pluginLabel(p)} (${p.pluginId})`).join(', ')}.`;
  }
  const near = nearest(version.plugins.map(pluginLabel), text);
  return `No plugin "${text}" for ${version.version}; ${near.length ? `nearest: ${near.join(', ')}` : 'this version has no plugins'}.`;
}

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
export async function resolveRenderEnv(ctx: ToolContext, choice: RenderEnvChoice): Promise<{ body: Record<string, unknown>; summary: EnvSummary }> {
  const catalog = await loadSoftwareCatalog(ctx, choice.cg_id, choice.os);
  const version = resolveVersion(catalog, choice.version);
  const plugins = resolvePlugins(catalog, version, choice.plugins);
  const body = {
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
  return [env.name, `${env.software} ${env.version ?? ''}`.trim(), env.os, env.default ? 'default' : undefined, env.plugins?.length ? `plugins: ${env.plugins.join(', ')}` : 'no plugins']
    .filter(Boolean)
    .join('  ');
}

/**
 * The user's render environments for these programs (both OSes unless `system` is given). Wire: classic takes one
 * `cgId` per call and has no OS filter, so it is called per program and filtered here.
 */
export async function listRenderEnvs(ctx: ToolContext, cgIds: readonly number[], system?: OsName): Promise<RenderEnv[]> {
  const osCode = system ? OS_CODE[system] : undefined;
  let envs: RenderEnv[];
  if (ctx.connector.config.scheme === 'classic') {
    const lists = await Promise.all(cgIds.map((cgId) => ctx.call<RenderEnv[] | null>('get_render_env', { cgId })));
    envs = lists.flatMap((list) => list ?? []);
  } else {
    const body = cgIds.length === 1 ? { cgId: cgIds[0], osName: osCode } : { cgIds: [...cgIds], osName: osCode };
    envs = (await ctx.call<RenderEnv[] | null>('get_render_env', body)) ?? [];
  }
  return envs.filter((env) => env && env.editName !== null && env.editName !== undefined && (osCode === undefined || env.osName === undefined || Number(env.osName) === osCode));
}

/** The environment of that name for that program; refuses, naming the ones that exist, when there is none. */
export async function findRenderEnv(ctx: ToolContext, cgId: number, name: string): Promise<RenderEnv> {
  return pickRenderEnv(await listRenderEnvs(ctx, [cgId]), cgId, name);
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
