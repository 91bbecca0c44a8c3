import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Connector } from '../client/connector.js';
import type { Logger } from '../client/log.js';
import { ALL_TOOLS } from '../tools/index.js';
import { registerTools, type Policy } from '../tools/registry.js';
import type { ConfirmationTokens } from '../tools/safety.js';
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
}

export function buildInstructions(deps: Pick<ServerDeps, 'settings' | 'sandbox'>): string {
  const lines = [
    'rayvision-mcp gives access to a Rayvision render farm (Renderbus, Fox Renderfarm, Dayan cloud).',
    deps.sandbox
      ? `THIS IS A SANDBOX: a simulated farm at ${deps.sandbox.url} with generated data; nothing here touches a real account or costs money.`
      : undefined,
    'Start with job_status_summary or get_task_list to see tasks; get_task_info and get_task_frames for one task; triage_failures to explain failed frames.',
    'Task ids are numbers (19097); the console alias (2W19097) is accepted wherever a task id is.',
    'Destructive tools (delete_task, abandon_task, delete_render_env, delete_project_label, delete_task_label) need confirmation: the user is asked, or the first call returns a preview and a confirmation_token to pass back.',
    'Costly tools (submit_task, start_task, restart_*_frames, full_speed_render, edit_task_hardware_config) accept dry_run: true to preview.',
    deps.settings.readOnly ? 'The server runs read-only: tools that change the farm are not available.' : undefined,
  ];
  return lines.filter(Boolean).join('\n');
}

/** One MCP server (one per session) wired to a connector. */
export function createMcpServer(deps: ServerDeps): McpServer {
  const mcp = new McpServer(
    { name: 'rayvision-mcp', title: 'Rayvision render farm', version: VERSION },
    { capabilities: { logging: {} }, instructions: buildInstructions(deps) },
  );
  const policy: Policy = { toolsets: deps.settings.toolsets, readOnly: deps.settings.readOnly };
  registerTools(mcp, ALL_TOOLS, {
    connector: deps.connector,
    logger: deps.logger,
    policy,
    revealSecrets: deps.settings.revealSecrets,
    confirmationMode: deps.settings.confirmationMode,
    ...(deps.tokens ? { tokens: deps.tokens } : {}),
  });
  return mcp;
}
