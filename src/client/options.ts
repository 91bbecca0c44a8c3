import { parseArgs } from 'node:util';
import { z, type ZodType } from 'zod';

/**
 * One configuration option: an environment variable with, where it makes sense, a command-line twin.
 * The README's option table is generated from these declarations.
 */
export interface OptionSpec {
  env: string;
  /** Long flag without dashes, e.g. `domain` for `--domain`. */
  flag?: string;
  /** `boolean` flags take no value on the command line (`--read-only`) and accept 1/0/true/false in the environment. */
  type: 'string' | 'boolean';
  group: string;
  description: string;
  /** The default as a person reads it, for the documentation. */
  defaultText?: string;
  /** Never echoed back, not even in part. */
  secret?: boolean;
}

/** Raw values by environment variable name, flags already folded in (a flag wins over its variable). */
export type OptionSources = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A flag that is not an option twin (--help, the sandbox command's flags). */
export interface ExtraFlag {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}
export type ExtraValue = string | boolean | string[] | undefined;

export interface CommandLine {
  sources: OptionSources;
  positionals: string[];
}

/** Parses argv (without node and script) against the declared flags and merges them over the environment. */
export function readCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  specs: readonly OptionSpec[],
  extraFlags: Record<string, ExtraFlag> = {},
): CommandLine & { extra: Record<string, ExtraValue> } {
  const options: Record<string, ExtraFlag> = { ...extraFlags };
  for (const spec of specs) if (spec.flag) options[spec.flag] = { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message.replace(/\.?$/, '.')} Run with --help to see the options.`);
  }
  const sources: Record<string, string | undefined> = {};
  for (const spec of specs) sources[spec.env] = env[spec.env];
  for (const spec of specs) {
    const value = spec.flag ? (parsed.values[spec.flag] as string | boolean | undefined) : undefined;
    if (value !== undefined) sources[spec.env] = typeof value === 'boolean' ? (value ? '1' : '0') : value;
  }
  const extra: Record<string, ExtraValue> = {};
  for (const name of Object.keys(extraFlags)) extra[name] = parsed.values[name] as ExtraValue;
  return { sources, positionals: parsed.positionals, extra };
}

export function optionLabel(spec: OptionSpec): string {
  return spec.flag ? `${spec.env} (--${spec.flag})` : spec.env;
}

/**
 * Validates one raw value with its zod schema. The message names the variable and says how to fix it; for a
 * secret option the received value is never included.
 */
export function parseOption<T>(spec: OptionSpec, schema: ZodType<T>, raw: string | undefined): T {
  const result = schema.safeParse(raw === '' ? undefined : raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const shown = spec.secret || raw === undefined ? '' : ` (got "${raw.length > 60 ? `${raw.slice(0, 57)}...` : raw}")`;
  throw new ConfigError(`${optionLabel(spec)}: ${issue?.message ?? 'invalid value'}${shown}.`);
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

export function parseBooleanText(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const lowered = text.trim().toLowerCase();
  if (TRUE.has(lowered)) return true;
  if (FALSE.has(lowered)) return false;
  return undefined;
}

/** A boolean option (1/0, true/false, yes/no, on/off); unset is false. */
export function parseFlag(spec: OptionSpec, sources: OptionSources): boolean {
  const schema = z
    .string()
    .optional()
    .refine((text) => text === undefined || parseBooleanText(text) !== undefined, 'must be 1 or 0')
    .transform((text) => parseBooleanText(text) ?? false);
  return parseOption(spec, schema, sources[spec.env]);
}
