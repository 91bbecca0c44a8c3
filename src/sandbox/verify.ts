import { timingSafeEqual } from 'node:crypto';
import { hmacSignature, stringToSign, type ScalarRenderer } from '../client/sign.js';

/** Seconds a timestamp may differ from the farm's clock before the signature counts as expired. */
export const SIGNATURE_WINDOW_S = 300;

const SIGNED_HEADERS = ['accessId', 'channel', 'platform', 'UTCTimestamp', 'nonce', 'version'] as const;

/**
 * Renders scalars the way the official Python SDK signs them (`str()`), so requests from that SDK verify:
 * `True`/`False` for booleans and `None` for null.
 */
const pythonScalar: ScalarRenderer = (_key, value) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  return String(value);
};

export type Verdict = { ok: true; accessId: string; nonce: string; platform: string } | { ok: false; code: number; message: string };

/** Checks a request like the platform: known access id (403), fresh timestamp (610), signature (611), nonce replay (603). */
export class RequestVerifier {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly keys: ReadonlyMap<string, string>,
    private readonly now: () => number,
  ) {}

  verify(host: string, path: string, headers: Readonly<Record<string, string | string[] | undefined>>, body: Record<string, unknown>): Verdict {
    const header = (name: string) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const accessId = header('accessId');
    if (!accessId) return { ok: false, code: 403, message: 'accessId header is missing' };
    const key = this.keys.get(accessId);
    if (key === undefined) return { ok: false, code: 403, message: 'forbidden: unknown accessId' };
    const signature = header('signature');
    if (!signature) return { ok: false, code: 611, message: 'signature header is missing' };
    const signed: Record<string, string> = {};
    for (const name of SIGNED_HEADERS) {
      const value = header(name);
      if (value === undefined) return { ok: false, code: 603, message: `illegal protocol: header ${name} is missing` };
      signed[name] = value;
    }
    const timestamp = Number(signed.UTCTimestamp);
    if (!Number.isFinite(timestamp) || Math.abs(this.now() / 1000 - timestamp) > SIGNATURE_WINDOW_S) {
      return { ok: false, code: 610, message: 'signature expired: UTCTimestamp is more than 300 seconds from the server time' };
    }
    const expected = hmacSignature(key, stringToSign(host, path, signed, body, pythonScalar));
    const given = Buffer.from(signature);
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return { ok: false, code: 611, message: 'signature invalid' };
    }
    const replayKey = `${accessId}|${signed.UTCTimestamp}|${signed.nonce}`;
    this.sweep();
    if (this.seen.has(replayKey)) return { ok: false, code: 603, message: 'illegal protocol: nonce already used (replayed request)' };
    this.seen.set(replayKey, this.now());
    return { ok: true, accessId, nonce: signed.nonce!, platform: signed.platform! };
  }

  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [key, at] of this.seen) if (now - at > SIGNATURE_WINDOW_S * 2000) this.seen.delete(key);
  }
}
