import { z } from 'zod';

/**
 * Farm text is data. Scene, project, label and environment names, render-log lines and the farm's messages are
 * written by whoever uses the account (or by a scene file), so they reach a client only through here:
 * - characters that can hide or reorder text, or break a line where the server did not, are escaped as visible
 *   sequences (`\n`, `\u2028`, `\u202e`): control characters (C0, DEL, C1 with U+0085), the line and paragraph
 *   separators, bidi controls and marks, zero-width and invisible formatting characters, Unicode tag characters;
 * - the `<farm-data>` delimiter cannot be forged from inside;
 * - long names are cut, with a marker saying how much was left out.
 * Tables and log excerpts go out between `<farm-data>` and `</farm-data>`, names in sentences in double quotes;
 * the server instructions tell the assistant that both are data, never instructions.
 */

/** Characters escaped wherever farm text goes; tab and line feed only inside farm text (`escapeFarmText`). */
const INVISIBLE =
  '\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\uFEFF\\uFFF9-\\uFFFB';
const TAGS = '\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}';
const UNSAFE_IN_LAYOUT = new RegExp(`[${INVISIBLE}${TAGS}]`, 'u');
const UNSAFE_IN_LAYOUT_ALL = new RegExp(UNSAFE_IN_LAYOUT.source, 'gu');
const UNSAFE = new RegExp(`[\\t\\n${INVISIBLE}${TAGS}]`, 'u');
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
const DELIMITER = /<(\/?)(farm-data)/gi;
const HAS_DELIMITER = /<\/?farm-data/i;
/** One test for what safeData must rewrite: an unsafe character or the delimiter. */
const NEEDS_ESCAPE = new RegExp(`[\\t\\n${INVISIBLE}${TAGS}]|<\\/?farm-data`, 'iu');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Longest name shown (scene, project, label, environment); longer ones are cut with a marker. */
export const NAME_MAX = 120;
/** Longest piece of other farm text (a table cell, a log line). */
export const TEXT_MAX = 2000;

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = [...text];
  if (points.length <= max) return text;
  return `${points.slice(0, max).join('')}…[cut: ${points.length - max} more characters]`;
}

/** One piece of farm text made safe to print anywhere: escaped, the delimiter defused, cut at `max` characters. */
export function farmText(value: unknown, max = TEXT_MAX): string {
  const text = cut(String(value), max);
  const escaped = UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
  return HAS_DELIMITER.test(escaped) ? escaped.replace(DELIMITER, '\\u003c$1$2') : escaped;
}

/** A name from the farm (scene, project, label, environment), cut at NAME_MAX. */
export const farmName = (value: unknown): string => farmText(value, NAME_MAX);

/** Text already escaped (a summary's name) in double quotes, a quote inside it escaped so it cannot end early. */
export const quote = (escaped: string): string => `"${escaped.replace(/"/g, '\\"')}"`;

/** A farm name inside a sentence: escaped, cut, and in double quotes. */
export const quoted = (value: unknown): string => quote(farmName(value));

export const FARM_DATA_OPEN = '<farm-data>';
export const FARM_DATA_CLOSE = '</farm-data>';

/** Sets a block of farm text (a table, log lines) apart; its lines must already be escaped. */
export const farmData = (block: string): string => `${FARM_DATA_OPEN}\n${block}\n${FARM_DATA_CLOSE}`;

/**
 * The last pass over a whole answer the server wrote: its own line breaks and tabs stay, every other unsafe
 * character is escaped. Farm text inside it was escaped where it was inserted; this catches what no formatter saw.
 */
export function safeLayout(text: string): string {
  return UNSAFE_IN_LAYOUT.test(text) ? text.replace(UNSAFE_IN_LAYOUT_ALL, escapeChar) : text;
}

/** Structured content and other JSON values: every string (and key) escaped, line breaks included. */
export function safeData<T>(value: T): T {
  if (typeof value === 'string') return (NEEDS_ESCAPE.test(value) ? farmText(value, Number.MAX_SAFE_INTEGER) : value) as T;
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const safe = safeData(value[i]);
      if (safe !== value[i]) (changed ??= [...value])[i] = safe;
    }
    return (changed ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let changed: Record<string, unknown> | undefined;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = (value as Record<string, unknown>)[key];
      const safeKey = NEEDS_ESCAPE.test(key) ? farmText(key, Number.MAX_SAFE_INTEGER) : key;
      const safe = safeData(item);
      if (safe !== item || safeKey !== key) {
        changed ??= { ...(value as Record<string, unknown>) };
        if (safeKey !== key) delete changed[key];
        changed[safeKey] = safe;
      }
    }
    return (changed ?? value) as T;
  }
  return value;
}

/** The first character a name the server sends to the farm may not contain, described for the refusal. */
function firstUnsafe(text: string): string | undefined {
  const match = UNSAFE.exec(text);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!;
  const what =
    match[0] === '\n' || match[0] === '\r' || code === 0x2028 || code === 0x2029 || code === 0x85 ? 'a line break' : 'an invisible or control character';
  return `${what} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${match.index + 1}`;
}

/**
 * A name a write tool sends to the farm (project, label, environment, producer): one line of visible text. The farm
 * would store anything, and every later answer would carry it.
 */
export function plainName(max: number, min = 1) {
  const text = z.string().trim();
  return (min > 0 ? text.min(min) : text).max(max).superRefine((text, ctx) => {
    const found = firstUnsafe(text);
    if (found) ctx.addIssue({ code: 'custom', message: `must be one line of visible text; it contains ${found}` });
  });
}
