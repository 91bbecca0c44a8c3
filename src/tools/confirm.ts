import { createHash, randomBytes } from 'node:crypto';
import { acceptedContent, CLIENT_CAPABILITIES_META_KEY, createRequestStateCodec, inputRequired, type InputRequiredResult, type RequestStateCodec, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { RefusedError, type AnyTool, type Preview, type ToolAnswer, type ToolContext } from './define.js';
import { canonicalJson, ConfirmationTokens, CONFIRMATION_TTL_MS, TOKEN_PROBLEMS, type ConfirmationMode } from './safety.js';

/**
 * How a destructive tool gets the user's consent. The question goes to the user through the client: on 2026-07-28
 * as an `input_required` result, on 2025 connections as an elicitation the SDK sends on the calling request's own
 * stream (its legacy shim re-enters the handler with the answer). Both carry a sealed request state bound to the
 * tool and its exact arguments. When the client cannot ask, the default refuses; only an operator's token mode lets
 * the assistant carry a token back, and it is told to do so only after the user agreed.
 */
export interface Confirmations {
  mode: ConfirmationMode;
  tokens: ConfirmationTokens;
  codec: RequestStateCodec<ConfirmState>;
}

/** What a sealed request state vouches for: this tool, these arguments. */
export interface ConfirmState {
  tool: string;
  args: string;
}

const ANSWER_KEY = 'confirm';
const answerSchema = z.object({ confirm: z.boolean().meta({ title: 'Go ahead', description: 'Check to go ahead' }) });

/** One secret seals both tokens and request states, so replicas sharing RAYVISION_CONFIRMATION_SECRET agree. */
export function createConfirmations(mode: ConfirmationMode, secret?: string, now?: () => number): Confirmations {
  const key = secret ? createHash('sha256').update(`rayvision-mcp confirmation\0${secret}`).digest() : randomBytes(32);
  return {
    mode,
    tokens: new ConfirmationTokens(key, CONFIRMATION_TTL_MS, now),
    codec: createRequestStateCodec<ConfirmState>({ key: new Uint8Array(key), ttlSeconds: CONFIRMATION_TTL_MS / 1000 }),
  };
}

const digest = (tool: string, args: Record<string, unknown>) => createHash('sha256').update(`${tool}\0${canonicalJson(args)}`).digest('base64url');

/** Whether the client can show the user a form: 2026 requests say so in their envelope, 2025 clients at initialize. */
function clientCanAsk(mcp: ServerContext, declared: () => { elicitation?: object } | undefined): boolean {
  const envelope = mcp.mcpReq.envelope as Record<string, { elicitation?: object } | undefined> | undefined;
  const elicitation = (envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? declared())?.elicitation as { form?: object; url?: object } | undefined;
  if (!elicitation) return false;
  // A bare `elicitation: {}` predates modes and means form support.
  return elicitation.form !== undefined || elicitation.url === undefined;
}

export async function runDestructive(
  tool: AnyTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
  mcp: ServerContext,
  confirmations: Confirmations,
  declaredCapabilities: () => { elicitation?: object } | undefined,
): Promise<ToolAnswer<unknown> | InputRequiredResult> {
  const { confirmation_token: token, ...target } = args;
  const { mode } = confirmations;

  if (typeof token === 'string') {
    if (mode !== 'token') {
      throw new RefusedError(
        `${tool.name} did nothing: this server confirms with the user directly (RAYVISION_CONFIRMATION=${mode}), so confirmation tokens are not accepted; call it without confirmation_token.`,
      );
    }
    const check = confirmations.tokens.redeem(tool.name, target, token);
    if (check !== 'ok') throw new RefusedError(`${tool.name} did nothing: ${TOKEN_PROBLEMS[check]}.`);
    return tool.handler(target, ctx);
  }

  // Second round: the client answered the question sealed in the request state.
  const state = mcp.mcpReq.requestState<ConfirmState>();
  if (state !== undefined) {
    if (state.tool !== tool.name || state.args !== digest(tool.name, target)) {
      throw new RefusedError(`${tool.name} did nothing: the confirmation was given for a different call; call it again to be asked about these arguments.`);
    }
    if (acceptedContent(mcp.mcpReq.inputResponses, ANSWER_KEY, answerSchema)?.confirm === true) return tool.handler(target, ctx);
    const preview = await tool.preview!(target, ctx);
    return {
      text: `Cancelled: the user did not confirm, so nothing was changed.\n${summaryOf(preview)}`,
      structured: { status: 'cancelled', affected: preview.items, message: 'The user did not confirm; nothing was changed.' },
    };
  }

  const preview = await tool.preview!(target, ctx);
  const summary = summaryOf(preview);
  if (mode !== 'token' && clientCanAsk(mcp, declaredCapabilities)) {
    return inputRequired({
      inputRequests: {
        [ANSWER_KEY]: inputRequired.elicit({ message: `${summary}\n\nThis cannot be undone. Go ahead?`, requestedSchema: answerSchema }),
      },
      requestState: await confirmations.codec.mint({ tool: tool.name, args: digest(tool.name, target) }),
    });
  }
  if (mode !== 'token') {
    throw new RefusedError(
      `${tool.name} did nothing: it needs the user's confirmation, and this client cannot ask the user (it does not support elicitation). An operator can set RAYVISION_CONFIRMATION=token to confirm with a token instead.`,
    );
  }
  const { token: issued, expiresAt } = confirmations.tokens.issue(tool.name, target);
  const message =
    `Nothing was changed yet. Show this preview to the user and ask whether to ${preview.action}. Only if the user agrees, call ${tool.name} again ` +
    `with the same arguments and confirmation_token "${issued}" (valid until ${expiresAt}); never pass it on your own judgement.`;
  return {
    text: `${summary}\n\n${message}`,
    structured: { status: 'confirmation_required', affected: preview.items, message, confirmation_token: issued, expires_at: expiresAt },
  };
}

function summaryOf(preview: Preview): string {
  return [`About to ${preview.action}:`, ...preview.lines].join('\n');
}
