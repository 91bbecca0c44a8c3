import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Connector } from '../client/connector.js';
import type { Logger } from '../client/log.js';
import { registerPrompts } from '../prompts/index.js';
import { Completions } from '../resources/complete.js';
import { registerResources } from '../resources/register.js';
import { registerSubscriptions } from '../resources/subscriptions.js';
import { ALL_TOOLS } from '../tools/index.js';
import { registerTools, type Policy } from '../tools/registry.js';
import type { ConfirmationTokens } from '../tools/safety.js';
import { pollSettings } from './poll.js';
import type { ServerSettings } from './config.js';
import { VERSION } from './version.js';

export interface ServerDeps {
  connector: Connector;
  logger: Logger;
  settings: ServerSettings;
  /** Set when the connector points at the embedded sandbox farm; said in the instructions. */
  sandbox?: { url: string };
  /** Shared by the sessions of one process so a token issued in one request is honoured in the next. */
  tokens?: ConfirmationTokens;
  /** Each request gets a fresh server (HTTP --stateless): nothing can be followed, so subscriptions are not offered. */
  stateless?: boolean;
}

export function buildInstructions(deps: Pick<ServerDeps, 'settings' | 'sandbox'>): string {
  const { readOnly } = deps.settings;
  const lines = [
    'rayvision-mcp gives access to a Rayvision render farm (Renderbus, Fox Renderfarm, Dayan cloud).',
    deps.sandbox
      ? `THIS IS A SANDBOX: a simulated farm at ${deps.sandbox.url} with generated data; nothing here touches a real account or costs money.`
      : undefined,
    'Start with job_status_summary (one screen: what renders, what failed, the balance); get_task_info for one task; wait_for_tasks to follow tasks to the end.',
    `Failed frames: triage_failures groups them by cause and explains each${readOnly ? '' : '; resubmit_failures resubmits them (a dry run unless dry_run is false, each task once)'}.`,
    readOnly ? undefined : 'Render environments: configure_render_env resolves software, version and plugin names against the farm and creates or updates one.',
    'Task ids are numbers (19097); the console alias (2W19097) is accepted wherever a task id is.',
    readOnly
      ? 'The server runs read-only: tools that change the farm are not available.'
      : 'Destructive tools (delete_*, abandon_task) need confirmation: the user is asked, or the first call returns a preview and a confirmation_token to pass back. Billed tools take dry_run to preview.',
    'Resources: rayvision://tasks, rayvision://tasks/{task_id} (subscribe to follow changes), rayvision://tasks/{task_id}/frames, rayvision://account, rayvision://software, rayvision://render-envs/{cg_id}.',
  ];
  return lines.filter(Boolean).join('\n');
}

/** One MCP server (one per session) wired to a connector: tools, resources with subscriptions, prompts. */
export function createMcpServer(deps: ServerDeps): McpServer {
  const { settings } = deps;
  const follows = !deps.stateless && (settings.toolsets.has('tasks') || settings.toolsets.has('frames'));
  const mcp = new McpServer(
    { name: 'rayvision-mcp', title: 'Rayvision render farm', version: VERSION },
    { capabilities: { logging: {}, ...(follows ? { resources: { subscribe: true, listChanged: true } } : {}) }, instructions: buildInstructions(deps) },
  );
  const policy: Policy = { toolsets: settings.toolsets, readOnly: settings.readOnly };
  registerTools(mcp, ALL_TOOLS, {
    connector: deps.connector,
    logger: deps.logger,
    policy,
    revealSecrets: settings.revealSecrets,
    confirmationMode: settings.confirmationMode,
    ...(deps.tokens ? { tokens: deps.tokens } : {}),
  });
  const reading = { connector: deps.connector, logger: deps.logger, revealSecrets: settings.revealSecrets };
  const completions = new Completions(reading);
  registerResources(mcp, { ...reading, toolsets: settings.toolsets, completions });
  if (follows) registerSubscriptions(mcp, { connector: deps.connector, logger: deps.logger, poll: pollSettings(settings.poll), toolsets: settings.toolsets });
  registerPrompts(mcp, completions, policy);
  return mcp;
}
