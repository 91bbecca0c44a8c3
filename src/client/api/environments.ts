import type { BodyOf } from '../operations.js';
import type { FarmLink } from './link.js';

/** Software, plugin and render-environment records (api-catalog §3.3). */
export interface Software {
  cgId: number;
  cgName: string;
  cgType?: string;
  iconPath?: string;
  isNeedProjectPath?: number;
  isNeedAnalyse?: number;
  isSupportLinux?: number;
}

export interface SoftwareList {
  isAutoCommit?: number;
  renderInfoList: Software[];
  defaultCgId?: number;
}

export interface SoftVersion {
  id: number;
  cgId: number;
  cgName: string;
  cgVersion: string;
}

export interface PluginVersion {
  pluginId: number;
  pluginName: string;
  pluginVersion: string;
}

export interface Plugin {
  cvId: number;
  pluginName: string;
  pluginVersions: PluginVersion[];
}

export interface SoftwareDetail {
  cgPlugin: Plugin[];
  cgVersion: SoftVersion[];
}

export interface RenderEnv {
  cgId: number;
  editName: string;
  cgName: string;
  cgVersion: string;
  osName?: number;
  renderLayerType?: number;
  isDefault?: number;
  projectPath?: string;
  isMainUserId?: number;
  respUserPluginInfoVos?: PluginVersion[];
}

export type EnvironmentAnswers = {
  get_supported_software: SoftwareList | null;
  get_supported_plugins: SoftwareDetail | null;
  add_render_env: unknown;
  update_render_env: unknown;
  delete_render_env: unknown;
  set_default_render_env: unknown;
  get_render_env: RenderEnv[] | null;
};

export const OS_NAMES = ['windows', 'linux'] as const;
export type OsName = (typeof OS_NAMES)[number];

/** `renderSystem` / `osName` codes of render environments (api-catalog §2.4). */
export const OS_CODE: Record<OsName, 0 | 1> = { linux: 0, windows: 1 };

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
  /** The software's display name as the farm writes it (`Maya`), or the key of its cgId when the farm gives none. */
  name: string;
  versions: SoftwareVersion[];
}

/** The add and update body of a render environment. */
export type RenderEnvBody = BodyOf<'add_render_env'>;

export class EnvironmentsApi {
  constructor(private readonly link: FarmLink) {}

  /** The programs the farm renders (entries without a cgId left out), and the account's default one. */
  async software(): Promise<{ software: Software[]; defaultCgId?: number }> {
    const data = await this.link.send('get_supported_software');
    const software = (data?.renderInfoList ?? []).filter((s) => s && typeof s.cgId === 'number');
    return typeof data?.defaultCgId === 'number' ? { software, defaultCgId: data.defaultCgId } : { software };
  }

  /**
   * Versions of one program on one OS, each with the plugin versions available for it. Wire: the SDK sends `osName`
   * as "windows"/"linux" here (not the 0/1 of render environments). `fallbackName` names a program the farm does
   * not name.
   */
  async catalog(cgId: number, os: OsName, fallbackName: string): Promise<SoftwareCatalog> {
    const data = await this.link.send('get_supported_plugins', { cgId, osName: os });
    const plugins = data?.cgPlugin ?? [];
    const versions = (data?.cgVersion ?? [])
      .filter((v) => v && typeof v.id === 'number' && v.cgVersion)
      .map((v) => ({
        id: v.id,
        cgId: v.cgId ?? cgId,
        cgName: v.cgName ?? fallbackName,
        version: String(v.cgVersion),
        plugins: plugins.filter((p) => p?.cvId === v.id).flatMap((p) => (p.pluginVersions ?? []).filter((pv) => pv && typeof pv.pluginId === 'number')),
      }));
    return { cgId, os, name: versions[0]?.cgName ?? fallbackName, versions };
  }

  /**
   * The user's render environments for these programs (both OSes unless `os` is given). Wire: a dialect without
   * `cgIds` (classic) takes one `cgId` per call and has no OS filter, so it is asked program by program and the
   * answer filtered here.
   */
  async renderEnvs(cgIds: readonly number[], os?: OsName): Promise<RenderEnv[]> {
    const osCode = os ? OS_CODE[os] : undefined;
    let envs: RenderEnv[];
    if (!this.link.sends('get_render_env', 'cgIds')) {
      const lists = await Promise.all(cgIds.map((cgId) => this.link.send('get_render_env', { cgId })));
      envs = lists.flatMap((list) => list ?? []);
    } else {
      const body = cgIds.length === 1 ? { cgId: cgIds[0], osName: osCode } : { cgIds, osName: osCode };
      envs = (await this.link.send('get_render_env', body)) ?? [];
    }
    const named = envs.filter((env) => env && env.editName !== null && env.editName !== undefined);
    return named.filter((env) => osCode === undefined || env.osName === undefined || Number(env.osName) === osCode);
  }

  add(body: RenderEnvBody) {
    return this.link.send('add_render_env', body);
  }

  update(body: BodyOf<'update_render_env'>) {
    return this.link.send('update_render_env', body);
  }

  delete(body: BodyOf<'delete_render_env'>) {
    return this.link.send('delete_render_env', body);
  }

  setDefault(body: BodyOf<'set_default_render_env'>) {
    return this.link.send('set_default_render_env', body);
  }
}
