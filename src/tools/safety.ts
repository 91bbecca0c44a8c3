import { z } from 'zod';
import { nodeCrypto } from '../client/node-crypto.js';
import { isoTime } from './support/format.js';

/**
 * Confirmation for destructive tools. With elicitation the user is asked directly; otherwise the first call returns
 * a preview and a token bound to exactly those arguments, which the second call must present before it expires.
 */
export const CONFIRMATION_MODES = ['auto', 'elicitation', 'token'] as const;
export type ConfirmationMode = (typeof CONFIRMATION_MODES)[number];

export const CONFIRMATION_TTL_MS = 5 * 60_000;

export type TokenCheck = 'ok' | 'expired' | 'mismatch' | 'used' | 'malformed';

export class ConfirmationTokens {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly secret: Buffer = nodeCrypto().randomBytes(32),
    private readonly ttlMs = CONFIRMATION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(tool: string, args: Record<string, unknown>): { token: string; expiresAt: string } {
    const expires = this.now() + this.ttlMs;
    const salt = nodeCrypto().randomBytes(6).toString('base64url');
    const head = `${expires.toString(36)}.${salt}`;
    return { token: `${head}.${this.mac(tool, args, head)}`, expiresAt: isoTime(expires)! };
  }

  /** Checks a token against the tool and the arguments of this call, and spends it when valid. */
  redeem(tool: string, args: Record<string, unknown>, token: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return 'malformed';
    const head = `${parts[0]}.${parts[1]}`;
    const expires = parseInt(parts[0]!, 36);
    if (!Number.isFinite(expires)) return 'malformed';
    const given = Buffer.from(parts[2]!);
    const wanted = Buffer.from(this.mac(tool, args, head));
    if (given.length !== wanted.length || !nodeCrypto().timingSafeEqual(given, wanted)) return 'mismatch';
    if (this.now() > expires) return 'expired';
    this.sweep();
    if (this.used.has(token)) return 'used';
    this.used.set(token, expires);
    return 'ok';
  }

  private mac(tool: string, args: Record<string, unknown>, head: string): string {
    return nodeCrypto()
      .createHmac('sha256', this.secret)
      .update(`${tool}\0${canonicalJson(args)}\0${head}`)
      .digest('base64url')
      .slice(0, 32);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, expires] of this.used) if (expires < now) this.used.delete(token);
  }
}

/** JSON with object keys sorted at every depth, so equal arguments give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const TOKEN_PROBLEMS: Record<Exclude<TokenCheck, 'ok'>, string> = {
  expired: 'the confirmation token has expired; call again without confirmation_token to get a fresh preview',
  mismatch: 'the confirmation token was issued for different arguments; call again without confirmation_token to preview these',
  used: 'the confirmation token was already used; call again without confirmation_token to preview again',
  malformed: 'the confirmation token is not one this server issued; pass the token from the preview answer unchanged',
};

/** Output of every destructive tool: a preview awaiting confirmation, a cancellation, or the done action. */
export const destructiveOutput = () => ({
  status: z.enum(['done', 'confirmation_required', 'cancelled']),
  affected: z.array(z.record(z.string(), z.unknown())),
  message: z.string(),
  confirmation_token: z.string().optional(),
  expires_at: z.string().optional(),
});

export type DestructiveResult = z.infer<z.ZodObject<ReturnType<typeof destructiveOutput>>>;

/** The answer of a destructive tool once it has acted. */
export function doneAnswer(message: string, affected: Record<string, unknown>[], details?: string): { text: string; structured: DestructiveResult } {
  return { text: details ? `${message}\n${details}` : message, structured: { status: 'done', affected, message } };
}

/**
 * `dry_run` of every costly tool: a preview unless the caller says otherwise, so nothing is billed on a first call.
 * (configure_render_env and other non-billed writes keep schema.ts's dryRun, false by default.)
 */
export const previewFirst = z.boolean().default(true).describe('Preview only (default); false acts');

/**
 * Output fields every costly tool shares: the estimate (support/cost.ts). A call above the spending limit in token
 * mode adds `confirmation_token` and `expires_at` at the top level, which output schemas allow without listing them
 * (tools/list stays small).
 */
export const costlyFields = { estimate: z.record(z.string(), z.unknown()).optional() };
