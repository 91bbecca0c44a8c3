/**
 * The shape of the sandbox's wire contract and the helpers its entries are written with. The entries
 * (account.ts, tasks.ts, ...) are transcribed from the documents, never from the client's catalog, so that a
 * test can hold one against the other.
 *
 * Citations: `seed NNN "Section title"` names a section of ../shared/seeds/NNN_*.txt by its title (whitespace
 * normalised); `sdk-reference §N ...` a section of ../shared/docs/sdk-reference.md (§2 is its path table, with the
 * columns "old ≤2.2.0", "current SDK (url.py)" and "current docs"; §4 its per-module operation tables).
 */
import type { OperationId, Scheme } from '../../client/operations.js';

/** The API's dialects: current SDK paths (3.x), classic protocol paths (SDK ≤2.2.0, seeds 000/002/003), Dayan. */
export const DIALECTS = ['current', 'classic', 'dayan'] as const satisfies readonly Scheme[];
export type Dialect = (typeof DIALECTS)[number];

export type WireType = 'int' | 'string' | 'int[]' | 'string[]';

/** Where a path or a name comes from: a document citation, or the reason it is assumed. */
export type Source = { readonly doc: string } | { readonly assumed: string };

export interface WireParam {
  readonly type: WireType;
  readonly required: boolean;
  /** A required string or list that may be empty ("" or []), as the SDK sends it. */
  readonly allowEmpty?: true;
  /** Allowed values; anything else is refused with 600 PARAMETER_INVALID. */
  readonly allowed?: readonly (number | string)[];
  /** The name the farm's handlers read it under (its name on the current dialect), when it differs. */
  readonly as?: string;
  readonly source: Source;
}

export interface Variant {
  readonly path: string;
  readonly source: string;
}

/** One dialect of an operation: its path, other documented paths, and its body parameters by wire name. */
export interface DialectWire {
  readonly path: string;
  readonly source: Source;
  /** Other paths documented for the same interface, read with this dialect's names. */
  readonly variants: readonly Variant[];
  readonly params: Readonly<Record<string, WireParam>>;
}

export interface Endpoint {
  readonly current: DialectWire;
  readonly classic: DialectWire;
  readonly dayan: DialectWire;
}

/** An SDK-only helper: it has no endpoint of its own and is built from real operations. */
export interface Composed {
  readonly composedOf: readonly OperationId[];
  readonly source: string;
}

export type OperationContract = Endpoint | Composed;

export const isComposed = (contract: OperationContract): contract is Composed => 'composedOf' in contract;

// ── helpers the entries are written with ──────────────────────────────────────────────────────────────────────

export const R = '/api/render';
export const RT = '/api/rendering/task/renderingTask';

export const seed = (file: '000' | '001' | '002' | '003' | '004', section: string) => `seed ${file} "${section}"`;
export const sdk = (section: string) => `sdk-reference ${section}`;

/** Options of a parameter; `source` is a citation, or `{ assumed: reason }`. */
interface ParamOptions {
  required?: boolean;
  allowEmpty?: true;
  allowed?: readonly (number | string)[];
  as?: string;
}

const param =
  (type: WireType) =>
  (source: string | Source, options: ParamOptions = {}): WireParam => ({
    type,
    ...options,
    required: options.required ?? false,
    source: typeof source === 'string' ? { doc: source } : source,
  });

export const int = param('int');
export const str = param('string');
export const ints = param('int[]');
export const strs = param('string[]');
export const REQUIRED = { required: true } as const;
export const assumed = (reason: string): Source => ({ assumed: reason });
/** A name assumed because `where` documents only the SDK's keyword `argument`: the current SDK's name is used. */
export const sdkArgumentOnly = (where: string, argument: string): Source =>
  assumed(`${where} documents the SDK argument ${argument}; the current SDK's name is assumed`);

/** A dialect as the entries write it: documented (path, source, names), or assumed to be the current dialect. */
export type DialectSpec =
  | {
      path: string;
      source: string;
      variants?: readonly Variant[];
      params?: Readonly<Record<string, WireParam>>;
      /** No document gives this dialect's names: the current dialect's are assumed, for this reason. */
      namesAssumed?: string;
    }
  | { asCurrent: string };

export interface EndpointSpec {
  current: Extract<DialectSpec, { path: string }>;
  classic: DialectSpec;
  dayan: DialectSpec;
}

/** Resolves an entry: an assumed dialect gets the current path and names, each marked with the reason. */
export function endpoint(spec: EndpointSpec): Endpoint {
  const current = dialect(spec.current);
  const resolve = (entry: DialectSpec): DialectWire =>
    'asCurrent' in entry
      ? { path: current.path, source: { assumed: entry.asCurrent }, variants: [], params: markAssumed(current.params, entry.asCurrent) }
      : dialect(entry, entry.namesAssumed ? markAssumed(current.params, entry.namesAssumed) : undefined);
  return { current, classic: resolve(spec.classic), dayan: resolve(spec.dayan) };
}

function dialect(entry: Extract<DialectSpec, { path: string }>, inherited?: Record<string, WireParam>): DialectWire {
  return { path: entry.path, source: { doc: entry.source }, variants: entry.variants ?? [], params: entry.params ?? inherited ?? {} };
}

function markAssumed(params: Readonly<Record<string, WireParam>>, reason: string): Record<string, WireParam> {
  return Object.fromEntries(Object.entries(params).map(([name, p]) => [name, { ...p, source: { assumed: reason } }]));
}

export const composed = (composedOf: readonly OperationId[], source: string): Composed => ({ composedOf, source });

// Reasons shared by many entries.

/** Seed 004 documents 12 Dayan interfaces; dayan_api's source is not available (sdk-reference §2). */
export const DAYAN_UNDOCUMENTED =
  'no Dayan document has this interface (seed 004 covers 12); seed 004 mixes /api/rendering paths with current ones, so the current path and names are assumed';

/** Added to the SDK after the classic scheme: sdk-reference §2 has no old (≤2.2.0) path for it. */
export const NEWER_THAN_CLASSIC =
  'added after the classic scheme (sdk-reference §2 gives no old ≤2.2.0 path), so a classic farm is assumed to serve it at the current path';

/** Seed 004 documents the SDK's keyword arguments only; dayan_api's wire names are not documented. */
export const DAYAN_KWARGS = "seed 004 documents the SDK's keyword arguments only; the current SDK's wire names are assumed";
