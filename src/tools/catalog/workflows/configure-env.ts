import { z } from 'zod';
import { osName, type RenderEnv } from '../../../client/api/index.js';
import { RefusedError, defineTool } from '../../define.js';
import { blocks, compact } from '../../support/format.js';
import { renderEnvsLink } from '../../links.js';
import { cgId, dryRun, item } from '../../support/schema.js';
import { envLine, os, resolveRenderEnv, summarizeEnv, type EnvSummary } from '../../support/software.js';

/** Trimmed, not empty, at most `max` characters (checked in refine so that the bounds are not shipped in tools/list). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .refine((value) => value.length > 0 && value.length <= max, `use 1 to ${max} characters`);

type Action = 'created' | 'updated' | 'unchanged' | 'would_create' | 'would_update' | 'choice_needed';

/**
 * `maya_2024`, `maya_2024_linux`: the software's key and the version as the farm spells it, safe as an environment
 * name. Names are unique across both OSes, so a Linux environment's name says so and never meets the Windows one.
 */
function defaultName(summary: EnvSummary, envs: readonly RenderEnv[]): string {
  const name = safeName(`${summary.software}_${summary.version ?? ''}${summary.os === 'linux' ? '_linux' : ''}`);
  // A name the other OS already holds (maya_2024 on Linux) gets this OS's suffix instead.
  const holder = envs.find((env) => String(env.editName) === name);
  const holderOs = holder ? osName(holder.osName) : undefined;
  return holderOs && holderOs !== summary.os ? safeName(`${name}_${summary.os}`) : name;
}

const safeName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);

/** A name beside `base` for a new environment: `maya_2024_redshift_mtoa`, then `_2`, `_3` while taken. */
function newName(base: string, summary: EnvSummary, taken: ReadonlySet<string>): string {
  const plugins = (summary.plugins ?? []).map((label) => label.split(' ')[0]).join('_');
  const first = safeName(plugins ? `${base}_${plugins}` : `${base}_2`);
  if (!taken.has(first)) return first;
  for (let n = 2; ; n++) if (!taken.has(`${first.slice(0, 60)}_${n}`)) return `${first.slice(0, 60)}_${n}`;
}

const pluginKey = (env: EnvSummary) => [...(env.plugin_ids ?? [])].sort((a, b) => a - b).join();

const sameSetup = (a: EnvSummary, b: EnvSummary) =>
  a.version === b.version && a.os === b.os && (a.project_path ?? '') === (b.project_path ?? '') && pluginKey(a) === pluginKey(b);

const OS_WORD = { windows: 'Windows', linux: 'Linux' } as const;

/**
 * Create or update a render environment from names. It never changes one silently: when the environment of that name
 * has another setup, the answer shows before and after and asks for `change` ("update" it, or "create" a new one
 * beside it). Environments of one OS are never rewritten for the other.
 */
export const configureRenderEnv = defineTool({
  name: 'configure_render_env',
  toolset: 'environments',
  safety: 'write',
  idempotent: true,
  title: 'Configure render environment',
  description: 'Create or update a render environment from software, version and plugin names; asks before changing one.',
  input: () => ({
    cg_id: cgId.describe('Software or cgId'),
    version: text(50).describe('Version (2022)'),
    plugins: z.array(text(80)).max(20).default([]).describe('"redshift 3.0.45", "arnold" (mtoa)'),
    name: text(64).optional().describe('Env name'),
    os: os.default('windows'),
    change: z.enum(['update', 'create']).optional().describe('If it exists with another setup'),
    make_default: z.boolean().default(false).describe('Also make it default'),
    dry_run: dryRun,
  }),
  output: () => ({ action: z.string(), env: item({}), before: item({}).optional(), message: z.string() }),
  handler: async (args, ctx) => {
    // The catalogue check comes first: an unknown version or plugin is refused with the nearest ones, before any write.
    const resolved = await resolveRenderEnv(ctx, { cg_id: args.cg_id, name: args.name ?? '', version: args.version, os: args.os, plugins: args.plugins }).catch(
      (error: unknown) => {
        throw error instanceof RefusedError ? new RefusedError(`${error.message} Nothing was changed.`) : error;
      },
    );
    const envs = await ctx.api.environments.renderEnvs([args.cg_id]);
    const requested = args.name ?? defaultName(resolved.summary, envs);
    const named = envs.find((env) => String(env.editName) === requested);
    const existing = named ? summarizeEnv(named) : undefined;
    if (existing?.os && existing.os !== args.os) {
      throw new RefusedError(
        `"${requested}" is a ${OS_WORD[existing.os]} environment; os ${args.os} never rewrites it. Give another name for the ${OS_WORD[args.os]} one (names are shared by both OSes). Nothing was changed.`,
      );
    }
    const differs = existing !== undefined && !sameSetup(existing, { ...resolved.summary, name: requested });
    if (differs && args.change === undefined) return choiceNeeded(requested, existing, { ...resolved.summary, name: requested }, envs, args.cg_id);

    const creating = !existing || (differs && args.change === 'create');
    const name = existing && creating ? newName(requested, resolved.summary, new Set(envs.map((env) => String(env.editName)))) : requested;
    const before = creating ? undefined : existing;
    const after: EnvSummary = compact({ ...resolved.summary, name, default: before?.default || args.make_default || undefined });
    const makeDefault = args.make_default && !before?.default;
    const action: Action = creating ? (args.dry_run ? 'would_create' : 'created') : differs ? (args.dry_run ? 'would_update' : 'updated') : 'unchanged';
    const body = { ...resolved.body, editName: name, renderLayerType: named && !creating ? (named.renderLayerType ?? undefined) : undefined };

    if (!args.dry_run) {
      if (action === 'created') await ctx.api.environments.add(body);
      if (action === 'updated') await ctx.api.environments.update(body);
      if (makeDefault) await ctx.api.environments.setDefault({ editName: name });
    }
    const defaultNote = makeDefault ? `${args.dry_run ? 'would make' : 'made'} it the default for ${after.software}` : undefined;
    const beside = existing && creating ? ` beside "${requested}", which stays as it is` : '';
    const verb: Record<Exclude<Action, 'choice_needed'>, string> = {
      created: `Created render environment "${name}"${beside}`,
      updated: `Updated render environment "${name}"`,
      unchanged: `Render environment "${name}" already has this setup${args.dry_run || !makeDefault ? '; nothing to change' : ''}`,
      would_create: `Dry run: would create render environment "${name}"${beside}`,
      would_update: `Dry run: would update render environment "${name}"`,
    };
    const message = `${verb[action as Exclude<Action, 'choice_needed'>]}${defaultNote ? `; ${defaultNote}` : ''}.${args.dry_run && (action !== 'unchanged' || makeDefault) ? ' Call again with dry_run false to apply.' : ''}`;
    return {
      text: blocks(message, before && action !== 'unchanged' ? `before: ${envLine(before)}\nafter:  ${envLine(after)}` : envLine(after)),
      structured: { action, env: after, ...(before && action !== 'unchanged' ? { before } : {}), message },
      links: [renderEnvsLink(args.cg_id)],
    };
  },
});

/** The environment exists with another setup: before and after, and the two choices, with nothing sent. */
function choiceNeeded(name: string, before: EnvSummary, wanted: EnvSummary, envs: readonly RenderEnv[], cgIdValue: number) {
  const after = compact({ ...wanted, default: before.default });
  const alternative = newName(name, wanted, new Set(envs.map((env) => String(env.editName))));
  const message =
    `Render environment "${name}" exists with another setup; nothing was changed. ` +
    `Call again with change "update" to change it as shown, or change "create" to create "${alternative}" beside it.`;
  return {
    text: blocks(message, `before: ${envLine(before)}\nafter:  ${envLine(after)}`),
    structured: { action: 'choice_needed', env: after, before, message },
    links: [renderEnvsLink(cgIdValue)],
  };
}
