import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { normalizeHostName, type HttpSettings } from './http-options.js';

/** Why a request is turned away before it reaches the MCP transport. */
export interface Refusal {
  status: 400 | 401 | 403;
  message: string;
  headers?: Record<string, string>;
}

/** Query parameters that would carry a credential; URLs end up in logs, proxies and browser history. */
const CREDENTIAL_PARAMS = ['access_token', 'token', 'bearer', 'auth', 'authorization', 'api_key', 'apikey', 'key'];

export type GuardSettings = Pick<HttpSettings, 'token' | 'allowedHosts' | 'allowedOrigins'>;

/**
 * Checks, in order: DNS rebinding (Host, then Origin), a credential in the query string, and the bearer token.
 * Returns undefined when the request may proceed.
 */
export function checkRequest(headers: IncomingHttpHeaders, url: URL, settings: GuardSettings): Refusal | undefined {
  return checkHost(headers.host, settings) ?? checkOrigin(headers.origin, settings) ?? checkQuery(url) ?? checkToken(headers.authorization, settings.token);
}

function hostAllowed(name: string | undefined, settings: GuardSettings): boolean {
  if (settings.allowedHosts === '*') return true;
  return name !== undefined && settings.allowedHosts.includes(name);
}

export function checkHost(host: string | undefined, settings: GuardSettings): Refusal | undefined {
  if (settings.allowedHosts === '*') return undefined;
  const name = host === undefined ? undefined : normalizeHostName(host);
  if (hostAllowed(name, settings)) return undefined;
  return {
    status: 403,
    message: `Host "${host ?? ''}" is not allowed (DNS rebinding protection); add it to RAYVISION_HTTP_ALLOWED_HOSTS if clients reach this server by that name.`,
  };
}

/** Requests without an Origin (not from a browser) pass; a browser's Origin must be on an allowed host or listed. */
export function checkOrigin(origin: string | undefined, settings: GuardSettings): Refusal | undefined {
  if (origin === undefined || settings.allowedOrigins === '*') return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
    if (settings.allowedOrigins.includes(parsed.origin.toLowerCase())) return undefined;
    if (hostAllowed(parsed.hostname.toLowerCase(), settings)) return undefined;
  }
  return {
    status: 403,
    message: `Origin "${origin}" is not allowed (DNS rebinding protection); add it to RAYVISION_HTTP_ALLOWED_ORIGINS if a browser client is served from there.`,
  };
}

export function checkQuery(url: URL): Refusal | undefined {
  const found = [...url.searchParams.keys()].find((name) => CREDENTIAL_PARAMS.includes(name.toLowerCase()));
  if (!found) return undefined;
  return {
    status: 400,
    message: `Credentials are never accepted in the URL (found "${found}" in the query string); send the token as "Authorization: Bearer <token>" instead.`,
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant time: both sides are hashed to equal length first, so neither length nor content leaks through timing. */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function checkToken(authorization: string | undefined, token: string | undefined): Refusal | undefined {
  if (!token) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  if (!match) {
    return {
      status: 401,
      message: 'This server requires a bearer token: send "Authorization: Bearer <token>" with the value of RAYVISION_HTTP_TOKEN.',
      headers: { 'WWW-Authenticate': 'Bearer realm="rayvision-mcp"' },
    };
  }
  if (tokensEqual(match[1]!, token)) return undefined;
  return {
    status: 401,
    message: 'The bearer token is not valid for this server; check the token your client sends against RAYVISION_HTTP_TOKEN.',
    headers: { 'WWW-Authenticate': 'Bearer realm="rayvision-mcp", error="invalid_token"' },
  };
}
