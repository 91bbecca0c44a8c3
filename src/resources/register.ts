import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError, type ListResourcesResult, type ReadResourceResult, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Toolset } from '../tools/toolsets.js';
import { summarizeTask } from '../tools/support/records.js';
import { cgId as cgIdSchema, softwareName, taskId as taskIdSchema } from '../tools/support/schema.js';
import type { Completions } from './complete.js';
import { readContext, type ResourceDeps } from './context.js';
import { accountText, framesText, platformsText, renderEnvsText, softwareText, taskText, tasksText } from './views.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ResourceOptions extends ResourceDeps {
  /** Resources follow the toolsets of the tools that show the same things. */
  toolsets: ReadonlySet<Toolset>;
  completions: Completions;
}

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

const answer = (uri: URL, text: string): ReadResourceResult => ({ contents: [{ uri: uri.href, mimeType: TEXT, text }] });

/** A template variable checked with the same schema the tools use for that argument. */
function variable<T>(schema: z.ZodType<T>, name: string, value: string | string[] | undefined): T {
  const parsed = schema.safeParse(Array.isArray(value) ? value[0] : value);
  if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `${name}: ${parsed.error.issues[0]?.message ?? 'invalid value'}.`);
  return parsed.data;
}

const pageSchema = z.coerce.number().int('a page is a whole number').min(1, 'pages start at 1').max(100_000, 'at most page 100000');

/** Registers the rayvision:// resources and templates of the enabled toolsets. */
export function registerResources(mcp: McpServer, options: ResourceOptions): void {
  const on = (toolset: Toolset) => options.toolsets.has(toolset);
  const ctx = (extra: Extra) => readContext(options, extra.signal);
  const completeTask = { task_id: (value: string) => options.completions.taskIds(value) };

  if (on('account')) {
    mcp.registerResource('account', URIS.account, { title: 'Account', description: 'Profile, balance and settings; secrets redacted', mimeType: TEXT }, async (uri, extra) =>
      answer(uri, await accountText(ctx(extra))),
    );
    mcp.registerResource('platforms', URIS.platforms, { title: 'Render platforms', description: 'Platforms (clusters) of the account', mimeType: TEXT }, async (uri, extra) =>
      answer(uri, await platformsText(ctx(extra))),
    );
  }

  if (on('tasks')) {
    mcp.registerResource('tasks', URIS.tasks, { title: 'Tasks', description: 'Active and recent tasks; subscribe for changes', mimeType: TEXT }, async (uri, extra) =>
      answer(uri, await tasksText(ctx(extra))),
    );
    mcp.registerResource(
      'task',
      new ResourceTemplate(URIS.task, { list: (extra) => recentTasks(options, extra), complete: completeTask }),
      { title: 'Task', description: 'Task detail, frame counts, child tasks, failure causes; subscribe for changes', mimeType: TEXT },
      async (uri, vars, extra) => answer(uri, await taskText(ctx(extra), variable(taskIdSchema, 'task_id', vars['task_id']))),
    );
  }

  if (on('frames')) {
    const readFrames = async (uri: URL, vars: Record<string, string | string[]>, extra: Extra) =>
      answer(uri, await framesText(ctx(extra), variable(taskIdSchema, 'task_id', vars['task_id']), vars['page'] === undefined ? 1 : variable(pageSchema, 'page', vars['page'])));
    const metadata = { title: 'Task frames', description: 'Frames of a task, failed first, 100 a page', mimeType: TEXT };
    mcp.registerResource('task_frames', new ResourceTemplate(URIS.frames, { list: undefined, complete: completeTask }), metadata, readFrames);
    // The same resource with ?page=N (a URI template matches a query only when it is there).
    mcp.registerResource('task_frames_page', new ResourceTemplate(URIS.framesPage, { list: undefined, complete: completeTask }), metadata, readFrames);
  }

  if (on('environments')) {
    mcp.registerResource('software', URIS.software, { title: 'Supported software', description: 'Programs the farm renders and their versions', mimeType: TEXT }, async (uri, extra) =>
      answer(uri, await softwareText(ctx(extra))),
    );
    mcp.registerResource(
      'render_envs',
      new ResourceTemplate(URIS.renderEnvs, { list: (extra) => supportedSoftware(options, extra), complete: { cg_id: (value) => options.completions.software(value) } }),
      { title: 'Render environments', description: 'Your render environments for one program, default marked', mimeType: TEXT },
      async (uri, vars, extra) => answer(uri, await renderEnvsText(ctx(extra), variable(cgIdSchema, 'cg_id', vars['cg_id']))),
    );
  }
}

/**
 * resources/list shows the newest tasks as concrete resources. A farm that does not answer leaves them out (and
 * says so in the log) rather than failing the whole list.
 */
async function recentTasks(options: ResourceOptions, extra: Extra): Promise<ListResourcesResult> {
  try {
    const { items } = await readContext(options, extra.signal).api.tasks.list({ pageNum: 1, pageSize: 20 });
    return {
      resources: items.map((task) => {
        const s = summarizeTask(task);
        return {
          uri: `rayvision://tasks/${task.id}`,
          name: `task ${task.id}`,
          ...(s.scene ? { title: s.scene } : {}),
          description: `${s.status}${s.total ? `, ${s.done ?? 0}/${s.total} frames` : ''}`,
          mimeType: TEXT,
        };
      }),
    };
  } catch (error) {
    options.logger.warn(`resources/list: recent tasks left out: ${error instanceof Error ? error.message : String(error)}`);
    return { resources: [] };
  }
}

async function supportedSoftware(options: ResourceOptions, extra: Extra): Promise<ListResourcesResult> {
  try {
    const { software } = await readContext(options, extra.signal).api.environments.software();
    return {
      resources: software
        .map((s) => ({ uri: `rayvision://render-envs/${s.cgId}`, name: `render environments for ${softwareName(s.cgId)}`, title: `${s.cgName || softwareName(s.cgId)} environments`, mimeType: TEXT })),
    };
  } catch (error) {
    options.logger.warn(`resources/list: render environments left out: ${error instanceof Error ? error.message : String(error)}`);
    return { resources: [] };
  }
}
