import { FarmError } from '../types.js';
import { SOFTWARE, pluginVersion, software, softwareDetail, type Plugin, type SoftVersion } from './catalogue.js';
import type { Rng } from './random.js';

/**
 * Render environments ("user plugin configs"): named combinations of application, version, OS and plugin versions.
 * The name is the key; each application has exactly one default while it has any environment.
 */

interface RenderEnv {
  cgId: number;
  editName: string;
  cgName: string;
  cgVersion: string;
  /** 0 Linux, 1 Windows. */
  osName: number;
  renderLayerType: number;
  isDefault: number;
  projectPath: string;
  pluginIds: number[];
}

const SHORT_NAMES: Readonly<Record<number, string>> = {
  2000: 'maya',
  2001: 'max',
  2004: 'houdini',
  2005: 'c4d',
  2007: 'blender',
  2008: 'vrstd',
  2012: 'keyshot',
  2013: 'clarisse',
};

export class Environments {
  private readonly envs: RenderEnv[] = [];

  constructor(rng: Rng) {
    for (const app of SOFTWARE) {
      const detail = softwareDetail(app.cgId)!;
      const versions = rng.sample(detail.versions, Math.min(detail.versions.length, rng.int(2, 3)));
      versions.forEach((version, index) => {
        const plugins = detail.plugins.filter((plugin) => plugin.cvId === version.id);
        const chosen = rng.sample(plugins, Math.min(plugins.length, rng.int(0, 2))).map((plugin) => rng.pick(plugin.pluginVersions));
        const name = [SHORT_NAMES[app.cgId], version.cgVersion.replace(/\s+/g, ''), ...chosen.map((plugin) => plugin.pluginName)].join('_');
        this.envs.push({
          cgId: app.cgId,
          editName: this.has(name) ? `${name}_${index + 2}` : name,
          cgName: app.cgName,
          cgVersion: version.cgVersion,
          osName: app.isSupportLinux && index === versions.length - 1 ? 0 : 1,
          renderLayerType: 0,
          isDefault: index === 0 ? 1 : 0,
          projectPath: '',
          pluginIds: chosen.map((plugin) => plugin.pluginId),
        });
      });
    }
  }

  private has(name: string): boolean {
    return this.envs.some((env) => env.editName === name);
  }

  private find(name: string): RenderEnv {
    const env = this.envs.find((candidate) => candidate.editName === name);
    if (!env) throw new FarmError(404, `render environment "${name}" does not exist`);
    return env;
  }

  /** RenderEnv records (seed 001's shape), filtered by application(s) and OS when given. */
  list(args: Record<string, unknown>): Record<string, unknown>[] {
    const cgIds = Array.isArray(args.cgIds) ? (args.cgIds as number[]) : undefined;
    return this.envs
      .filter((env) => args.cgId === undefined || env.cgId === args.cgId)
      .filter((env) => cgIds === undefined || cgIds.includes(env.cgId))
      .filter((env) => args.osName === undefined || env.osName === args.osName)
      .map(({ pluginIds, ...env }) => ({
        cgId: env.cgId,
        editName: env.editName,
        cgName: env.cgName,
        cgVersion: env.cgVersion,
        osName: env.osName,
        renderLayerType: env.renderLayerType,
        isDefault: env.isDefault,
        projectPath: env.projectPath,
        isMainUserId: 1,
        respUserPluginInfoVos: pluginIds.map((id) => {
          const plugin = pluginVersion(id)!;
          return { pluginId: plugin.pluginId, pluginName: plugin.pluginName, pluginVersion: plugin.pluginVersion };
        }),
      }));
  }

  add(args: Record<string, unknown>): { editName: string } {
    const name = String(args.editName);
    if (this.has(name)) throw new FarmError(600, `a render environment named "${name}" already exists; choose another editName or update it`);
    const env = this.validated(args);
    env.isDefault = this.envs.some((other) => other.cgId === env.cgId) ? 0 : 1;
    this.envs.push(env);
    return { editName: name };
  }

  update(args: Record<string, unknown>): void {
    const existing = this.find(String(args.editName));
    const env = this.validated(args);
    if (env.cgId !== existing.cgId && existing.isDefault) this.promoteDefault(existing.cgId, existing);
    Object.assign(existing, { ...env, isDefault: env.cgId === existing.cgId ? existing.isDefault : 0 });
  }

  /** Deleting an application's default makes its oldest remaining environment the default. */
  delete(name: string): void {
    const env = this.find(name);
    this.envs.splice(this.envs.indexOf(env), 1);
    if (env.isDefault) this.promoteDefault(env.cgId);
  }

  setDefault(name: string): void {
    const env = this.find(name);
    for (const other of this.envs) if (other.cgId === env.cgId) other.isDefault = 0;
    env.isDefault = 1;
  }

  private promoteDefault(cgId: number, except?: RenderEnv): void {
    const next = this.envs.find((env) => env.cgId === cgId && env !== except);
    if (next) next.isDefault = 1;
  }

  /** Checks an environment against the software catalogue, as the platform does before saving it. */
  private validated(args: Record<string, unknown>): RenderEnv {
    const cgId = Number(args.cgId);
    const app = software(cgId);
    if (!app) throw new FarmError(600, `parameter cgId is invalid: ${cgId} is not a supported software id`);
    const osName = Number(args.renderSystem);
    if (osName === 0 && !app.isSupportLinux)
      throw new FarmError(600, `parameter renderSystem is invalid: ${app.cgName} does not render on Linux (use 1, Windows)`);
    const version = softwareDetail(cgId)!.versions.find((candidate) => candidate.cgVersion === String(args.cgVersion));
    if (!version) {
      const known = softwareDetail(cgId)!
        .versions.map((candidate) => candidate.cgVersion)
        .join(', ');
      throw new FarmError(600, `parameter cgVersion is invalid: ${app.cgName} ${String(args.cgVersion)} is not supported (versions: ${known})`);
    }
    const pluginIds = (args.pluginIds as number[] | undefined) ?? [];
    for (const id of pluginIds) {
      const plugin = pluginVersion(id);
      if (!plugin || plugin.cvId !== version.id)
        throw new FarmError(600, `parameter pluginIds is invalid: plugin version ${id} is not available for ${app.cgName} ${version.cgVersion}`);
    }
    return {
      cgId,
      editName: String(args.editName),
      cgName: app.cgName,
      cgVersion: version.cgVersion,
      osName,
      renderLayerType: typeof args.renderLayerType === 'number' ? args.renderLayerType : 0,
      isDefault: 0,
      projectPath: typeof args.projectPath === 'string' ? args.projectPath : '',
      pluginIds: [...pluginIds],
    };
  }
}

/** `querySoftwareDetail`: versions and plugins of one application; Linux lists only what renders on Linux. */
export function softwareVersions(cgId: number, osName?: string): { cgPlugin: Plugin[]; cgVersion: SoftVersion[] } {
  const app = software(cgId);
  const detail = softwareDetail(cgId);
  if (!app || !detail) throw new FarmError(600, `parameter cgId is invalid: ${cgId} is not a supported software id (see get_supported_software)`);
  if (osName === 'linux' && !app.isSupportLinux) return { cgPlugin: [], cgVersion: [] };
  return { cgPlugin: detail.plugins, cgVersion: detail.versions };
}
