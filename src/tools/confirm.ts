import {
  acceptedContent,
  CLIENT_CAPABILITIES_META_KEY,
  createRequestStateCodec,
  inputRequired,
  type InputRequiredResult,
  type RequestStateCodec,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { nodeCrypto } from '../client/node-crypto.js';
import { RefusedError, type AnyTool, type Preview, type ToolAnswer, type ToolContext } from './define.js';
import { canonicalJson, ConfirmationTokens, CONFIRMATION_TTL_MS, TOKEN_PROBLEMS, type ConfirmationMode } from './safety.js';
import { costText, estimateText } from './support/cost.js';
import { farmText } from './support/sanitize.js';

/**
 * How a call gets the user's consent: every destructive call, and a costly call whose estimate is above the
 * spending limit (RAYVISION_MAX_COST). The question goes to the user through the client: on 2026-07-28 as an
 * `input_required` result, on 2025 connections as an elicitation the SDK sends on the calling request's own stream
 * (its legacy shim re-enters the handler with the answer). Both carry a sealed request state bound to the tool and
 * its exact arguments. When the client cannot ask, the call is refused; only an operator's token mode lets the
 * assistant carry a token back, and it is told to do so only after the user agreed. The question is built from
 * server-side facts (ids, counts, status words, the estimate); farm names in it are escaped and quoted.
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

/** What one call needs the user to agree to, and how each outcome is answered. */
export interface Consent {
  /** The question shown to the user. */
  question: string;
  /** Why the user must agree, for the refusal when the client cannot ask: `it needs the user's confirmation`. */
  why: string;
  /** What the user is asked to agree to: `delete 2 tasks`. */
  action: string;
  /** The answer when the user says no: nothing was done. */
  declined(): Promise<ToolAnswer<unknown>>;
  /** The answer in token mode: the preview, the token, and what the assistant may do with it. */
  withToken(token: string, expiresAt: string, message: string): Promise<ToolAnswer<unknown>>;
}

const ANSWER_KEY = 'confirm';
const answerSchema = z.object({ confirm: z.boolean().meta({ title: 'Go ahead', description: 'Check to go ahead' }) });

/**
 * One secret seals both tokens and request states, so replicas sharing RAYVISION_CONFIRMATION_SECRET agree. The key,
 * the tokens and the codec are made on first use: they need node:crypto and Web Crypto, which listing tools does not.
 */
export function createConfirmations(mode: ConfirmationMode, secret?: string, now?: () => number): Confirmations {
  let key: Buffer | undefined;
  let tokens: ConfirmationTokens | undefined;
  let codec: RequestStateCodec<ConfirmState> | undefined;
  const keyOf = () =>
    (key ??= secret ? nodeCrypto().createHash('sha256').update(`rayvision-mcp confirmation\0${secret}`).digest() : nodeCrypto().randomBytes(32));
  return {
    mode,
    get tokens() {
      return (tokens ??= new ConfirmationTokens(keyOf(), CONFIRMATION_TTL_MS, now));
    },
    get codec() {
      return (codec ??= createRequestStateCodec<ConfirmState>({ key: new Uint8Array(keyOf()), ttlSeconds: CONFIRMATION_TTL_MS / 1000 }));
    },
  };
}

const digest = (tool: string, args: Record<string, unknown>) =>
  nodeCrypto()
    .createHash('sha256')
    .update(`${tool}\0${canonicalJson(args)}`)
    .digest('base64url');

/** Whether the client can show the user a form: 2026 requests say so in their envelope, 2025 clients at initialize. */
function clientCanAsk(mcp: ServerContext, declared: () => { elicitation?: object } | undefined): boolean {
  const envelope = mcp.mcpReq.envelope as Record<string, { elicitation?: object } | undefined> | undefined;
  const elicitation = (envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? declared())?.elicitation as { form?: object; url?: object } | undefined;
  if (!elicitation) return false;
  // A bare `elicitation: {}` predates modes and means form support.
  return elicitation.form !== undefined || elicitation.url === undefined;
}

export interface ConsentCall {
  tool: AnyTool;
  /** The arguments without confirmation_token. */
  target: Record<string, unknown>;
  token: string | undefined;
  ctx: ToolContext;
  mcp: ServerContext;
  confirmations: Confirmations;
  declaredCapabilities: () => { elicitation?: object } | undefined;
  /** What this call needs consent for; undefined when it needs none (a costly call within the spending limit). */
  consent(): Promise<Consent | undefined>;
}

/** Runs a call that may need the user's consent: asks, refuses, or hands out a token, and acts only once agreed. */
export async function withConsent(call: ConsentCall): Promise<ToolAnswer<unknown> | InputRequiredResult> {
  const { tool, target, token, ctx, mcp, confirmations } = call;
  const { mode } = confirmations;

  if (token !== undefined) {
    if (mode !== 'token') throw new RefusedError(tokenRefusal(tool.name, mode));
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
    const consent = await call.consent();
    if (consent) return consent.declined();
    throw new RefusedError(`${tool.name} did nothing: the user did not confirm.`);
  }

  const consent = await call.consent();
  if (!consent) return tool.handler(target, ctx);
  if (mode !== 'token' && clientCanAsk(mcp, call.declaredCapabilities)) {
    return inputRequired({
      inputRequests: { [ANSWER_KEY]: inputRequired.elicit({ message: consent.question, requestedSchema: answerSchema }) },
      requestState: await confirmations.codec.mint({ tool: tool.name, args: digest(tool.name, target) }),
    });
  }
  if (mode !== 'token') {
    throw new RefusedError(
      `${tool.name} did nothing: ${consent.why}, and this client cannot ask the user (it does not support elicitation). An operator can set RAYVISION_CONFIRMATION=token to confirm with a token instead.`,
    );
  }
  const { token: issued, expiresAt } = confirmations.tokens.issue(tool.name, target);
  const message =
    `Nothing was changed yet. Show this preview to the user and ask whether to ${consent.action}. Only if the user agrees, call ${tool.name} again ` +
    `with the same arguments and confirmation_token "${issued}" (valid until ${expiresAt}); never pass it on your own judgement.`;
  return consent.withToken(issued, expiresAt, message);
}

export function tokenRefusal(toolName: string, mode: ConfirmationMode): string {
  return `${toolName} did nothing: this server confirms with the user directly (RAYVISION_CONFIRMATION=${mode}), so confirmation tokens are not accepted; call it without confirmation_token.`;
}

/** `About to delete 2 tasks:` and one line per item, each line escaped so farm text cannot add lines of its own. */
function summaryOf(preview: Preview): string {
  return [`About to ${farmText(preview.action)}:`, ...preview.lines.map((line) => farmText(line))].join('\n');
}

/** A destructive call: always asked, from the tool's preview of what it would destroy. */
export async function destructiveConsent(tool: AnyTool, target: Record<string, unknown>, ctx: ToolContext): Promise<Consent> {
  const preview = await tool.preview!(target, ctx);
  const summary = summaryOf(preview);
  return {
    question: `${summary}\n\nThis cannot be undone. Go ahead?`,
    why: "it needs the user's confirmation",
    action: preview.action,
    declined: async () => ({
      text: `Cancelled: the user did not confirm, so nothing was changed.\n${summary}`,
      structured: { status: 'cancelled', affected: preview.items, message: 'The user did not confirm; nothing was changed.' },
    }),
    withToken: async (token, expiresAt, message) => ({
      text: `${summary}\n\n${message}`,
      structured: { status: 'confirmation_required', affected: preview.items, message, confirmation_token: token, expires_at: expiresAt },
    }),
  };
}

/**
 * A costly call under a spending limit: asked only when its estimate is above the limit, or when there is no
 * estimate (an action whose cost cannot be bounded counts as above it). Declining, or token mode, answers with
 * the tool's own dry run, so the answer has the tool's usual shape.
 */
export async function spendingConsent(tool: AnyTool, target: Record<string, unknown>, ctx: ToolContext, maxCost: number): Promise<Consent | undefined> {
  const preview = await tool.preview!(target, ctx);
  const estimate = preview.estimate;
  if (preview.blocked) return undefined;
  if (estimate?.cost !== undefined && estimate.cost <= maxCost) return undefined;
  const currency = estimate?.currency ? ` ${estimate.currency}` : '';
  const limit = `the spending limit of ${maxCost}${currency} (RAYVISION_MAX_COST)`;
  const over =
    estimate?.cost === undefined
      ? `its cost cannot be estimated, and ${limit} asks the user about any action it cannot bound`
      : `its estimated cost, ${costText(estimate)}, is above ${limit}`;
  const action = `${preview.action} (estimated cost ${estimate ? costText(estimate) : 'unknown'})`;
  // The tool's own dry run, led by this message instead of its own (the same sentence in text and structured content).
  const dryRun = async (message: string, extra: Record<string, unknown> = {}) => {
    const answer = await tool.handler({ ...target, dry_run: true }, ctx);
    const structured = answer.structured as Record<string, unknown>;
    const old = typeof structured['message'] === 'string' ? structured['message'] : '';
    const rest = (old ? answer.text.replace(old, '') : answer.text).trim();
    const text = `${message}\n\n${rest}`;
    return { ...answer, text, structured: { ...structured, ...extra, message } };
  };
  return {
    question: `${summaryOf(preview)}\n\n${estimate ? estimateText(estimate) : 'Estimated cost: unknown.'}\n${over[0]!.toUpperCase()}${over.slice(1)}. Go ahead?`,
    why: `${over}, so it needs the user's confirmation`,
    action,
    declined: () => dryRun('Cancelled: the user did not agree to the cost, so nothing was sent.'),
    withToken: (token, expiresAt, message) => dryRun(message, { confirmation_token: token, expires_at: expiresAt }),
  };
}
