import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ListToolsRequestSchema, type CallToolResult, type ServerNotification, type ServerRequest, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { FarmApi } from '../client/api/index.js';
import type { Connector } from '../client/connector.js';
import { RayvisionError } from '../client/errors.js';
import type { Logger } from '../client/log.js';
import type { Toolset } from './toolsets.js';
import { RefusedError, type AnyTool, type Preview, type ToolAnswer, type ToolContext } from './define.js';
import { ConfirmationTokens, TOKEN_PROBLEMS, type ConfirmationMode } from './safety.js';

export interface Policy {
  toolsets: ReadonlySet<Toolset>;
  readOnly: boolean;
}

/** Read-only always wins; otherwise the tool's toolset must be enabled. */
export function isAllowed(tool: Pick<AnyTool, 'toolset' | 'safety'>, policy: Policy): boolean {
  if (policy.readOnly && tool.safety !== 'read') return false;
  return policy.toolsets.has(tool.toolset);
}

export function refusalReason(tool: Pick<AnyTool, 'name' | 'toolset' | 'safety'>, policy: Policy): string {
  if (policy.readOnly && tool.safety !== 'read') {
    return `${tool.name} changes the farm, and this server runs read-only (RAYVISION_READ_ONLY / --read-only); nothing was sent.`;
  }
  return `${tool.name} belongs to the "${tool.toolset}" toolset, which is not enabled (RAYVISION_TOOLSETS / --toolsets); nothing was sent.`;
}

export interface RegistryDeps {
  connector: Connector;
  logger: Logger;
  policy: Policy;
  revealSecrets: boolean;
  confirmationMode: ConfirmationMode;
  tokens?: ConfirmationTokens;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Registers every tool with the SDK. Tools outside the policy are registered disabled (not listed, refused by
 * name before any handler runs), and the handler checks the policy again at call time.
 */
export function registerTools(mcp: McpServer, tools: readonly AnyTool[], deps: RegistryDeps): void {
  const tokens = deps.tokens ?? new ConfirmationTokens();
  for (const tool of tools) {
    const inputShape = inputShapeOf(tool);
    const registered = mcp.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: inputShape,
        // The output schema is published by listedTools() below, not given to the SDK: it would re-validate every
        // result with zod on each call (clients validate against the published schema, as the tests' client does).
        annotations: tool.annotations,
      },
      async (args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> => {
        if (!isAllowed(tool, deps.policy)) return errorResult(refusalReason(tool, deps.policy));
        const ctx = createContext(mcp, deps, extra);
        try {
          const answer = tool.safety === 'destructive' ? await runDestructive(tool, args, ctx, deps.confirmationMode, tokens) : await tool.handler(args, ctx);
          return toResult(answer);
        } catch (error) {
          return errorResult(describeFailure(tool.name, error, deps.logger));
        }
      },
    );
    if (!isAllowed(tool, deps.policy)) registered.disable();
  }
  const listed = listedTools(tools, deps.policy);
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
}

function inputShapeOf(tool: AnyTool): z.ZodRawShape {
  return tool.safety === 'destructive' ? { ...tool.input, confirmation_token: confirmationTokenField } : tool.input;
}

const listCache = new Map<string, Tool[]>();

/**
 * The tools/list answer, computed once per policy and process. The SDK would re-derive every JSON Schema on each
 * call and stamp each with a `$schema` header and an `execution` field; across the catalog that is ~7 KB of a
 * model's context for nothing, and CPU on every session start.
 */
function listedTools(tools: readonly AnyTool[], policy: Policy): Tool[] {
  const key = `${policy.readOnly}|${[...policy.toolsets].sort().join(',')}|${tools.map((t) => t.name).join(',')}`;
  let listed = listCache.get(key);
  if (!listed) {
    listed = tools
      .filter((tool) => isAllowed(tool, policy))
      .map((tool) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: jsonSchema(z.object(inputShapeOf(tool)), 'input'),
        outputSchema: jsonSchema(z.object(tool.output), 'output'),
        annotations: tool.annotations,
      }));
    listCache.set(key, listed);
  }
  return listed;
}

function jsonSchema(schema: z.ZodObject, io: 'input' | 'output'): Tool['inputSchema'] {
  const { $schema: _header, ...rest } = withoutNoOps(z.toJSONSchema(schema, { target: 'draft-7', io })) as Record<string, unknown>;
  // An output schema describes what we send; forbidding extra keys at its top level tells a client nothing.
  if (io === 'output' && rest['additionalProperties'] === false) delete rest['additionalProperties'];
  return rest as Tool['inputSchema'];
}

/** Drops keywords that restate JSON Schema's defaults: `additionalProperties: {}` and string `propertyNames`. */
function withoutNoOps(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutNoOps);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'additionalProperties' && isEmptyObject(value)) continue;
    if (key === 'propertyNames' && isEmptyObject({ ...(value as object), type: undefined }) && (value as { type?: string }).type === 'string') continue;
    out[key] = withoutNoOps(value);
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => v === undefined);
}

const confirmationTokenField = z.string().max(200).optional().describe('Token from a preview, to confirm it');

async function runDestructive(
  tool: AnyTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
  mode: ConfirmationMode,
  tokens: ConfirmationTokens,
): Promise<ToolAnswer<unknown>> {
  const { confirmation_token: token, ...target } = args;
  if (typeof token === 'string') {
    const check = tokens.redeem(tool.name, target, token);
    if (check !== 'ok') throw new RefusedError(`${tool.name} did nothing: ${TOKEN_PROBLEMS[check]}.`);
    return tool.handler(target, ctx);
  }
  const preview: Preview = await tool.preview!(target, ctx);
  const summary = [`About to ${preview.action}:`, ...preview.lines].join('\n');
  if (mode !== 'token' && ctx.confirmWithUser) {
    if (await ctx.confirmWithUser(`${summary}\n\nThis cannot be undone. Proceed?`)) return tool.handler(target, ctx);
    return {
      text: `Cancelled: the user did not confirm, so nothing was changed.\n${summary}`,
      structured: { status: 'cancelled', affected: preview.items, message: 'The user did not confirm; nothing was changed.' },
    };
  }
  if (mode === 'elicitation') {
    throw new RefusedError(
      `${tool.name} needs the user's confirmation, but this client cannot ask (no elicitation support) and RAYVISION_CONFIRMATION=elicitation rules out confirmation tokens; nothing was changed.`,
    );
  }
  const { token: issued, expiresAt } = tokens.issue(tool.name, target);
  const message = `Nothing was changed yet. To ${preview.action}, call ${tool.name} again with the same arguments and confirmation_token "${issued}" (valid until ${expiresAt}).`;
  return {
    text: `${summary}\n\n${message}`,
    structured: { status: 'confirmation_required', affected: preview.items, message, confirmation_token: issued, expires_at: expiresAt },
  };
}

function createContext(mcp: McpServer, deps: RegistryDeps, extra: Extra): ToolContext {
  const progressToken = extra._meta?.progressToken;
  const canElicit = Boolean(mcp.server.getClientCapabilities()?.elicitation);
  return {
    api: new FarmApi(deps.connector, extra.signal),
    logger: deps.logger,
    signal: extra.signal,
    revealSecrets: deps.revealSecrets,
    progress: async (progress, total, message) => {
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
      });
    },
    ...(canElicit
      ? {
          confirmWithUser: async (message: string) => {
            const result = await mcp.server.elicitInput(
              {
                message,
                requestedSchema: {
                  type: 'object',
                  properties: { confirm: { type: 'boolean', title: 'Confirm', description: 'Check to go ahead' } },
                  required: ['confirm'],
                },
              },
              { signal: extra.signal },
            );
            return result.action === 'accept' && result.content?.['confirm'] === true;
          },
        }
      : {}),
  };
}

function toResult(answer: ToolAnswer<unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: answer.text }, ...(answer.links ?? [])],
    structuredContent: answer.structured as Record<string, unknown>,
  };
}

export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** One or two sentences: farm and refusal messages as they are, anything unexpected without its stack. */
export function describeFailure(toolName: string, error: unknown, logger: Logger): string {
  if (error instanceof RayvisionError || error instanceof RefusedError) return error.message;
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    return `${toolName} got an answer it could not read${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`;
  }
  logger.error(`${toolName} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return `${toolName} failed: ${error instanceof Error ? error.message : String(error)}.`;
}
