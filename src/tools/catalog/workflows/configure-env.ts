import { z } from 'zod';
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

type Action = 'created' | 'updated' | 'unchanged' | 'would_create' | 'would_update';

/** `maya_2022`: the software's key and the version as the farm spells it, safe as an environment name. */
function defaultName(summary: EnvSummary): string {
  return `${summary.software}_${summary.version ?? ''}`.toLowerCase().replace(/[^a-z0-9.]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
}

const sameSetup = (a: EnvSummary, b: EnvSummary) =>
  a.version === b.version && a.os === b.os && (a.project_path ?? '') === (b.project_path ?? '') && [...(a.plugin_ids ?? [])].sort().join() === [...(b.plugin_ids ?? [])].sort().join();

export const configureRenderEnv = defineTool({
  name: 'configure_render_env',
  toolset: 'environments',
  safety: 'write',
  idempotent: true,
  title: 'Configure render environment',
  description: 'Create or update a render environment from software, version and plugin names.',
  input: {
    cg_id: cgId.describe('Software or cgId'),
    version: text(50).describe('Version (2022)'),
    plugins: z.array(text(80)).max(20).default([]).describe('"redshift 3.0.45"'),
    name: text(64).optional().describe('Env name'),
    os: os.default('windows'),
    make_default: z.boolean().default(false).describe('Also make it default'),
    dry_run: dryRun,
  },
  output: { action: z.string(), env: item({}), message: z.string() },
  handler: async (args, ctx) => {
    // The catalogue check comes first: an unknown version or plugin is refused with the nearest ones, before any write.
    const resolved = await resolveRenderEnv(ctx, { cg_id: args.cg_id, name: args.name ?? '', version: args.version, os: args.os, plugins: args.plugins }).catch((error: unknown) => {
      throw error instanceof RefusedError ? new RefusedError(`${error.message} Nothing was changed.`) : error;
    });
    const name = args.name ?? defaultName(resolved.summary);
    const wanted: EnvSummary = { ...resolved.summary, name };
    const envs = await ctx.api.environments.renderEnvs([args.cg_id]);
    const current = envs.find((env) => String(env.editName) === name);
    const before = current ? summarizeEnv(current) : undefined;
    const makeDefault = args.make_default && !before?.default;
    const action: Action = !before ? (args.dry_run ? 'would_create' : 'created') : sameSetup(before, wanted) ? 'unchanged' : args.dry_run ? 'would_update' : 'updated';
    const after = compact({ ...wanted, default: before?.default || args.make_default || undefined });
    const body = { ...resolved.body, editName: name, renderLayerType: current?.renderLayerType ?? undefined };

    if (!args.dry_run) {
      if (action === 'created') await ctx.api.environments.add(body);
      if (action === 'updated') await ctx.api.environments.update(body);
      if (makeDefault) await ctx.api.environments.setDefault({ editName: name });
    }
    const defaultNote = makeDefault ? `${args.dry_run ? 'would make' : 'made'} it the default for ${wanted.software}` : undefined;
    const verb: Record<Action, string> = {
      created: `Created render environment "${name}"`,
      updated: `Updated render environment "${name}"`,
      unchanged: `Render environment "${name}" already has this setup${args.dry_run || !makeDefault ? '; nothing to change' : ''}`,
      would_create: `Dry run: would create render environment "${name}"`,
      would_update: `Dry run: would update render environment "${name}"`,
    };
    const message = `${verb[action]}${defaultNote ? `; ${defaultNote}` : ''}.${args.dry_run && (action !== 'unchanged' || makeDefault) ? ' Call again with dry_run false to apply.' : ''}`;
    return {
      text: blocks(message, before && action !== 'unchanged' ? `before: ${envLine(before)}\nafter:  ${envLine(after)}` : envLine(after)),
      structured: { action, env: after, message },
      links: [renderEnvsLink(args.cg_id)],
    };
  },
});
