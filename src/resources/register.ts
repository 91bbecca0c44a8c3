import {
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  UriTemplate,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplateType,
  type Server,
  type Variables,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { ToolContext } from '../tools/define.js';
import { summarizeTask } from '../tools/support/records.js';
import { safeData, safeLayout } from '../tools/support/sanitize.js';
import { cgId as cgIdSchema, softwareName, taskId as taskIdSchema } from '../tools/support/schema.js';
import type { Toolset } from '../tools/toolsets.js';
import type { Completions } from './complete.js';
import { readContext, type ResourceDeps } from './context.js';
import { NotFoundError, accountText, framesText, platformsText, renderEnvsText, softwareText, taskText, tasksText } from './views.js';

export const URIS = {
  account: 'rayvision://account',
  platforms: 'rayvision://platforms',
  tasks: 'rayvision://tasks',
  task: 'rayvision://tasks/{task_id}',
  frames: 'rayvision://tasks/{task_id}/frames',
  framesPage: 'rayvision://tasks/{task_id}/frames{?page}',
  software: 'rayvision://software',
  renderEnvs: 'rayvision://render-envs/{cg_id}',
} as const;

const TEXT = 'text/plain';

type Complete = (value: string, context: Record<string, string>) => Promise<string[]> | string[];

interface Described {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
}

interface StaticResource extends Described {
  uri: string;
  read(ctx: ToolContext): Promise<string>;
}

interface TemplateResource extends Described {
  uriTemplate: string;
  /** Concrete resources this template offers in resources/list (from the farm). */
  list?: (ctx: ToolContext) => Promise<Resource[]>;
  complete?: Record<string, Complete>;
  read(ctx: ToolContext, vars: Variables): Promise<string>;
}

/** A template variable checked with the same schema the tools use for that argument. */
function variable<T>(schema: z.ZodType<T>, name: string, value: string | string[] | undefined): T {
  const parsed = schema.safeParse(Array.isArray(value) ? value[0] : value);
  if (!parsed.success) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `${name}: ${parsed.error.issues[0]?.message ?? 'invalid value'}.`);
  return parsed.data;
}

const pageSchema = z.coerce.number().int('a page is a whole number').min(1, 'pages start at 1').max(100_000, 'at most page 100000');

function catalogue(completions: Completions): { statics: StaticResource[]; templates: TemplateResource[] } {
  const completeTask = { task_id: (value: string) => completions.taskIds(value) };
  const readFrames = (ctx: ToolContext, vars: Variables) =>
    framesText(ctx, variable(taskIdSchema, 'task_id', vars['task_id']), vars['page'] === undefined ? 1 : variable(pageSchema, 'page', vars['page']));
  const frames = {
    title: 'Task frames',
    description: 'Frames of a task, failed first, 100 a page',
    toolset: 'frames' as const,
    complete: completeTask,
    read: readFrames,
  };
  return {
    statics: [
      {
        name: 'account',
        uri: URIS.account,
        title: 'Account',
        description: 'Profile, balance and settings; secrets redacted',
        toolset: 'account',
        read: accountText,
      },
      {
        name: 'platforms',
        uri: URIS.platforms,
        title: 'Render platforms',
        description: 'Platforms (clusters) of the account',
        toolset: 'account',
        read: platformsText,
      },
      { name: 'tasks', uri: URIS.tasks, title: 'Tasks', description: 'Active and recent tasks; subscribe for changes', toolset: 'tasks', read: tasksText },
      {
        name: 'software',
        uri: URIS.software,
        title: 'Supported software',
        description: 'Programs the farm renders and their versions',
        toolset: 'environments',
        read: softwareText,
      },
    ],
    templates: [
      {
        name: 'task',
        uriTemplate: URIS.task,
        title: 'Task',
        description: 'Task detail, frame counts, child tasks, failure causes; subscribe for changes',
        toolset: 'tasks',
        list: recentTasks,
        complete: completeTask,
        read: (ctx, vars) => taskText(ctx, variable(taskIdSchema, 'task_id', vars['task_id'])),
      },
      { name: 'task_frames', uriTemplate: URIS.frames, ...frames },
      // The same resource with ?page=N (a URI template matches a query only when it is there).
      { name: 'task_frames_page', uriTemplate: URIS.framesPage, ...frames },
      {
        name: 'render_envs',
        uriTemplate: URIS.renderEnvs,
        title: 'Render environments',
        description: 'Your render environments for one program, default marked',
        toolset: 'environments',
        list: supportedSoftware,
        complete: { cg_id: (value) => completions.software(value) },
        read: (ctx, vars) => renderEnvsText(ctx, variable(cgIdSchema, 'cg_id', vars['cg_id'])),
      },
    ],
  };
}

/** The rayvision:// resources of the enabled toolsets, built once per policy and shared by every server instance. */
export class ResourceTable {
  readonly statics: StaticResource[];
  readonly templates: (TemplateResource & { matcher: UriTemplate })[];
  readonly templatesListed: { resourceTemplates: ResourceTemplateType[] };
  private readonly staticsListed: Resource[];
  /** Resources of toolsets that are not enabled, to say so instead of "not found". */
  private readonly hidden: { toolset: Toolset; matches(uri: string): boolean }[];

  constructor(
    toolsets: ReadonlySet<Toolset>,
    readonly completions: Completions,
  ) {
    const { statics, templates } = catalogue(completions);
    this.statics = statics.filter((r) => toolsets.has(r.toolset));
    this.templates = templates.filter((r) => toolsets.has(r.toolset)).map((r) => ({ ...r, matcher: new UriTemplate(r.uriTemplate) }));
    this.hidden = [
      ...statics.filter((r) => !toolsets.has(r.toolset)).map((r) => ({ toolset: r.toolset, matches: (uri: string) => uri === r.uri })),
      ...templates
        .filter((r) => !toolsets.has(r.toolset))
        .map((r) => {
          const matcher = new UriTemplate(r.uriTemplate);
          return { toolset: r.toolset, matches: (uri: string) => matcher.match(uri) !== null };
        }),
    ];
    this.staticsListed = this.statics.map(({ uri, name, title, description }) => ({ uri, name, title, description, mimeType: TEXT }));
    this.templatesListed = {
      resourceTemplates: this.templates.map(({ uriTemplate, name, title, description }) => ({ uriTemplate, name, title, description, mimeType: TEXT })),
    };
  }

  get empty(): boolean {
    return this.statics.length === 0 && this.templates.length === 0;
  }

  async list(ctx: ToolContext): Promise<Resource[]> {
    const listed = await Promise.all(this.templates.map((t) => (t.list ? t.list(ctx) : [])));
    // Titles and descriptions of listed tasks carry farm names.
    return [...this.staticsListed, ...safeData(listed.flat())];
  }

  async read(uri: string, ctx: ToolContext): Promise<ReadResourceResult> {
    const found = this.statics.find((r) => r.uri === uri);
    let text: string | undefined;
    try {
      if (found) text = await found.read(ctx);
      else {
        for (const template of this.templates) {
          const vars = template.matcher.match(uri);
          if (vars) {
            text = await template.read(ctx, vars);
            break;
          }
        }
      }
    } catch (error) {
      if (error instanceof NotFoundError) throw new ResourceNotFoundError(uri, error.message);
      throw error;
    }
    if (text === undefined) {
      const off = this.hidden.find((r) => r.matches(uri));
      throw new ResourceNotFoundError(
        uri,
        off
          ? `${uri} is not served: the "${off.toolset}" toolset is not enabled (RAYVISION_TOOLSETS / --toolsets).`
          : `No resource ${uri}; resources/list and resources/templates/list show what this server offers.`,
      );
    }
    return { contents: [{ uri, mimeType: TEXT, text: safeLayout(text) }] };
  }

  async complete(uriTemplate: string, argument: string, value: string, context: Record<string, string>): Promise<string[]> {
    const completers = this.templates.find((t) => t.uriTemplate === uriTemplate)?.complete;
    const complete = completers && Object.hasOwn(completers, argument) ? completers[argument] : undefined;
    return complete ? complete(value, context) : [];
  }
}

/** Answers resources/list, resources/templates/list and resources/read on one server instance. */
export function installResources(server: Server, table: ResourceTable, deps: ResourceDeps): void {
  server.setRequestHandler('resources/list', async (_request, ctx) => ({
    resources: await table.list(readContext(deps, ctx.mcpReq.signal, ctx.sessionId ?? ctx.http?.authInfo?.clientId)),
  }));
  server.setRequestHandler('resources/templates/list', () => table.templatesListed);
  server.setRequestHandler('resources/read', (request, ctx) =>
    table.read(request.params.uri, readContext(deps, ctx.mcpReq.signal, ctx.sessionId ?? ctx.http?.authInfo?.clientId)),
  );
}

/**
 * resources/list shows the newest tasks as concrete resources. A farm that does not answer leaves them out (and
 * says so in the log) rather than failing the whole list.
 */
async function recentTasks(ctx: ToolContext): Promise<Resource[]> {
  try {
    const { items } = await ctx.api.tasks.list({ pageNum: 1, pageSize: 20 });
    return items.map((task) => {
      const s = summarizeTask(task);
      return {
        uri: `rayvision://tasks/${task.id}`,
        name: `task ${task.id}`,
        ...(s.scene ? { title: s.scene } : {}),
        description: `${s.status}${s.total ? `, ${s.done ?? 0}/${s.total} frames` : ''}`,
        mimeType: TEXT,
      };
    });
  } catch (error) {
    ctx.logger.warn(`resources/list: recent tasks left out: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

async function supportedSoftware(ctx: ToolContext): Promise<Resource[]> {
  try {
    const { software } = await ctx.api.environments.software();
    return software.map((s) => ({
      uri: `rayvision://render-envs/${s.cgId}`,
      name: `render environments for ${softwareName(s.cgId)}`,
      title: `${s.cgName || softwareName(s.cgId)} environments`,
      mimeType: TEXT,
    }));
  } catch (error) {
    ctx.logger.warn(`resources/list: render environments left out: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
