import { z } from 'zod';
import { isLoopbackHost } from '../client/config.js';
import { ConfigError, optionLabel, parseBooleanText, parseFlag, parseOption, type OptionSources, type OptionSpec } from '../client/options.js';

const G = 'HTTP';
const MIB = 1024 * 1024;
/** One request body at most (the SDK's own default); larger ones get 413. */
export const MAX_BODY_BYTES = 4 * MIB;

/** The figures that keep one client from exhausting a shared server; every one is an option. */
export interface HttpLimits {
  /** Sessions held at once over every client. */
  maxSessions: number;
  /** Sessions one client may hold at once. */
  clientSessions: number;
  /** A session with no request and no open stream for this long is closed. */
  sessionIdleMs: number;
  /** A session that made no request after initialize for this long is closed. */
  sessionUnusedMs: number;
  /** A session with subscriptions, no open stream and no request for this long is closed. */
  sessionUnreadMs: number;
  /** Body bytes buffered at once over every connection. */
  bodyMemoryBytes: number;
  /** Longest time to receive one request body. */
  bodyTimeoutMs: number;
  /** Requests one client may have in progress at once (subscriptions/listen streams aside). */
  clientRequests: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxSessions: 1000,
  clientSessions: 100,
  sessionIdleMs: 30 * 60_000,
  sessionUnusedMs: 60_000,
  sessionUnreadMs: 120_000,
  bodyMemoryBytes: 64 * MIB,
  bodyTimeoutMs: 10_000,
  clientRequests: 32,
};

export const HTTP_OPTIONS = {
  http: {
    env: 'RAYVISION_HTTP',
    flag: 'http',
    type: 'boolean',
    group: G,
    defaultText: '0',
    description: 'Serve MCP over Streamable HTTP at /mcp (with /healthz) instead of stdio.',
  },
  port: {
    env: 'RAYVISION_HTTP_PORT',
    flag: 'port',
    type: 'string',
    group: G,
    defaultText: '3000',
    description: 'HTTP port; 0 picks a free one (the URL is logged on start).',
  },
  host: {
    env: 'RAYVISION_HTTP_HOST',
    flag: 'host',
    type: 'string',
    group: G,
    defaultText: '127.0.0.1',
    description: 'Interface to listen on. Anything but loopback requires RAYVISION_HTTP_TOKEN.',
  },
  token: {
    env: 'RAYVISION_HTTP_TOKEN',
    type: 'string',
    group: G,
    secret: true,
    description:
      'Bearer token clients must send (Authorization: Bearer ...), at least 16 characters of letters, digits and - . _ ~ + / (= at the end). Several, comma-separated, give each client its own (per-client limits count per token). No command-line twin, and never accepted in a query string.',
  },
  stateless: {
    env: 'RAYVISION_HTTP_STATELESS',
    flag: 'stateless',
    type: 'boolean',
    group: G,
    defaultText: '0',
    description: 'No sessions: every POST stands alone, so replicas can sit behind an ordinary load balancer.',
  },
  allowedHosts: {
    env: 'RAYVISION_HTTP_ALLOWED_HOSTS',
    flag: 'allowed-hosts',
    type: 'string',
    group: G,
    defaultText: 'loopback names and the --host address',
    description: 'Comma-separated Host header names accepted (DNS rebinding protection), or * for any.',
  },
  allowedOrigins: {
    env: 'RAYVISION_HTTP_ALLOWED_ORIGINS',
    flag: 'allowed-origins',
    type: 'string',
    group: G,
    defaultText: "http://<allowed host>:<this server's port>",
    description:
      "Comma-separated browser origins (scheme://host[:port], matched exactly) accepted besides this server's own, e.g. https://app.example.com or http://localhost:5173; or * for any.",
  },
  maxSessions: {
    env: 'RAYVISION_HTTP_MAX_SESSIONS',
    flag: 'max-sessions',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.maxSessions),
    description: 'Sessions held at once over every client (1-100000); a new one beyond this is refused with 503.',
  },
  clientSessions: {
    env: 'RAYVISION_HTTP_CLIENT_SESSIONS',
    flag: 'client-sessions',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.clientSessions),
    description: 'Sessions one client (its bearer token, or its address when the server has no token) may hold at once; the next is refused with 429.',
  },
  sessionIdleMs: {
    env: 'RAYVISION_HTTP_SESSION_IDLE_MS',
    flag: 'session-idle-ms',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.sessionIdleMs),
    description: 'A session with no request and no open stream for this many milliseconds is closed (its client starts a new one).',
  },
  sessionUnusedMs: {
    env: 'RAYVISION_HTTP_SESSION_UNUSED_MS',
    flag: 'session-unused-ms',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.sessionUnusedMs),
    description: 'A session that made no request after initialize within this many milliseconds is closed.',
  },
  sessionUnreadMs: {
    env: 'RAYVISION_HTTP_SESSION_UNREAD_MS',
    flag: 'session-unread-ms',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.sessionUnreadMs),
    description:
      "A session holding subscriptions with no open stream and no request for this many milliseconds is closed, so nobody's subscriptions keep polling the farm.",
  },
  clientRequests: {
    env: 'RAYVISION_HTTP_CLIENT_REQUESTS',
    flag: 'client-requests',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.clientRequests),
    description:
      "Requests one client may have in progress at once, over all its sessions (1-10000; subscription streams aside); the next is refused with 429. It bounds how many of its calls another client's call may wait behind.",
  },
  bodyMemoryMb: {
    env: 'RAYVISION_HTTP_BODY_MEMORY_MB',
    flag: 'body-memory-mb',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.bodyMemoryBytes / MIB),
    description: `Request bodies held in memory at once over every connection, in MiB (${MAX_BODY_BYTES / MIB}-4096; one body is at most ${MAX_BODY_BYTES / MIB} MiB); a body beyond it is refused with 503, and one client may hold a quarter of it (then 429).`,
  },
  bodyTimeoutMs: {
    env: 'RAYVISION_HTTP_BODY_TIMEOUT_MS',
    flag: 'body-timeout-ms',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LIMITS.bodyTimeoutMs),
    description: 'Longest a client may take to send a request body, in milliseconds (1000-600000); then 408.',
  },
  confirmationSecret: {
    env: 'RAYVISION_CONFIRMATION_SECRET',
    type: 'string',
    group: G,
    secret: true,
    defaultText: 'random per process',
    description:
      'Secret that signs confirmation tokens, at least 16 characters. Give every replica the same one so a token issued by one is honoured by another.',
  },
} as const satisfies Record<string, OptionSpec>;

/** Host header names that always mean this machine. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

export interface HttpSettings {
  enabled: boolean;
  host: string;
  port: number;
  /** RAYVISION_HTTP_TOKEN as set (one token, or several separated by commas). */
  token?: string;
  /** The tokens accepted; empty when no token is required. */
  tokens: readonly string[];
  stateless: boolean;
  /** Normalized host names (lowercase, IPv6 in brackets, no port), or '*' for no check. */
  allowedHosts: readonly string[] | '*';
  /** Exact origins (scheme://host[:port]) accepted besides this server's own, or '*' for no check. */
  allowedOrigins: readonly string[] | '*';
  confirmationSecret?: string;
  limits: HttpLimits;
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]', '']);

/** `Example.COM:8080` → `example.com`; `::1` and `[::1]:3000` → `[::1]`. Undefined when it is not a host. */
export function normalizeHostName(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const bracketed = !trimmed.startsWith('[') && (trimmed.match(/:/g)?.length ?? 0) > 1 ? `[${trimmed}]` : trimmed;
  try {
    const url = new URL(`http://${bracketed}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    return url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const secretText = (spec: OptionSpec, sources: OptionSources) =>
  parseOption(
    spec,
    z
      .string()
      .optional()
      .refine((v) => v === undefined || v.trim().length >= 16, 'must be at least 16 characters; generate one with `openssl rand -hex 32`'),
    sources[spec.env],
  )?.trim();

/** Reads and validates the HTTP options; refuses settings that would expose the server without a token. */
export function loadHttpSettings(sources: OptionSources): HttpSettings {
  const o = HTTP_OPTIONS;
  const enabled = parseFlag(o.http, sources);
  const host = (sources[o.host.env] ?? '').trim() || '127.0.0.1';
  const port = parseOption(
    o.port,
    z.coerce
      .number({ error: 'must be a port number from 0 to 65535' })
      .int('must be a port number from 0 to 65535')
      .min(0, 'must be a port number from 0 to 65535')
      .max(65535, 'must be a port number from 0 to 65535')
      .default(3000),
    sources[o.port.env],
  );
  const token = secretText(o.token, sources);
  const tokens = token === undefined ? [] : parseTokens(token);
  const confirmationSecret = secretText(o.confirmationSecret, sources);
  const stateless = parseFlag(o.stateless, sources);
  const loopback = isLoopbackHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  if (!WILDCARD_ADDRESSES.has(host) && normalizeHostName(host) === undefined) {
    throw new ConfigError(`RAYVISION_HTTP_HOST (--host): "${host}" is not an address or host name; use 127.0.0.1 (default), 0.0.0.0 or an interface address.`);
  }
  if (enabled && !loopback && !token) {
    throw new ConfigError(
      `RAYVISION_HTTP_TOKEN is not set: binding to ${host} exposes the server beyond this machine, so clients must present a bearer token. Set RAYVISION_HTTP_TOKEN (e.g. to the output of \`openssl rand -hex 32\`), or keep the default --host 127.0.0.1.`,
    );
  }

  const hostsText = sources[o.allowedHosts.env];
  let allowedHosts: readonly string[] | '*';
  if (hostsText?.trim() === '*') {
    allowedHosts = '*';
  } else {
    const extra = list(hostsText).map((name) => {
      const normalized = normalizeHostName(name);
      if (!normalized)
        throw new ConfigError(
          `RAYVISION_HTTP_ALLOWED_HOSTS (--allowed-hosts): "${name}" is not a host name; list names such as mcp.example.com, separated by commas.`,
        );
      return normalized;
    });
    if (enabled && WILDCARD_ADDRESSES.has(host) && extra.length === 0) {
      throw new ConfigError(
        `RAYVISION_HTTP_ALLOWED_HOSTS (--allowed-hosts): binding to ${host || 'every interface'} accepts requests for any name, so list the host names clients use (e.g. mcp.example.com,10.0.0.5), or * to accept any Host header.`,
      );
    }
    const bound = WILDCARD_ADDRESSES.has(host) ? [] : [normalizeHostName(host)!];
    allowedHosts = [...new Set([...LOOPBACK_NAMES, ...bound, ...extra])];
  }

  const originsText = sources[o.allowedOrigins.env];
  let allowedOrigins: readonly string[] | '*';
  if (originsText?.trim() === '*') {
    allowedOrigins = '*';
  } else {
    allowedOrigins = list(originsText).map((text) => {
      let origin: string | undefined;
      try {
        const url = new URL(text);
        if ((url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '') && !url.search) origin = url.origin;
      } catch {
        origin = undefined;
      }
      if (!origin)
        throw new ConfigError(
          `RAYVISION_HTTP_ALLOWED_ORIGINS (--allowed-origins): "${text}" is not an origin; write scheme://host[:port], e.g. https://app.example.com.`,
        );
      return origin.toLowerCase();
    });
  }

  return {
    enabled,
    host,
    port,
    stateless,
    allowedHosts,
    allowedOrigins,
    tokens,
    ...(token ? { token } : {}),
    ...(confirmationSecret ? { confirmationSecret } : {}),
    limits: loadLimits(sources),
  };
}

/**
 * What an Authorization header can carry as a bearer token (RFC 6750's b64token): a token with a space, a control
 * character or a non-ASCII letter could be configured but never presented. The token itself is never echoed.
 */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function parseTokens(text: string): string[] {
  const label = optionLabel(HTTP_OPTIONS.token);
  const tokens = text.split(',').map((item) => item.trim());
  tokens.forEach((candidate, index) => {
    const which = tokens.length > 1 ? `token ${index + 1} of ${tokens.length}` : 'the token';
    if (candidate.length < 16) throw new ConfigError(`${label}: ${which} must be at least 16 characters; generate one with \`openssl rand -hex 32\`.`);
    if (BEARER_TOKEN.test(candidate)) return;
    // Named by its kind only: not even one character of a secret is echoed.
    const bad = [...candidate].find((char) => !/[A-Za-z0-9\-._~+/]/.test(char))!;
    const what = /\s/.test(bad)
      ? 'a space'
      : bad.charCodeAt(0) > 0x7e
        ? 'a non-ASCII character'
        : bad.charCodeAt(0) < 0x20
          ? 'a control character'
          : bad === '='
            ? '"=" before the end'
            : 'punctuation other than - . _ ~ + /';
    throw new ConfigError(
      `${label}: ${which} contains ${what}, which an "Authorization: Bearer" header cannot carry; use only letters, digits and - . _ ~ + / (with = only at the end), e.g. the output of \`openssl rand -hex 32\`.`,
    );
  });
  if (new Set(tokens).size !== tokens.length) throw new ConfigError(`${label}: the same token is listed twice; give each client a token of its own.`);
  return tokens;
}

function loadLimits(sources: OptionSources): HttpLimits {
  const o = HTTP_OPTIONS;
  const whole = (spec: OptionSpec, min: number, max: number, fallback: number, unit = '') => {
    const range = `must be a whole number${unit} from ${min} to ${max}`;
    return parseOption(spec, z.coerce.number({ error: range }).int(range).min(min, range).max(max, range).default(fallback), sources[spec.env]);
  };
  const d = DEFAULT_LIMITS;
  const maxSessions = whole(o.maxSessions, 1, 100_000, d.maxSessions);
  const clientSessions = whole(o.clientSessions, 1, maxSessions, Math.min(d.clientSessions, maxSessions));
  const sessionIdleMs = whole(o.sessionIdleMs, 1000, 86_400_000, d.sessionIdleMs, ' of milliseconds');
  const sessionUnusedMs = whole(o.sessionUnusedMs, 1000, sessionIdleMs, Math.min(d.sessionUnusedMs, sessionIdleMs), ' of milliseconds');
  const sessionUnreadMs = whole(o.sessionUnreadMs, 1000, sessionIdleMs, Math.min(d.sessionUnreadMs, sessionIdleMs), ' of milliseconds');
  const bodyMemoryMb = whole(o.bodyMemoryMb, MAX_BODY_BYTES / MIB, 4096, d.bodyMemoryBytes / MIB);
  const bodyTimeoutMs = whole(o.bodyTimeoutMs, 1000, 600_000, d.bodyTimeoutMs, ' of milliseconds');
  const clientRequests = whole(o.clientRequests, 1, 10_000, d.clientRequests);
  return { maxSessions, clientSessions, sessionIdleMs, sessionUnusedMs, sessionUnreadMs, bodyMemoryBytes: bodyMemoryMb * MIB, bodyTimeoutMs, clientRequests };
}

/** HTTP options that were set although the server runs over stdio, where they do nothing. */
export function idleHttpOptions(sources: OptionSources): string[] {
  if (parseBooleanText(sources[HTTP_OPTIONS.http.env])) return [];
  const o = HTTP_OPTIONS;
  // The confirmation secret is left out: stdio confirmations use it too.
  return Object.values(o)
    .filter((spec) => spec !== o.http && spec !== o.confirmationSecret)
    .filter((spec) => sources[spec.env])
    .map((spec) => optionLabel(spec));
}
