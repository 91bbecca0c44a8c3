import { parseArgs } from 'node:util';
import { z, type ZodType } from 'zod';
import { closest } from './suggest.js';

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
  extra: Record<string, ExtraValue>;
}

/**
 * Parses argv (without node, script and any command) against the declared flags and merges them over the
 * environment. Anything the parser would have to guess at is refused with one line saying what to write instead:
 * an unknown flag (with the nearest valid one and the full list), a flag without its value, a value given to an
 * on/off flag, a stray word (with the valid `commands`, which only count as the first argument).
 */
export function readCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  specs: readonly OptionSpec[],
  extraFlags: Record<string, ExtraFlag> = {},
  commands: readonly string[] = [],
): CommandLine {
  const options: Record<string, ExtraFlag> = {};
  for (const spec of specs) if (spec.flag) options[spec.flag] = { type: spec.type };
  Object.assign(options, extraFlags);
  // Not strict: the tokens are checked below, so every mistake gets a message of ours rather than the parser's.
  // No arguments (how MCP clients usually start a server): nothing to parse, and parseArgs would still check every option.
  const parsed = argv.length
    ? parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true })
    : { values: {} as Record<string, string | boolean | (string | boolean)[] | undefined>, tokens: [] };
  checkTokens(parsed.tokens, options, specs, commands);
  const sources: Record<string, string | undefined> = {};
  for (const spec of specs) sources[spec.env] = env[spec.env];
  for (const spec of specs) {
    const value = spec.flag ? (parsed.values[spec.flag] as string | boolean | undefined) : undefined;
    if (value !== undefined) sources[spec.env] = typeof value === 'boolean' ? (value ? '1' : '0') : value;
  }
  const extra: Record<string, ExtraValue> = {};
  for (const name of Object.keys(extraFlags)) extra[name] = parsed.values[name] as ExtraValue;
  return { sources, extra };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

const HELP_HINT = 'Run with --help to see what each option does.';

function checkTokens(tokens: readonly Token[], options: Record<string, ExtraFlag>, specs: readonly OptionSpec[], commands: readonly string[]): void {
  const envOf = (name: string) => specs.find((spec) => spec.flag === name)?.env;
  const takesNoValue = (rawName: string, name: string, value: string) => {
    const env = envOf(name);
    return new ConfigError(`Option '${rawName}' takes no value (got "${value}"): write ${rawName} alone to turn it on${env ? `, or set ${env}=1 or 0` : ''}.`);
  };
  for (const [position, token] of tokens.entries()) {
    if (token.kind === 'option') {
      const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
      if (!option) throw new ConfigError(unknownOption(token.rawName, options, specs));
      if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
        const env = envOf(token.name);
        throw new ConfigError(
          `Option '${token.rawName}' needs a value: write ${token.rawName} <value> or ${token.rawName}=<value>${env ? ` (or set ${env})` : ''}.`,
        );
      }
      if (option.type === 'boolean' && token.value !== undefined) throw takesNoValue(token.rawName, token.name, token.value);
    } else if (token.kind === 'positional') {
      const previous = tokens[position - 1];
      // `--sandbox 1`: a word that reads as on/off right after an on/off flag was meant as its value.
      if (
        previous?.kind === 'option' &&
        previous.value === undefined &&
        options[previous.name]?.type === 'boolean' &&
        parseBooleanText(token.value) !== undefined
      ) {
        throw takesNoValue(previous.rawName, previous.name, token.value);
      }
      throw new ConfigError(unexpectedWord(token.value, commands));
    }
  }
}

function unknownOption(rawName: string, options: Record<string, ExtraFlag>, specs: readonly OptionSpec[]): string {
  const name = rawName.replace(/^-+/, '');
  // Settings deliberately without a flag (secrets above all) are named by their variable.
  const withoutFlag = specs.find((spec) => !spec.flag && variableFlagNames(spec).includes(name.toLowerCase()));
  if (withoutFlag) {
    const why = withoutFlag.secret ? ' so that the secret never shows in process lists' : '';
    const file = specs.find((spec) => spec.env === `${withoutFlag.env}_FILE` && spec.flag);
    return `Unknown option '${rawName}': this setting has no flag${why}; set ${withoutFlag.env} instead${file ? ` (or --${file.flag} <path>)` : ''}.`;
  }
  const flags = Object.keys(options);
  const near = closest(name, flags);
  const list = flags.map((flag) => `--${flag}`).join(', ');
  return `Unknown option '${rawName}'${near ? ` (did you mean --${near}?)` : ''}; the options are ${list}. ${HELP_HINT}`;
}

/** RAYVISION_API_ACCESS_KEY → access-key; RAYVISION_HTTP_TOKEN → http-token and token. */
function variableFlagNames(spec: OptionSpec): string[] {
  const name = spec.env
    .replace(/^RAYVISION_(?:API_)?/, '')
    .toLowerCase()
    .replace(/_/g, '-');
  return [name, name.replace(/^http-/, '')];
}

function unexpectedWord(word: string, commands: readonly string[]): string {
  if (commands.includes(word)) return `The command '${word}' must come first, before any option: rayvision-mcp ${word} [options].`;
  if (!commands.length) return `Unexpected argument '${word}': this command takes options only. ${HELP_HINT}`;
  const near = closest(word, commands);
  const valid = commands.length === 1 ? `the only command is ${commands[0]}` : `the commands are ${commands.join(', ')}`;
  return `Unknown command '${word}'${near ? ` (did you mean ${near}?)` : ''}; ${valid}, and without one rayvision-mcp serves MCP. Run with --help to see the usage.`;
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
