import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from '../client/log.js';
import { TOOLSETS, type Toolset } from '../client/operations.js';
import { ConfigError, parseFlag, parseOption, type OptionSources, type OptionSpec } from '../client/options.js';
import { CONFIRMATION_MODES, type ConfirmationMode } from '../tools/safety.js';

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
    description: 'How destructive tools are confirmed: auto (ask the user if the client can, else a token), elicitation (ask or refuse) or token.',
  },
  logLevel: {
    env: 'RAYVISION_LOG_LEVEL',
    flag: 'log-level',
    type: 'string',
    group: G,
    defaultText: 'info',
    description: `Log level on stderr: ${LOG_LEVELS.join(', ')}. debug logs one line per farm call.`,
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
  logLevel: LogLevel;
  sandbox: boolean;
  seed: number;
  speed: number;
}


export function loadServerSettings(sources: OptionSources): ServerSettings {
  const o = SERVER_OPTIONS;
  const toolsetText = sources[o.toolsets.env]?.trim() || 'all';
  const names = toolsetText.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((name) => name !== 'all' && !(TOOLSETS as readonly string[]).includes(name));
  if (unknown.length) {
    throw new ConfigError(`RAYVISION_TOOLSETS (--toolsets): unknown toolset ${unknown.map((n) => `"${n}"`).join(', ')}; choose from ${TOOLSETS.join(', ')} or all.`);
  }
  const toolsets = new Set<Toolset>(names.includes('all') ? TOOLSETS : (names as Toolset[]));
  return {
    toolsets,
    readOnly: parseFlag(o.readOnly, sources),
    revealSecrets: parseFlag(o.revealSecrets, sources),
    confirmationMode: parseOption(o.confirmation, z.enum(CONFIRMATION_MODES, { error: `must be one of ${CONFIRMATION_MODES.join(', ')}` }).default('auto'), sources[o.confirmation.env]),
    logLevel: parseOption(o.logLevel, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'), sources[o.logLevel.env]),
    sandbox: parseFlag(o.sandbox, sources),
    seed: parseOption(o.seed, z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).default(1), sources[o.seed.env]),
    speed: parseOption(o.speed, z.coerce.number({ error: 'must be a number' }).min(0, 'must be 0 or more').max(100_000, 'must be at most 100000').default(1), sources[o.speed.env]),
  };
}
