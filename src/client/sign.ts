import { nodeCrypto } from './node-crypto.js';

/**
 * Request signing exactly as the official Python SDK (rayvision_api 3.0.4, `signature.py` + `connect.py`) does it,
 * which is what the platform verifies. See ../shared/docs/sdk-reference.md §1.
 */

/**
 * A value that may travel in a request body. Booleans, null and non-integer numbers are excluded on purpose:
 * the platform renders them the Python way (`True`, `None`, `1.0`) when it checks the signature, and JavaScript
 * cannot reproduce that. Tools convert such values (0/1, `"false"`, omitted) before they build a body.
 */
export type WireValue = string | number | readonly WireValue[] | { readonly [key: string]: WireValue | undefined };
export type WireBody = { readonly [key: string]: WireValue | undefined };

export const PROTOCOL_VERSION = '2.0.0';
export const CHANNEL = '4';

/** The headers that take part in the signature (everything we send except `signature`, `Content-Type` and `languageFlag`). */
export type SignedHeaders = {
  accessId: string;
  channel: string;
  platform: string;
  UTCTimestamp: string;
  nonce: string;
  version: string;
};

export class UnsignableValueError extends Error {
  constructor(key: string, value: unknown) {
    super(`Body field "${key}" holds ${describe(value)}, which cannot be signed; send an integer or a string instead.`);
    this.name = 'UnsignableValueError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number') return `the non-integer number ${value}`;
  return `a ${value === null ? 'null' : typeof value} value`;
}

/**
 * Flattens a body for signing: nested keys joined with `.`, list indexes appended with no separator
 * (`renderEnvs0.pluginIds2`), empty lists and objects contribute nothing, undefined fields are skipped.
 */
export function flattenForSigning(
  body: Readonly<Record<string, unknown>>,
  out: Map<string, string> = new Map(),
  render: ScalarRenderer = strictScalar,
): Map<string, string> {
  for (const [key, value] of Object.entries(body)) flattenInto(key, value, out, render);
  return out;
}

/** Turns a scalar into its signed text; `undefined` means "contributes no pair". */
export type ScalarRenderer = (key: string, value: unknown) => string | undefined;

/** Our client: only strings and safe integers are signable; anything else is a programming error caught early. */
export const strictScalar: ScalarRenderer = (key, value) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new UnsignableValueError(key, value);
};

function flattenInto(key: string, value: unknown, out: Map<string, string>, render: ScalarRenderer): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) flattenInto(`${key}${index}`, item, out, render);
  } else if (value !== null && typeof value === 'object') {
    for (const [child, childValue] of Object.entries(value)) flattenInto(`${key}.${child}`, childValue, out, render);
  } else {
    const text = render(key, value);
    if (text !== undefined) out.set(key, text);
  }
}

/** Plain code-point order, as Python's `sorted()` on str keys (not `localeCompare`). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds `[POST]host:path&k=v&...`. Body keys override header keys of the same name, as in the SDK
 * (`copy_header.update(body)`); values are neither escaped nor URL-encoded.
 */
export function stringToSign(
  host: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>>,
  render: ScalarRenderer = strictScalar,
): string {
  const pairs = new Map<string, string>(Object.entries(headers));
  flattenForSigning(body, pairs, render);
  const keys = [...pairs.keys()].sort(byCodePoint);
  const joined = keys.map((key) => `${key}=${pairs.get(key)}`).join('&');
  return `[POST]${host}:${path}&${joined}`;
}

/** HMAC-SHA256 of the UTF-8 message keyed by the UTF-8 access key, standard base64 with padding. */
export function hmacSignature(accessKey: string, message: string): string {
  return nodeCrypto().createHmac('sha256', accessKey).update(message, 'utf8').digest('base64');
}

/** A 6-digit nonce from a cryptographic source (the SDK uses 100000–999998). */
export function newNonce(): string {
  return String(nodeCrypto().randomInt(100000, 1000000));
}

/**
 * Hands out 6-digit nonces that do not repeat within `windowMs` (the farm's 300 s replay window). Random draws
 * alone collide often at volume (200 draws: ~2 %), and a repeated nonce is refused as a replay.
 */
export class NonceSource {
  private readonly used = new Set<string>();
  private readonly order: { nonce: string; at: number }[] = [];
  private head = 0;

  constructor(private readonly windowMs = 300_000) {}

  next(now = Date.now()): string {
    while (this.head < this.order.length && this.order[this.head]!.at <= now - this.windowMs) {
      this.used.delete(this.order[this.head]!.nonce);
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    let nonce = newNonce();
    while (this.used.has(nonce)) nonce = newNonce();
    this.used.add(nonce);
    this.order.push({ nonce, at: now });
    return nonce;
  }
}

export interface SignInput {
  accessId: string;
  accessKey: string;
  platform: string;
  host: string;
  path: string;
  body: WireBody;
  /** Seconds since the epoch, already corrected for clock skew. */
  timestamp: number;
  nonce?: string;
}

/** The full header set for one attempt: the signed headers plus `signature`. */
export function signRequest(input: SignInput): SignedHeaders & { signature: string } {
  const headers: SignedHeaders = {
    accessId: input.accessId,
    channel: CHANNEL,
    platform: input.platform,
    UTCTimestamp: String(Math.floor(input.timestamp)),
    nonce: input.nonce ?? newNonce(),
    version: PROTOCOL_VERSION,
  };
  const signature = hmacSignature(input.accessKey, stringToSign(input.host, input.path, headers, input.body));
  return { ...headers, signature };
}

/** Removes undefined and null fields (recursively) so that nothing the platform renders differently reaches the signer. */
export function compactBody(body: Record<string, unknown>): WireBody {
  const out: Record<string, WireValue> = {};
  for (const [key, value] of Object.entries(body)) {
    const compacted = compactValue(value);
    if (compacted !== undefined) out[key] = compacted;
  }
  return out;
}

function compactValue(value: unknown): WireValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(compactValue).filter((v): v is WireValue => v !== undefined);
  if (typeof value === 'object') return compactBody(value as Record<string, unknown>);
  return value as WireValue;
}
