import { SOFTWARE, resolveCgId, softwareName } from '../tools/support/schema.js';
import { pluginLabel } from '../tools/support/software.js';
import { readContext, type ResourceDeps } from './context.js';

/** MCP caps a completion answer at 100 values. */
const MAX_VALUES = 100;
const RECENT_TASKS = 20;
/** Completions come per keystroke: farm answers are reused this long. */
const TASK_TTL_MS = 10_000;
const VERSION_TTL_MS = 5 * 60_000;

const startsWith = (candidate: string, typed: string) => candidate.toLowerCase().startsWith(typed.toLowerCase());

/**
 * Argument completions for resource templates and prompts: task ids and aliases of recent tasks, software names
 * and ids, and the versions the farm offers for a program. A farm that does not answer gives no suggestions rather
 * than an error, since a completion is only a convenience.
 */
export class Completions {
  private readonly cache = new Map<string, { expires: number; value: Promise<string[]> }>();

  constructor(private readonly deps: ResourceDeps) {}

  /** Ids and aliases (2W19097) of recent tasks that start with what was typed; other text searches scene names. */
  async taskIds(typed: string): Promise<string[]> {
    const text = typed.trim();
    // The farm's keyword matches ids, aliases and scene names; an alias is searched by its number.
    const number = /^\d{0,3}[A-Za-z]{1,3}(\d+)$/.exec(text)?.[1];
    const keyword = /^\d{0,3}[A-Za-z]{1,3}$/.test(text) ? '' : (number ?? text);
    const tasks = await this.cached(`tasks:${keyword}`, TASK_TTL_MS, async () => {
      const { items } = await readContext(this.deps).api.tasks.list({ pageNum: 1, pageSize: RECENT_TASKS, searchKeyword: keyword || undefined });
      return items.flatMap((task) => [String(task.id), ...(task.taskAlias ? [task.taskAlias] : [])]);
    });
    const idLike = text === '' || /^\d{0,3}[A-Za-z]{0,3}\d*$/.test(text);
    // Typed scene text: every id the farm matched; typed id or alias: the candidates it begins.
    const matching = idLike ? tasks.filter((candidate) => startsWith(candidate, text)) : tasks.filter((candidate) => /^\d+$/.test(candidate));
    return matching.slice(0, MAX_VALUES);
  }

  /** Software names (maya, 3ds_max...) and cgIds (2000...) that start with what was typed. */
  software(typed: string): string[] {
    const text = typed.trim();
    const names = Object.keys(SOFTWARE);
    const ids = Object.values(SOFTWARE).map(String);
    return [...names, ...ids].filter((candidate) => startsWith(candidate, text)).slice(0, MAX_VALUES);
  }

  /** Versions the farm offers (on Windows) for the software named in the other argument. */
  async versions(software: string | undefined, typed: string): Promise<string[]> {
    const cgId = software ? resolveCgId(software) : undefined;
    if (cgId === undefined) return [];
    const versions = await this.cached(`versions:${cgId}`, VERSION_TTL_MS, async () =>
      (await readContext(this.deps).api.environments.catalog(cgId, 'windows', softwareName(cgId))).versions.map((v) => v.version),
    );
    return versions.filter((version) => startsWith(version, typed.trim())).slice(0, MAX_VALUES);
  }

  /**
   * Plugin versions (`redshift 3.5.16`) the farm offers for the program and version named in the other arguments.
   * The typed text is a comma-separated list: its last entry is completed and the ones before it kept.
   */
  async plugins(software: string | undefined, version: string | undefined, typed: string): Promise<string[]> {
    const cgId = software ? resolveCgId(software) : undefined;
    if (cgId === undefined || !version?.trim()) return [];
    const wanted = version.trim().toLowerCase();
    const labels = await this.cached(`plugins:${cgId}:${wanted}`, VERSION_TTL_MS, async () => {
      const catalog = await readContext(this.deps).api.environments.catalog(cgId, 'windows', softwareName(cgId));
      const match = catalog.versions.find((v) => v.version.toLowerCase() === wanted || `${catalog.name} ${v.version}`.toLowerCase() === wanted);
      return (match?.plugins ?? []).map(pluginLabel);
    });
    const parts = typed.split(',');
    const last = (parts.pop() ?? '').trim();
    const head = parts.map((part) => part.trim()).filter(Boolean);
    const prefix = head.length ? `${head.join(', ')}, ` : '';
    return labels
      .filter((label) => startsWith(label, last) && !head.includes(label))
      .map((label) => `${prefix}${label}`)
      .slice(0, MAX_VALUES);
  }

  private async cached(key: string, ttlMs: number, load: () => Promise<string[]>): Promise<string[]> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load().catch((error: unknown) => {
      this.cache.delete(key);
      this.deps.logger.debug(`completion ${key} failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    });
    if (this.cache.size > 200) this.cache.clear();
    this.cache.set(key, { expires: now + ttlMs, value });
    return value;
  }
}
