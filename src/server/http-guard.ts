import type { IncomingHttpHeaders } from 'node:http';
import { nodeCrypto } from '../client/node-crypto.js';
import { normalizeHostName, type HttpSettings } from './http-options.js';

/** Why a request is turned away before it reaches the MCP transport. */
export interface Refusal {
  status: 400 | 401 | 403;
  message: string;
  headers?: Record<string, string>;
}

/** Query parameters that would carry a credential; URLs end up in logs, proxies and browser history. */
const CREDENTIAL_PARAMS = ['access_token', 'token', 'bearer', 'auth', 'authorization', 'api_key', 'apikey', 'key'];

export type GuardSettings = Pick<HttpSettings, 'tokens' | 'allowedHosts' | 'allowedOrigins'> & {
  /** The port this server listens on: a browser page of this server's own origin is on it. */
  ownPort: number;
};

/** What the guard reads of a request. */
export interface GuardedRequest {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
  rawHeaders: readonly string[];
}

/** A request target: origin-form (`/mcp?x=1`) or absolute-form (`http://host:3000/mcp`), whose authority counts as its Host. */
export interface Target {
  path: string;
  query: URLSearchParams;
  authority?: string;
}

/** Undefined when the target is neither form (`http://[bad`, `*`, `example.com:443`): the request gets 400. */
export function parseTarget(raw: string | undefined): Target | undefined {
  if (!raw) return undefined;
  try {
    if (raw.startsWith('/')) {
      // Resolved against a fixed origin, so `//evil.example/mcp` stays a path rather than becoming a host.
      const url = new URL(`http://target.invalid${raw}`);
      return { path: url.pathname, query: url.searchParams };
    }
    if (!/^https?:\/\//i.test(raw)) return undefined;
    const url = new URL(raw);
    if (url.username || url.password) return undefined;
    return { path: url.pathname, query: url.searchParams, authority: url.host };
  } catch {
    return undefined;
  }
}

/**
 * Checks, in order: one Host header, DNS rebinding (Host and the target's authority, then Origin), a credential in
 * the query string, and the bearer token. A preflight (OPTIONS) carries no credentials, so it needs no token: a
 * browser must get a 2xx answer to it before it sends the real request, with the token. Returns undefined when the
 * request may proceed.
 */
export function checkRequest(req: GuardedRequest, target: Target, settings: GuardSettings): Refusal | undefined {
  return (
    checkSingleHost(req.rawHeaders) ??
    checkHost(req.headers.host, settings) ??
    (target.authority === undefined ? undefined : checkHost(target.authority, settings)) ??
    checkOrigin(req.headers.origin, settings) ??
    checkQuery(target.query) ??
    (req.method === 'OPTIONS' ? undefined : checkToken(req.headers.authorization, settings.tokens))
  );
}

/** Node keeps the first of several Host headers; a proxy may have read another one, so several are refused. */
export function checkSingleHost(rawHeaders: readonly string[]): Refusal | undefined {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'host') count++;
  if (count <= 1) return undefined;
  return { status: 400, message: `Bad request: ${count} Host headers; send exactly one.` };
}

function hostAllowed(name: string | undefined, settings: Pick<GuardSettings, 'allowedHosts'>): boolean {
  if (settings.allowedHosts === '*') return true;
  return name !== undefined && settings.allowedHosts.includes(name);
}

export function checkHost(host: string | undefined, settings: Pick<GuardSettings, 'allowedHosts'>): Refusal | undefined {
  if (settings.allowedHosts === '*') return undefined;
  const name = host === undefined ? undefined : normalizeHostName(host);
  if (hostAllowed(name, settings)) return undefined;
  return {
    status: 403,
    message: `Host "${host ?? ''}" is not allowed (DNS rebinding protection); add it to RAYVISION_HTTP_ALLOWED_HOSTS if clients reach this server by that name.`,
  };
}

/**
 * Requests without an Origin (not from a browser) pass. A browser's Origin is matched on scheme, host and port: it
 * passes when listed in RAYVISION_HTTP_ALLOWED_ORIGINS, or when it is this server's own (http, an allowed host name,
 * the port it listens on). So a page on another local port (another app on localhost) is refused.
 */
export function checkOrigin(origin: string | undefined, settings: Omit<GuardSettings, 'tokens'>): Refusal | undefined {
  if (origin === undefined || settings.allowedOrigins === '*') return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:')) {
    if (settings.allowedOrigins.includes(parsed.origin.toLowerCase())) return undefined;
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    if (parsed.protocol === 'http:' && port === settings.ownPort && hostAllowed(parsed.hostname.toLowerCase(), settings)) return undefined;
  }
  return {
    status: 403,
    message: `Origin "${origin}" is not allowed (DNS rebinding protection); add it (scheme://host:port) to RAYVISION_HTTP_ALLOWED_ORIGINS if a browser client is served from there.`,
  };
}

export function checkQuery(query: URLSearchParams): Refusal | undefined {
  const found = [...query.keys()].find((name) => CREDENTIAL_PARAMS.includes(name.toLowerCase()));
  if (!found) return undefined;
  return {
    status: 400,
    message: `Credentials are never accepted in the URL (found "${found}" in the query string); send the token as "Authorization: Bearer <token>" instead.`,
  };
}

const digest = (text: string) => nodeCrypto().createHash('sha256').update(text).digest();

/** Constant time: both sides are hashed to equal length first, so neither length nor content leaks through timing. */
export function tokensEqual(given: string, expected: string): boolean {
  return nodeCrypto().timingSafeEqual(digest(given), digest(expected));
}

function presentedToken(authorization: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
}

/** The position of the presented token among the accepted ones, or -1. Every token is compared, so timing says nothing about which. */
export function tokenIndex(authorization: string | undefined, tokens: readonly string[]): number {
  const given = presentedToken(authorization);
  if (given === undefined) return -1;
  let found = -1;
  tokens.forEach((token, index) => {
    if (tokensEqual(given, token) && found < 0) found = index;
  });
  return found;
}

export function checkToken(authorization: string | undefined, tokens: readonly string[]): Refusal | undefined {
  if (tokens.length === 0) return undefined;
  if (presentedToken(authorization) === undefined) {
    return {
      status: 401,
      message: 'This server requires a bearer token: send "Authorization: Bearer <token>" with the value of RAYVISION_HTTP_TOKEN.',
      headers: { 'WWW-Authenticate': 'Bearer realm="rayvision-mcp"' },
    };
  }
  if (tokenIndex(authorization, tokens) >= 0) return undefined;
  return {
    status: 401,
    message: 'The bearer token is not valid for this server; check the token your client sends against RAYVISION_HTTP_TOKEN.',
    headers: { 'WWW-Authenticate': 'Bearer realm="rayvision-mcp", error="invalid_token"' },
  };
}

/**
 * Who is asking, for per-client limits and the client's lane toward the farm: the bearer token it presented (by
 * position, "token 2", never the token), or its peer address when the server takes no token. Behind a proxy every
 * client has the proxy's address, so there each client should have a token of its own.
 */
export function clientKey(authorization: string | undefined, tokens: readonly string[], remoteAddress: string | undefined): string {
  if (tokens.length > 0) return `token ${tokenIndex(authorization, tokens) + 1}`;
  const address = remoteAddress ?? 'unknown';
  return `peer ${address.startsWith('::ffff:') ? address.slice(7) : address}`;
}
