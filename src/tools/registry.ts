import {
  isInputRequiredResult,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolRequestParams,
  type CallToolResult,
  type InputRequiredResult,
  type Server,
  type ServerContext,
  type Tool,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { FarmApi } from '../client/api/index.js';
import type { Connector } from '../client/connector.js';
import { RayvisionError } from '../client/errors.js';
import { closest } from '../client/suggest.js';
import type { Logger } from '../client/log.js';
import type { Toolset } from './toolsets.js';
import { destructiveConsent, spendingConsent, tokenRefusal, withConsent, type Confirmations, type Consent } from './confirm.js';
import { RefusedError, type AnyTool, type ToolAnswer, type ToolContext } from './define.js';
import { safeData, safeLayout } from './support/sanitize.js';

export interface Policy {
  toolsets: ReadonlySet<Toolset>;
  readOnly: boolean;
  /** RAYVISION_MAX_COST: a costly action estimated above it needs the user's confirmation. */
  maxCost?: number;
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

/** What a tool call needs besides its arguments; shared by every server instance of a process. */
export interface ToolRuntime {
  connector: Connector;
  logger: Logger;
  revealSecrets: boolean;
  confirmations: Confirmations;
}

interface Entry {
  tool: AnyTool;
  allowed: boolean;
  /** Compiled on the tool's first call: most processes call a few of the tools they list. */
  input?: z.ZodObject;
}

/** What tools/list says about one tool's arguments and answer, as JSON Schema. */
export interface ToolSchemas {
  inputSchema: Tool['inputSchema'];
  outputSchema: Tool['outputSchema'];
}

/**
 * The JSON Schemas of every tool, derived by the production build (scripts/build.ts) with `toolSchemas` and
 * inlined into the bundle, so a start does not run 114 `z.toJSONSchema` conversions; test/build.test.ts checks the
 * built tools/list against this live derivation. Absent when running from source: then they are derived here.
 */
declare const __RAYVISION_TOOL_SCHEMAS__: string | undefined;
const prebuiltSchemas = (): Record<string, ToolSchemas> | undefined =>
  typeof __RAYVISION_TOOL_SCHEMAS__ === 'string' ? (JSON.parse(__RAYVISION_TOOL_SCHEMAS__) as Record<string, ToolSchemas>) : undefined;

/** A tool's input and output as tools/list shows them (without the SDK's per-schema `$schema` header). */
export function toolSchemas(tool: AnyTool, policy: Pick<Policy, 'maxCost'> = {}): ToolSchemas {
  // Listed without `additionalProperties: false` (1.6 KB over 57 tools, in every model's context): the properties
  // already name every argument, and a call with another one is refused with a message naming them (argumentsOf).
  return { inputSchema: jsonSchema(z.object(inputShapeOf(tool, policy)), 'input'), outputSchema: jsonSchema(z.object(tool.output), 'output') };
}

/**
 * The tools of one policy, built once and shared by every server instance: the tools/list answer and each tool's
 * input schema. A stateless HTTP server builds an instance per request, and registering 57 tools each time would
 * cost more than the call.
 */
export class ToolTable {
  readonly listed: Tool[];
  private readonly entries = new Map<string, Entry>();

  constructor(
    tools: readonly AnyTool[],
    readonly policy: Policy,
  ) {
    for (const tool of tools) this.entries.set(tool.name, { tool, allowed: isAllowed(tool, policy) });
    const prebuilt = prebuiltSchemas();
    this.listed = [...this.entries.values()]
      .filter((entry) => entry.allowed)
      .map(({ tool }) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        // The build derives them without a spending limit; with one, costly tools also take a confirmation token.
        ...((tool.safety !== 'costly' || policy.maxCost === undefined ? prebuilt?.[tool.name] : undefined) ?? toolSchemas(tool, policy)),
        annotations: tool.annotations,
      }));
  }

  entry(name: string): Entry | undefined {
    return this.entries.get(name);
  }

  input(entry: Entry): z.ZodObject {
    return (entry.input ??= argumentsOf(inputShapeOf(entry.tool, this.policy)));
  }
}

/** Answers tools/list and tools/call on one server instance. */
export function installTools(server: Server, table: ToolTable, runtime: ToolRuntime): void {
  const listed = { tools: table.listed };
  server.setRequestHandler('tools/list', () => listed);
  server.setRequestHandler('tools/call', (request, ctx) => callTool(server, table, runtime, request.params, ctx));
}

async function callTool(
  server: Server,
  table: ToolTable,
  runtime: ToolRuntime,
  params: CallToolRequestParams,
  mcp: ServerContext,
): Promise<CallToolResult | InputRequiredResult> {
  const entry = table.entry(params.name);
  // An unknown name is a protocol error (2025-11-25); a known tool outside the policy is refused with its reason.
  if (!entry) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool "${params.name}"; tools/list shows the tools this server offers.`);
  const { tool } = entry;
  if (!entry.allowed) return errorResult(refusalReason(tool, table.policy));
  const parsed = table.input(entry).safeParse(params.arguments ?? {});
  if (!parsed.success) return errorResult(invalidArguments(tool.name, parsed.error, table.input(entry).shape));
  const { confirmation_token: token, ...target } = parsed.data as Record<string, unknown> & { confirmation_token?: string };
  if (token !== undefined && runtime.confirmations.mode !== 'token') return errorResult(tokenRefusal(tool.name, runtime.confirmations.mode));
  const ctx = createContext(runtime, mcp, table);
  try {
    const consent = consentFor(tool, target, ctx, table.policy);
    const answer = consent
      ? await withConsent({
          tool,
          target,
          token,
          ctx,
          mcp,
          confirmations: runtime.confirmations,
          declaredCapabilities: () => server.getClientCapabilities(),
          consent,
        })
      : await tool.handler(target, ctx);
    return isInputRequiredResult(answer) ? answer : toResult(answer as ToolAnswer<unknown>);
  } catch (error) {
    return errorResult(describeFailure(tool.name, error, runtime.logger));
  }
}

/**
 * What a call needs the user's consent for: every destructive call, and a costly call that would act (not a dry
 * run) while a spending limit is set (spendingConsent decides from its estimate). One mechanism for both.
 */
function consentFor(tool: AnyTool, target: Record<string, unknown>, ctx: ToolContext, policy: Policy): (() => Promise<Consent | undefined>) | undefined {
  if (tool.safety === 'destructive') return () => destructiveConsent(tool, target, ctx);
  if (tool.safety === 'costly' && policy.maxCost !== undefined && target['dry_run'] === false) return () => spendingConsent(tool, target, ctx, policy.maxCost!);
  return undefined;
}

/** Tools that may ask for consent take the token of token mode. */
const takesToken = (tool: AnyTool, policy: Pick<Policy, 'maxCost'>) =>
  tool.safety === 'destructive' || (tool.safety === 'costly' && policy.maxCost !== undefined);

function inputShapeOf(tool: AnyTool, policy: Pick<Policy, 'maxCost'>): z.ZodRawShape {
  return takesToken(tool, policy) ? { ...tool.input, confirmation_token: confirmationTokenField } : tool.input;
}

/**
 * A tool's arguments refuse keys it does not take: a misspelled filter (`statuss`) or one the tool does not have
 * (`task_id` on an account-wide tool) would otherwise be dropped, and the call would answer a question nobody asked.
 */
const argumentsOf = (shape: z.ZodRawShape): z.ZodObject => z.strictObject(shape);

const confirmationTokenField = z.string().max(200).optional().describe('Token from a preview, only in token mode, after the user agreed');

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

/** `get_task_info: invalid arguments: task_ids is required; ...` naming each field, and that nothing was sent. */
function invalidArguments(toolName: string, error: z.ZodError, shape: z.ZodRawShape): string {
  const problems = error.issues.slice(0, 10).map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : 'arguments';
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} is required`;
    if (issue.code === 'unrecognized_keys' && !issue.path.length) return unknownArguments(issue.keys, Object.keys(shape));
    return `${field}: ${issue.message}`;
  });
  const more = error.issues.length > 10 ? ` (and ${error.issues.length - 10} more)` : '';
  return `${toolName}: invalid arguments: ${problems.join('; ')}${more}. Nothing was sent to the farm.`;
}

/** `unknown argument "statuss" (did you mean "status"?); this tool takes page, page_size, status, ...` */
function unknownArguments(keys: readonly string[], known: readonly string[]): string {
  const named = keys.slice(0, 5).map((key) => {
    const near = closest(key, known);
    return `${JSON.stringify(key.slice(0, 60))}${near ? ` (did you mean "${near}"?)` : ''}`;
  });
  const takes = known.length ? `this tool takes ${known.join(', ')}` : 'this tool takes no arguments';
  return `unknown argument${keys.length > 1 ? 's' : ''} ${named.join(', ')}${keys.length > 5 ? ' and more' : ''}; ${takes}`;
}

const noProgress = async (): Promise<void> => undefined;

function createContext(runtime: ToolRuntime, mcp: ServerContext, table: ToolTable): ToolContext {
  const { signal } = mcp.mcpReq;
  const progressToken = mcp.mcpReq._meta?.progressToken;
  // An HTTP session's calls share one lane toward the farm, so no session can crowd out the others; outside a
  // session (2026-07-28, --stateless) the lane is the client's, which the HTTP server puts in authInfo.
  const lane = mcp.sessionId ?? mcp.http?.authInfo?.clientId;
  return {
    api: new FarmApi(runtime.connector, lane ? { signal, lane } : { signal }),
    logger: runtime.logger,
    signal,
    revealSecrets: runtime.revealSecrets,
    offers: (name) => table.entry(name)?.allowed === true,
    progress:
      progressToken === undefined
        ? noProgress
        : async (progress, total, message) => {
            await mcp.mcpReq.notify({
              method: 'notifications/progress',
              params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
            });
          },
  };
}

/** Every answer leaves through the sanitiser's last pass: the text keeps its layout, everything else is data. */
function toResult(answer: ToolAnswer<unknown>): CallToolResult {
  const text = { type: 'text' as const, text: safeLayout(answer.text) };
  return {
    content: answer.links?.length ? [text, ...safeData(answer.links)] : [text],
    structuredContent: safeData(answer.structured as Record<string, unknown>),
  };
}

export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text: safeLayout(text) }], isError: true };
}

/** One or two sentences: farm and refusal messages as they are, anything unexpected without its stack. */
export function describeFailure(toolName: string, error: unknown, logger: Logger): string {
  if (error instanceof RayvisionError || error instanceof RefusedError) return error.message;
  logger.error(`${toolName} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return `${toolName} failed: ${error instanceof Error ? error.message : String(error)}.`;
}
