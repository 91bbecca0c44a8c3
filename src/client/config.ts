import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_FARM_TIME_ZONE, parseTimeZone } from './farm-time.js';
import { OPERATION_IDS, SCHEMES, type PathOverrides, type Scheme } from './operations.js';
import { ConfigError, parseFlag, parseOption, type OptionSources, type OptionSpec } from './options.js';
import { DEFAULT_LANE_QUEUE, DEFAULT_QUEUE_TIMEOUT_MS, defaultLaneConcurrency } from './scheduler.js';

/** How the connector reaches the farm. Built from the environment (and CLI twins) by `loadConnectorConfig`. */
export interface ConnectorConfig {
  accessId: string;
  accessKey: string;
  /** Host or host:port, exactly as it goes into the URL and the signed string. */
  domain: string;
  platform: string;
  scheme: Scheme;
  protocol: 'https' | 'http';
  timeoutMs: number;
  /** Value of the unsigned `languageFlag` header: 0 Chinese, 1 English. */
  languageFlag: '0' | '1';
  paths: PathOverrides;
  /**
   * Zone of the farm's clock (`+08:00`, `Asia/Shanghai`), in which it reads and writes `yyyy-MM-dd HH:mm:ss` times;
   * unset: UTC+08:00, the documented one (src/client/farm-time.ts).
   */
  timeZone?: string;
  /** Requests in flight toward the farm at most; further calls queue. */
  concurrency: number;
  /** Requests in flight at most for one lane (HTTP session); unset: half of `concurrency`, at least 1. */
  laneConcurrency?: number;
  /** Calls queued at most per lane before the next is refused unsent; unset: 1000. */
  laneQueue?: number;
  /** Longest wait in the queue before a call is given up unsent; unset: 60 s. */
  queueTimeoutMs?: number;
}

const G = 'Connection';

export const CONNECTION_OPTIONS = {
  accessId: {
    env: 'RAYVISION_API_ACCESS_ID',
    flag: 'access-id',
    type: 'string',
    group: G,
    description: "Access id from the farm's API settings page.",
  },
  accessKey: {
    env: 'RAYVISION_API_ACCESS_KEY',
    type: 'string',
    group: G,
    secret: true,
    description: 'Access key (secret). No command-line twin, so it never shows in process lists.',
  },
  accessKeyFile: {
    env: 'RAYVISION_API_ACCESS_KEY_FILE',
    flag: 'access-key-file',
    type: 'string',
    group: G,
    description: 'File holding the access key, used when RAYVISION_API_ACCESS_KEY is not set.',
  },
  domain: {
    env: 'RAYVISION_API_DOMAIN',
    flag: 'domain',
    type: 'string',
    group: G,
    defaultText: 'task.renderbus.com',
    description: 'API host or host:port (task.renderbus.com, task.foxrenderfarm.com, task.dayancloud.com).',
  },
  platform: {
    env: 'RAYVISION_API_PLATFORM',
    flag: 'platform',
    type: 'string',
    group: G,
    defaultText: '4',
    description: 'Platform (cluster) number sent in the `platform` header; list_platforms shows yours.',
  },
  scheme: {
    env: 'RAYVISION_API_SCHEME',
    flag: 'scheme',
    type: 'string',
    group: G,
    defaultText: 'dayan for dayancloud hosts, else current',
    description: 'API path scheme: current (SDK 3.x paths), classic (protocol V4 paths) or dayan.',
  },
  protocol: {
    env: 'RAYVISION_API_PROTOCOL',
    flag: 'protocol',
    type: 'string',
    group: G,
    defaultText: 'https',
    description: 'https, or http for loopback hosts (any host with RAYVISION_API_ALLOW_INSECURE_HTTP=1).',
  },
  allowInsecureHttp: {
    env: 'RAYVISION_API_ALLOW_INSECURE_HTTP',
    type: 'boolean',
    group: G,
    defaultText: '0',
    description: 'Allow plain http to a host that is not loopback.',
  },
  timeoutMs: {
    env: 'RAYVISION_API_TIMEOUT_MS',
    flag: 'timeout-ms',
    type: 'string',
    group: G,
    defaultText: '30000',
    description:
      'Per-request timeout in milliseconds (1000-600000): how long the farm may take to start its answer, or pause in the middle of one. Counted from when the request is sent, not while it waits for a connection.',
  },
  language: {
    env: 'RAYVISION_API_LANGUAGE',
    flag: 'language',
    type: 'string',
    group: G,
    defaultText: 'zh for renderbus hosts, else en',
    description: 'Language of farm messages (zh or en), sent in the unsigned languageFlag header.',
  },
  timeZone: {
    env: 'RAYVISION_API_TIME_ZONE',
    flag: 'time-zone',
    type: 'string',
    group: G,
    defaultText: DEFAULT_FARM_TIME_ZONE,
    description:
      "Zone of the farm's clock, in which it reads and writes times without an offset: an offset (+08:00) or a zone name (Asia/Shanghai). The documents give UTC+8 (serverTime).",
  },
  paths: {
    env: 'RAYVISION_API_PATHS',
    type: 'string',
    group: G,
    description: 'JSON map of operation id to path, overriding any operation\'s path, e.g. {"get_task_list":"/api/render/handle/getTaskList"}.',
  },
  concurrency: {
    env: 'RAYVISION_API_CONCURRENCY',
    flag: 'concurrency',
    type: 'string',
    group: G,
    defaultText: '8',
    description: 'Most requests in flight toward the farm at once (1-64); further calls wait in line, HTTP sessions taking turns.',
  },
  laneConcurrency: {
    env: 'RAYVISION_API_LANE_CONCURRENCY',
    flag: 'lane-concurrency',
    type: 'string',
    group: G,
    defaultText: 'half of RAYVISION_API_CONCURRENCY, at least 1',
    description:
      'Most requests in flight for one HTTP session (1 to RAYVISION_API_CONCURRENCY), so a busy session leaves connections to the others; calls outside a session (stdio) may use them all.',
  },
  laneQueue: {
    env: 'RAYVISION_API_LANE_QUEUE',
    flag: 'lane-queue',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_LANE_QUEUE),
    description: 'Most calls one session may have waiting for a connection (1-100000); the next is refused at once and nothing is sent.',
  },
  queueTimeoutMs: {
    env: 'RAYVISION_API_QUEUE_TIMEOUT_MS',
    flag: 'queue-timeout-ms',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_QUEUE_TIMEOUT_MS),
    description: 'Longest a call waits for a free connection, in milliseconds (1000-600000); then it is given up without being sent.',
  },
} as const satisfies Record<string, OptionSpec>;

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

const domainSchema = z
  .string()
  .default('task.renderbus.com')
  .refine((v) => !/^[a-z]+:\/\//i.test(v), 'give the host without http:// or https://, e.g. task.renderbus.com')
  .refine((v) => HOST.test(v), 'must be a host or host:port, e.g. task.renderbus.com')
  .refine((v) => {
    const port = HOST.exec(v)?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  }, 'the port after the colon must be from 1 to 65535');

const intIn = (min: number, max: number, fallback: number, maxText = String(max)) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${maxText}` });
        return z.NEVER;
      }
      return n;
    });

const timeZoneSchema = z
  .string()
  .default(DEFAULT_FARM_TIME_ZONE)
  .transform((text, ctx) => {
    const zone = parseTimeZone(text);
    if (zone) return zone.name;
    ctx.addIssue({ code: 'custom', message: 'must be an offset such as +08:00 or UTC, or a zone name such as Asia/Shanghai' });
    return z.NEVER;
  });

const pathsSchema = z
  .string()
  .optional()
  .transform((text, ctx): PathOverrides => {
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object such as {"get_task_list":"/api/render/handle/getTaskList"}' });
      return z.NEVER;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object mapping operation ids to paths' });
      return z.NEVER;
    }
    const known = new Set<string>(OPERATION_IDS);
    for (const [id, path] of Object.entries(parsed)) {
      if (!known.has(id)) {
        ctx.addIssue({ code: 'custom', message: `"${id}" is not an operation id (see the tool list in the README)` });
        return z.NEVER;
      }
      if (typeof path !== 'string' || !/^\/[\w./-]*$/.test(path)) {
        ctx.addIssue({ code: 'custom', message: `the path for ${id} must be a string starting with "/"` });
        return z.NEVER;
      }
    }
    return parsed as PathOverrides;
  });

export function isLoopbackHost(domain: string): boolean {
  const host = domain
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

const SANDBOX_HINT = 'or start with --sandbox to try a simulated farm without an account';

/** Real mode without an access id: what to set, and the way to try it without an account. */
function missingAccountMessage(sources: OptionSources): string {
  const o = CONNECTION_OPTIONS;
  if (sources[o.accessKey.env] || sources[o.accessKeyFile.env]) {
    return `${o.accessId.env} (--${o.accessId.flag}) is not set: set it to the access id from the farm's API settings page, ${SANDBOX_HINT}.`;
  }
  return `No farm account is configured: set ${o.accessId.env} (or --${o.accessId.flag}) and ${o.accessKey.env} (or ${o.accessKeyFile.env}) to the access id and key from the farm's API settings page, ${SANDBOX_HINT}.`;
}

function readAccessKey(sources: OptionSources): string {
  const inline = sources[CONNECTION_OPTIONS.accessKey.env];
  if (inline) return inline;
  const file = sources[CONNECTION_OPTIONS.accessKeyFile.env];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(`RAYVISION_API_ACCESS_KEY_FILE: cannot read "${file}" (${code}); point it at a file that holds only the access key.`);
    }
    const key = text.trim();
    if (!key) throw new ConfigError(`RAYVISION_API_ACCESS_KEY_FILE: "${file}" is empty; put the access key in it.`);
    return key;
  }
  throw new ConfigError(
    `RAYVISION_API_ACCESS_KEY is not set: set it to the access key from the farm's API settings page (or set RAYVISION_API_ACCESS_KEY_FILE to a file holding it), ${SANDBOX_HINT}.`,
  );
}

/** Reads and validates the connection options; throws a ConfigError naming the variable at the first problem. */
export function loadConnectorConfig(sources: OptionSources): ConnectorConfig {
  const o = CONNECTION_OPTIONS;
  if (!sources[o.accessId.env]) throw new ConfigError(missingAccountMessage(sources));
  const accessId = parseOption(o.accessId, z.string().regex(/^\S+$/, 'must not contain spaces'), sources[o.accessId.env]);
  const accessKey = readAccessKey(sources);
  const domain = parseOption(o.domain, domainSchema, sources[o.domain.env]);
  const platform = parseOption(
    o.platform,
    z
      .string()
      .default('4')
      .pipe(z.string().regex(/^\d{1,4}$/, 'must be a platform number such as 2, 4 or 62')),
    sources[o.platform.env],
  );
  const scheme =
    parseOption(o.scheme, z.enum(SCHEMES, { error: `must be one of ${SCHEMES.join(', ')}` }).optional(), sources[o.scheme.env]) ??
    (/dayancloud/i.test(domain) ? 'dayan' : 'current');
  const protocol = parseOption(o.protocol, z.enum(['https', 'http'], { error: 'must be https or http' }).default('https'), sources[o.protocol.env]);
  const allowInsecure = parseFlag(o.allowInsecureHttp, sources);
  if (protocol === 'http' && !isLoopbackHost(domain) && !allowInsecure) {
    throw new ConfigError(
      `RAYVISION_API_PROTOCOL (--protocol): http to ${domain} would send requests unencrypted; use https, or set RAYVISION_API_ALLOW_INSECURE_HTTP=1 if you really mean it.`,
    );
  }
  const timeoutMs = parseOption(o.timeoutMs, intIn(1000, 600_000, 30_000), sources[o.timeoutMs.env]);
  const language = parseOption(o.language, z.enum(['zh', 'en'], { error: 'must be zh or en' }).optional(), sources[o.language.env]);
  const paths = parseOption(o.paths, pathsSchema, sources[o.paths.env]);
  const timeZone = parseOption(o.timeZone, timeZoneSchema, sources[o.timeZone.env]);
  const concurrency = parseOption(o.concurrency, intIn(1, 64, 8), sources[o.concurrency.env]);
  const laneConcurrency = parseOption(
    o.laneConcurrency,
    intIn(1, concurrency, defaultLaneConcurrency(concurrency), `${concurrency} (RAYVISION_API_CONCURRENCY)`),
    sources[o.laneConcurrency.env],
  );
  const laneQueue = parseOption(o.laneQueue, intIn(1, 100_000, DEFAULT_LANE_QUEUE), sources[o.laneQueue.env]);
  const queueTimeoutMs = parseOption(o.queueTimeoutMs, intIn(1000, 600_000, DEFAULT_QUEUE_TIMEOUT_MS), sources[o.queueTimeoutMs.env]);
  // The SDK sends languageFlag "0" (Chinese) for renderbus domains and "1" otherwise (fox rayvision_api 4609959).
  const languageFlag = (language ?? (/renderbus/i.test(domain) ? 'zh' : 'en')) === 'zh' ? '0' : '1';
  return {
    accessId,
    accessKey,
    domain,
    platform,
    scheme,
    protocol,
    timeoutMs,
    languageFlag,
    paths,
    timeZone,
    concurrency,
    laneConcurrency,
    laneQueue,
    queueTimeoutMs,
  };
}
