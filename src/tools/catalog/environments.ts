import { z } from 'zod';
import { defineTool, RefusedError, type ToolContext } from '../define.js';
import { blocks, compact, plural, tsv } from '../support/format.js';
import { renderEnvsLink, softwareLink } from '../links.js';
import { destructiveOutput, doneAnswer } from '../safety.js';
import { cgId, item, softwareName } from '../support/schema.js';
import { plainName, quoted } from '../support/sanitize.js';
import {
  catalogOf,
  describeRenderEnvs,
  describeSoftware,
  envLine,
  os,
  pickRenderEnv,
  pluginVersionText,
  resolveRenderEnv,
  resolveVersion,
  summarizeEnv,
  type RenderEnvChoice,
} from '../support/software.js';

const toolset = 'environments';

const envName = plainName(64).describe('Environment name');
const envItem = item({ name: z.string() });

export const getSupportedSoftware = defineTool({
  toolset,
  operation: 'get_supported_software',
  description: 'Programs the farm renders: cgId, scene file types, Linux support.',
  input: () => ({}),
  output: () => ({ software: z.array(item({ cg_id: z.number() })), default_cg_id: z.number().optional() }),
  handler: async (_args, ctx) => {
    const { software: list, defaultCgId } = await ctx.api.environments.software();
    const software = describeSoftware(list, defaultCgId);
    const rows = software.map((s) => [
      s.cg_id,
      s.name,
      s.key,
      s.file_types?.join(' '),
      s.linux === undefined ? '' : s.linux ? 'yes' : 'no',
      s.default ? 'yes' : '',
    ]);
    return {
      text: blocks(
        `${plural(software.length, 'supported program')}.`,
        software.length ? tsv(['cg_id', 'name', 'key', 'file_types', 'linux', 'default'], rows) : undefined,
      ),
      structured: defaultCgId !== undefined ? { software, default_cg_id: defaultCgId } : { software },
      links: [softwareLink()],
    };
  },
});

export const getSupportedPlugins = defineTool({
  toolset,
  operation: 'get_supported_plugins',
  description: 'Versions of a program and their plugin versions, with the ids render environments take.',
  input: () => ({
    cg_id: cgId,
    os: os.default('windows'),
    version: z.string().trim().min(1).max(50).optional().describe('Only this version'),
  }),
  output: () => ({ software: z.string(), versions: z.array(item({ id: z.number() })) }),
  handler: async (args, ctx) => {
    const catalog = await catalogOf(ctx, args.cg_id, args.os);
    const versions = args.version ? [resolveVersion(catalog, args.version)] : catalog.versions;
    const view = versions.map((v) => ({ id: v.id, version: v.version, plugins: groupPlugins(v.plugins) }));
    const rows = view.flatMap((v) =>
      v.plugins.length
        ? v.plugins.map((p) => [v.version, v.id, p.name, p.versions.map((pv) => `${pv.version}=${pv.id}`).join(' ')])
        : [[v.version, v.id, '', '']],
    );
    return {
      text: blocks(
        args.version
          ? `${catalog.name} ${versions[0]!.version} on ${args.os}: ${plural(versions[0]!.plugins.length, 'plugin version')} (${plural(catalog.versions.length, 'version')} in all).`
          : `${catalog.name} on ${args.os}: ${plural(catalog.versions.length, 'version')}.`,
        rows.length ? tsv(['version', 'version_id', 'plugin', 'plugin versions (version=plugin_id)'], rows) : undefined,
      ),
      structured: { software: catalog.name, versions: compact(view) },
      links: [softwareLink()],
    };
  },
});

function groupPlugins(plugins: { pluginId: number; pluginName: string; pluginVersion: string }[]) {
  const groups = new Map<string, { id: number; version: string }[]>();
  for (const p of plugins) {
    const name = p.pluginName || 'plugin';
    groups.set(name, [...(groups.get(name) ?? []), { id: p.pluginId, version: pluginVersionText(p) }]);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

export const getRenderEnv = defineTool({
  toolset,
  operation: 'get_render_env',
  description: 'Your render environments (version, OS, plugins, default); both OSes unless os is given.',
  input: () => ({
    cg_id: cgId.optional().describe('Software; omit for all'),
    cg_ids: z.array(cgId).min(1).max(20).optional().describe('Several programs'),
    os: os.optional(),
  }),
  output: () => ({ envs: z.array(envItem) }),
  handler: async (args, ctx) => {
    const ids = [...new Set([...(args.cg_id ? [args.cg_id] : []), ...(args.cg_ids ?? [])])];
    // Wire: the SDK asks with one program name and defaults osName to 1 (Windows), which hides Linux environments;
    // we send the OS only when asked, and ask for every supported program when none is named.
    const cgIds = ids.length ? ids : await supportedCgIds(ctx);
    const envs = (await ctx.api.environments.renderEnvs(cgIds, args.os)).map(summarizeEnv);
    const scope = `${ids.length ? ids.map(softwareName).join(', ') : 'all software'}${args.os ? ` on ${args.os}` : ''}`;
    return {
      text: describeRenderEnvs(envs, scope),
      structured: { envs },
      links: cgIds.length === 1 ? [renderEnvsLink(cgIds[0]!)] : [],
    };
  },
});

async function supportedCgIds(ctx: ToolContext): Promise<number[]> {
  const ids = (await ctx.api.environments.software()).software.map((s) => s.cgId);
  if (!ids.length)
    throw new RefusedError('The farm lists no supported software, so there are no render environments to show; pass cg_id to ask for one program.');
  return ids;
}

const envInput = () => ({
  cg_id: cgId,
  name: envName,
  version: z.string().trim().min(1).max(50).describe('Version (2020)'),
  os: os.default('windows'),
  plugin_ids: z.array(z.number().int().min(1).max(1e9)).max(50).default([]).describe('Plugin version ids'),
  project_path: plainName(500, 0).optional().describe('Project path'),
});

/** Resolves the environment against the farm's catalogue; lookup refusals end with "Nothing was changed." */
async function envBody(ctx: ToolContext, choice: RenderEnvChoice) {
  try {
    return await resolveRenderEnv(ctx, choice);
  } catch (error) {
    if (error instanceof RefusedError) throw new RefusedError(`${error.message} Nothing was changed.`);
    throw error;
  }
}

/** Refusals from the lookups, said the way write tools say them. */
function unchanged<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RefusedError) throw new RefusedError(`${error.message} Nothing was changed.`);
    throw error;
  }
}

async function findEnvToChange(ctx: ToolContext, cgId: number, name: string) {
  const envs = await ctx.api.environments.renderEnvs([cgId]);
  return { envs, env: unchanged(() => pickRenderEnv(envs, cgId, name)) };
}

const envOutput = () => ({ env: envItem, message: z.string() });

export const addRenderEnv = defineTool({
  toolset,
  operation: 'add_render_env',
  description: 'Create a render environment from software, version, OS and plugin ids (get_supported_plugins).',
  input: envInput,
  output: envOutput,
  handler: async (args, ctx) => {
    const existing = await ctx.api.environments.renderEnvs([args.cg_id]);
    if (existing.some((env) => String(env.editName) === args.name)) {
      throw new RefusedError(
        `A render environment named "${args.name}" already exists for ${softwareName(args.cg_id)}; use update_render_env to change it. Nothing was changed.`,
      );
    }
    const { body, summary } = await envBody(ctx, { ...args, plugins: args.plugin_ids });
    await ctx.api.environments.add(body);
    const message = `Created render environment "${args.name}".`;
    return { text: blocks(message, envLine(summary)), structured: { env: summary, message }, links: [renderEnvsLink(args.cg_id)] };
  },
});

export const updateRenderEnv = defineTool({
  toolset,
  operation: 'update_render_env',
  description: 'Change a render environment; omitted fields keep their values.',
  input: () => {
    const base = envInput();
    return { ...base, version: base.version.optional(), os: os.optional(), plugin_ids: base.plugin_ids.unwrap().optional().describe('Plugin version ids') };
  },
  output: () => ({ ...envOutput(), previous: item({}) }),
  idempotent: true,
  handler: async (args, ctx) => {
    const { env: current } = await findEnvToChange(ctx, args.cg_id, args.name);
    const previous = summarizeEnv(current);
    const { body, summary } = await envBody(ctx, {
      cg_id: args.cg_id,
      name: args.name,
      version: args.version ?? previous.version ?? '',
      os: args.os ?? previous.os ?? 'windows',
      plugins: args.plugin_ids ?? previous.plugin_ids ?? [],
      project_path: args.project_path ?? previous.project_path,
      // Not an argument (its values are undocumented); an update keeps what the environment has.
      render_layer_type: current.renderLayerType ?? undefined,
    });
    await ctx.api.environments.update(body);
    const env = compact({ ...summary, default: previous.default });
    const message = `Updated render environment "${args.name}".`;
    return {
      text: blocks(message, `before: ${envLine(previous)}\nafter:  ${envLine(env)}`),
      structured: { env, previous, message },
      links: [renderEnvsLink(args.cg_id)],
    };
  },
});

const envTarget = () => ({ cg_id: cgId, name: envName });

export const deleteRenderEnv = defineTool({
  toolset,
  operation: 'delete_render_env',
  description: 'Delete a render environment. Asks for confirmation first.',
  input: envTarget,
  output: destructiveOutput,
  idempotent: true,
  preview: async (args, ctx) => {
    const env = summarizeEnv((await findEnvToChange(ctx, args.cg_id, args.name)).env);
    const note = env.default ? `  (the default environment for ${env.software})` : '';
    const name = quoted(env.name);
    return { action: `delete render environment ${name}`, lines: [`${envLine({ ...env, name })}${note}`], items: [env] };
  },
  handler: async (args, ctx) => {
    await ctx.api.environments.delete({ editName: args.name });
    return doneAnswer(`Deleted render environment "${args.name}".`, [{ name: args.name, cg_id: args.cg_id }]);
  },
});

export const setDefaultRenderEnv = defineTool({
  toolset,
  operation: 'set_default_render_env',
  description: 'Make a render environment the default for its software.',
  input: envTarget,
  output: () => ({ env: item({}), previous_default: z.string().optional(), message: z.string() }),
  idempotent: true,
  handler: async (args, ctx) => {
    const found = await findEnvToChange(ctx, args.cg_id, args.name);
    const target = summarizeEnv(found.env);
    const envs = found.envs.map(summarizeEnv);
    // One default per program (not per OS): the farm clears the others when it sets one.
    const previous = envs.find((env) => env.default && env.name !== args.name);
    if (target.default) {
      const message = `"${args.name}" is already the default render environment; nothing was changed.`;
      return { text: message, structured: { env: target, message } };
    }
    await ctx.api.environments.setDefault({ editName: args.name });
    const message = `"${args.name}" is now the default render environment for ${target.software}${previous ? ` (was "${previous.name}")` : ''}.`;
    return {
      text: message,
      structured: compact({ env: { ...target, default: true }, previous_default: previous?.name, message }),
      links: [renderEnvsLink(args.cg_id)],
    };
  },
});
