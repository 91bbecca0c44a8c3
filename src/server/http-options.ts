import { z } from 'zod';
import { isLoopbackHost } from '../client/config.js';
import { ConfigError, optionLabel, parseBooleanText, parseFlag, parseOption, type OptionSources, type OptionSpec } from '../client/options.js';

const G = 'HTTP';

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
      'Bearer token clients must send (Authorization: Bearer ...), at least 16 characters. No command-line twin, and never accepted in a query string.',
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
    defaultText: 'origins on an allowed host',
    description: 'Comma-separated browser origins accepted besides those on an allowed host (e.g. https://app.example.com), or * for any.',
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
  token?: string;
  stateless: boolean;
  /** Normalized host names (lowercase, IPv6 in brackets, no port), or '*' for no check. */
  allowedHosts: readonly string[] | '*';
  /** Exact origins (scheme://host[:port]) accepted besides those on an allowed host, or '*' for no check. */
  allowedOrigins: readonly string[] | '*';
  confirmationSecret?: string;
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
    z.coerce.number({ error: 'must be a port number from 0 to 65535' }).int('must be a port number from 0 to 65535').min(0, 'must be a port number from 0 to 65535').max(65535, 'must be a port number from 0 to 65535').default(3000),
    sources[o.port.env],
  );
  const token = secretText(o.token, sources);
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
      if (!normalized) throw new ConfigError(`RAYVISION_HTTP_ALLOWED_HOSTS (--allowed-hosts): "${name}" is not a host name; list names such as mcp.example.com, separated by commas.`);
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
      if (!origin) throw new ConfigError(`RAYVISION_HTTP_ALLOWED_ORIGINS (--allowed-origins): "${text}" is not an origin; write scheme://host[:port], e.g. https://app.example.com.`);
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
    ...(token ? { token } : {}),
    ...(confirmationSecret ? { confirmationSecret } : {}),
  };
}

/** HTTP options that were set although the server runs over stdio, where they do nothing. */
export function idleHttpOptions(sources: OptionSources): string[] {
  if (parseBooleanText(sources[HTTP_OPTIONS.http.env])) return [];
  const o = HTTP_OPTIONS;
  return [o.port, o.host, o.token, o.stateless, o.allowedHosts, o.allowedOrigins].filter((spec) => sources[spec.env]).map((spec) => optionLabel(spec));
}
