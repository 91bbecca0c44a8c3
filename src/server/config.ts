import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from '../client/log.js';
import { TOOLSETS, type Toolset } from '../tools/toolsets.js';
import { ConfigError, parseFlag, parseOption, type OptionSources, type OptionSpec } from '../client/options.js';
import { CONFIRMATION_MODES, type ConfirmationMode } from '../tools/safety.js';
import { DEFAULT_POLL, MAX_POLL_SECONDS, MIN_POLL_SECONDS, type PollSettings } from './poll.js';

const G = 'Server';
const S = 'Sandbox';

export const SERVER_OPTIONS = {
  toolsets: {
    env: 'RAYVISION_TOOLSETS',
    flag: 'toolsets',
    type: 'string',
    group: G,
    defaultText: 'all',
    description: `Comma-separated toolsets to expose: ${TOOLSETS.join(', ')} (or all).`,
  },
  readOnly: {
    env: 'RAYVISION_READ_ONLY',
    flag: 'read-only',
    type: 'boolean',
    group: G,
    defaultText: '0',
    description: 'Expose only tools that change nothing; always wins over toolsets.',
  },
  revealSecrets: {
    env: 'RAYVISION_REVEAL_SECRETS',
    type: 'boolean',
    group: G,
    defaultText: '0',
    description: 'Show transfer passwords and RaySync keys the farm returns instead of [redacted].',
  },
  confirmation: {
    env: 'RAYVISION_CONFIRMATION',
    flag: 'confirmation',
    type: 'string',
    group: G,
    defaultText: 'auto',
    description:
      'How destructive tools are confirmed: auto (the user is asked through the client; refused when the client cannot ask), elicitation (the same, tokens refused) or token (a preview and a token the assistant passes back once the user agreed).',
  },
  maxCost: {
    env: 'RAYVISION_MAX_COST',
    flag: 'max-cost',
    type: 'string',
    group: G,
    defaultText: 'none',
    description:
      "Spending guard: a billed action (start, submit, resubmit, full speed, hardware change) estimated above this amount, in the account's currency, needs the user's confirmation; refused when the client cannot ask.",
  },
  logLevel: {
    env: 'RAYVISION_LOG_LEVEL',
    flag: 'log-level',
    type: 'string',
    group: G,
    defaultText: 'info',
    description: `Log level on stderr: ${LOG_LEVELS.join(', ')}. debug logs one line per farm call.`,
  },
  pollInterval: {
    env: 'RAYVISION_POLL_INTERVAL',
    flag: 'poll-interval',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_POLL.intervalSec),
    description: `Seconds between polls of the farm for subscribed resources (at least ${MIN_POLL_SECONDS}); longer while nothing changes.`,
  },
  pollMaxInterval: {
    env: 'RAYVISION_POLL_MAX_INTERVAL',
    flag: 'poll-max-interval',
    type: 'string',
    group: G,
    defaultText: String(DEFAULT_POLL.maxIntervalSec),
    description: 'Longest wait between polls, in seconds, reached by backing off while a subscribed resource does not change.',
  },
  sandbox: {
    env: 'RAYVISION_SANDBOX',
    flag: 'sandbox',
    type: 'boolean',
    group: S,
    defaultText: '0',
    description: 'Serve the embedded simulated farm instead of a real account (no credentials needed).',
  },
  seed: {
    env: 'RAYVISION_SANDBOX_SEED',
    flag: 'seed',
    type: 'string',
    group: S,
    defaultText: '1',
    description: 'Seed of the sandbox data set; the same seed gives the same farm.',
  },
  speed: {
    env: 'RAYVISION_SANDBOX_SPEED',
    flag: 'speed',
    type: 'string',
    group: S,
    defaultText: '1',
    description: 'Sandbox clock speed: simulated seconds per real second (e.g. 60).',
  },
} as const satisfies Record<string, OptionSpec>;

export interface ServerSettings {
  toolsets: ReadonlySet<Toolset>;
  readOnly: boolean;
  revealSecrets: boolean;
  confirmationMode: ConfirmationMode;
  /** RAYVISION_MAX_COST: absent means no spending limit. */
  maxCost?: number;
  logLevel: LogLevel;
  sandbox: boolean;
  seed: number;
  speed: number;
  /** Polling for resource subscriptions; absent (embedders, tests): every 10 s, backing off to 60 s. */
  poll?: PollSettings;
}

export function loadServerSettings(sources: OptionSources): ServerSettings {
  const o = SERVER_OPTIONS;
  const toolsetText = sources[o.toolsets.env]?.trim() || 'all';
  const names = toolsetText
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => name !== 'all' && !(TOOLSETS as readonly string[]).includes(name));
  if (unknown.length) {
    throw new ConfigError(
      `RAYVISION_TOOLSETS (--toolsets): unknown toolset ${unknown.map((n) => `"${n}"`).join(', ')}; choose from ${TOOLSETS.join(', ')} or all.`,
    );
  }
  const toolsets = new Set<Toolset>(names.includes('all') ? TOOLSETS : (names as Toolset[]));
  return {
    toolsets,
    readOnly: parseFlag(o.readOnly, sources),
    revealSecrets: parseFlag(o.revealSecrets, sources),
    confirmationMode: parseOption(
      o.confirmation,
      z.enum(CONFIRMATION_MODES, { error: `must be one of ${CONFIRMATION_MODES.join(', ')}` }).default('auto'),
      sources[o.confirmation.env],
    ),
    ...maxCostOf(sources),
    logLevel: parseOption(o.logLevel, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'), sources[o.logLevel.env]),
    sandbox: parseFlag(o.sandbox, sources),
    seed: parseOption(o.seed, z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).default(1), sources[o.seed.env]),
    speed: parseOption(
      o.speed,
      z.coerce.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(100_000, 'must be at most 100000').default(1),
      sources[o.speed.env],
    ),
    poll: loadPollSettings(sources),
  };
}

/** `25`, `12.5`; `none` (or nothing) for no limit. 0 asks the user about every billed action. */
function maxCostOf(sources: OptionSources): { maxCost?: number } {
  const o = SERVER_OPTIONS.maxCost;
  const raw = sources[o.env]?.trim();
  if (!raw || raw.toLowerCase() === 'none') return {};
  const maxCost = parseOption(o, z.coerce.number({ error: 'must be an amount such as 25 (or none)' }).min(0, 'must be 0 or more'), raw);
  return { maxCost };
}

function loadPollSettings(sources: OptionSources): PollSettings {
  const o = SERVER_OPTIONS;
  const seconds = (fallback: number) =>
    z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(MIN_POLL_SECONDS, `must be at least ${MIN_POLL_SECONDS} (the farm is never polled more often than that)`)
      .max(MAX_POLL_SECONDS, `must be at most ${MAX_POLL_SECONDS}`)
      .default(fallback);
  const intervalSec = parseOption(o.pollInterval, seconds(DEFAULT_POLL.intervalSec), sources[o.pollInterval.env]);
  const raw = sources[o.pollMaxInterval.env];
  const maxIntervalSec = parseOption(o.pollMaxInterval, seconds(Math.max(intervalSec, DEFAULT_POLL.maxIntervalSec)), raw);
  if (maxIntervalSec < intervalSec) {
    throw new ConfigError(`${o.pollMaxInterval.env} (--${o.pollMaxInterval.flag}): must be at least ${o.pollInterval.env} (${intervalSec}) (got "${raw}").`);
  }
  return { intervalSec, maxIntervalSec };
}
