/**
 * The operation catalog: every documented interface of the render-farm API (../shared/docs/api-catalog.md §4,
 * 48 operations) plus the four the current SDK adds. Each entry becomes one MCP tool of the same name.
 *
 * Paths: `path` is the current scheme, from the current official SDK (rayvision_api 3.0.4, sdk-reference §2) or,
 * for the two interfaces missing from its GitHub code, seed 001. `classic` and `dayan` name where each path comes
 * from in a comment next to it (classic: seeds 000/002/003, or the SDK's pre-2.3.0 constants.py as quoted in
 * sdk-reference §2; dayan: seed 004), or are `assumed(...)`: a path no document gives for that dialect, sent on
 * faith and listed by test/dialects.test.ts. Wire parameter names follow the current SDK (the SDK wins for the
 * wire format; the seeds describe meaning), with per-scheme names where the classic protocol differs.
 */

import { ACCOUNT } from './operations/account.js';
import { TRANSFER } from './operations/transfer.js';
import { HARDWARE } from './operations/hardware.js';
import { LOGS } from './operations/logs.js';
import { TASKS } from './operations/tasks.js';
import { FRAMES } from './operations/frames.js';
import { LABELS } from './operations/labels.js';
import { ENVIRONMENTS } from './operations/environments.js';
import type { Assumed, EndpointSpec, Empty, OperationSpec } from './operations/spec.js';

export const SCHEMES = ['current', 'classic', 'dayan'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** read: no change; write: changes state, no cost; costly: starts or speeds up billable rendering; destructive: loses work or data. */
export type Safety = 'read' | 'write' | 'costly' | 'destructive';

export type WireType = 'int' | 'string' | 'int[]' | 'string[]';

export interface WireParam {
  type: WireType;
  /** Required in every scheme (`true`) or only in the listed ones. */
  required?: boolean | readonly Scheme[];
  /** A required string or list that may legitimately be empty (e.g. `gpuNum` on CPU platforms). */
  allowEmpty?: boolean;
  /** Allowed values; anything else is answered with 600 PARAMETER_INVALID by the farm. */
  allowed?: readonly (number | string)[];
  /** Allowed values on the dialects that document a narrower set than the others (the API keeps to them). */
  allowedIn?: Partial<Record<Scheme, readonly (number | string)[]>>;
  /** Name in another scheme, where it differs from the current name; `null` = not sent in that scheme. */
  names?: Partial<Record<Scheme, string | null>>;
}

export interface Operation {
  id: string;
  title: string;
  safety: Safety;
  /** Whether a failed attempt may be sent again without risk (reads only). */
  retrySafe: boolean;
  paths: Readonly<Record<Scheme, string>>;
  /** Why the path of a dialect is an assumption, for each dialect whose path no document gives. */
  assumptions: Readonly<Partial<Record<Scheme, string>>>;
  /** Other paths the platform documents for the same interface (served by the sandbox as well). */
  variants: readonly string[];
  /** Wire parameters keyed by their current name. */
  params: Readonly<Record<string, WireParam>>;
  /** SDK-only helpers: built from these real operations, never from an invented endpoint. */
  composedOf?: readonly string[];
  /** The answer holds credentials that are redacted unless secrets are revealed. */
  returnsSecrets?: boolean;
}

/** A dialect path no document gives: sent on faith (the current path unless another is named). */

/** The catalog, one table per area (src/client/operations/), in the order of the areas above. */
const SPECS = { ...ACCOUNT, ...TRANSFER, ...HARDWARE, ...LOGS, ...TASKS, ...FRAMES, ...LABELS, ...ENVIRONMENTS };

export type OperationId = keyof typeof SPECS;

type Specs = typeof SPECS;

/** Operations with an endpoint of their own (the others are composed from them). */
export type EndpointId = { [Id in OperationId]: Specs[Id] extends { composedOf: readonly string[] } ? never : Id }[OperationId];

type ParamsOf<Id extends OperationId> = Specs[Id] extends { params: infer P } ? P : Empty;
type ValueOf<P> = P extends { allowed: readonly (infer A)[] }
  ? A
  : P extends { type: 'int' }
    ? number
    : P extends { type: 'string' }
      ? string
      : P extends { type: 'int[]' }
        ? readonly number[]
        : readonly string[];
type RequiredKeys<P> = { [K in keyof P]: P[K] extends { required: true } ? K : never }[keyof P];
type Flat<T> = T extends infer U ? { [K in keyof U]: U[K] } : never;

/**
 * The request body of an operation, from its catalog entry: the current wire names, with the values and allowed
 * values the catalog gives, required where every scheme requires them. A key the catalog does not list is a compile
 * error. What only some schemes require is optional here: the farm API (src/client/api) owns those rules.
 */
export type BodyOf<Id extends OperationId> = Id extends OperationId
  ? [keyof ParamsOf<Id>] extends [never]
    ? { readonly [key: string]: never }
    : Flat<
        { -readonly [K in RequiredKeys<ParamsOf<Id>>]: ValueOf<ParamsOf<Id>[K]> } & {
          -readonly [K in Exclude<keyof ParamsOf<Id>, RequiredKeys<ParamsOf<Id>>>]?: ValueOf<ParamsOf<Id>[K]> | undefined;
        }
      >
  : never;

/** The arguments after the id: the body may be left out when nothing in it is required. */
export type BodyArgs<Id extends OperationId> = Empty extends BodyOf<Id> ? [body?: BodyOf<Id>] : [body: BodyOf<Id>];

const pathOf = (dialect: string | Assumed, current: string) => (typeof dialect === 'string' ? dialect : (dialect.path ?? current));

function build(id: string, spec: OperationSpec, specs: Record<string, OperationSpec>): Operation {
  // A composed operation reports the paths of the real operation it is built on first.
  const base = (spec.composedOf ? specs[spec.composedOf[0]!]! : spec) as EndpointSpec;
  const current = base.path;
  const assumptions: Partial<Record<Scheme, string>> = {};
  if (!spec.composedOf) {
    if (typeof base.classic !== 'string') assumptions.classic = base.classic.assumed;
    if (typeof base.dayan !== 'string') assumptions.dayan = base.dayan.assumed;
  }
  return {
    id,
    title: spec.title,
    safety: spec.safety,
    retrySafe: spec.safety === 'read',
    paths: { current, classic: pathOf(base.classic, current), dayan: pathOf(base.dayan, current) },
    assumptions,
    variants: (spec.composedOf ? undefined : spec.variants) ?? [],
    params: spec.composedOf ? {} : (spec.params ?? {}),
    ...(spec.composedOf ? { composedOf: spec.composedOf } : {}),
    ...(!spec.composedOf && spec.returnsSecrets ? { returnsSecrets: true } : {}),
  };
}

export const OPERATIONS: Readonly<Record<OperationId, Operation>> = Object.fromEntries(
  Object.entries(SPECS).map(([id, spec]) => [id, build(id, spec, SPECS)]),
) as Record<OperationId, Operation>;

export const OPERATION_IDS = Object.keys(OPERATIONS) as OperationId[];

export function isOperationId(id: string): id is OperationId {
  return Object.hasOwn(OPERATIONS, id);
}

/** Whether `param` must be present in `scheme`. */
export function isRequired(param: WireParam, scheme: Scheme): boolean {
  return param.required === true || (Array.isArray(param.required) && param.required.includes(scheme));
}

/** The values a parameter may take in `scheme`; undefined when any value goes. */
export function allowedValues(param: WireParam, scheme: Scheme): readonly (number | string)[] | undefined {
  return param.allowedIn?.[scheme] ?? param.allowed;
}

/** The name a parameter travels under in `scheme`; null when that scheme does not take it. */
export function wireName(current: string, param: WireParam, scheme: Scheme): string | null {
  const renamed = param.names?.[scheme];
  return renamed === undefined ? current : renamed;
}

/**
 * Path overrides from RAYVISION_API_PATHS, already validated: operation id → path. They apply in every scheme.
 */
export type PathOverrides = Readonly<Partial<Record<OperationId, string>>>;

export function pathFor(operation: Operation, scheme: Scheme, overrides: PathOverrides = {}): string {
  return overrides[operation.id as OperationId] ?? operation.paths[scheme];
}
