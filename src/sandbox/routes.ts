import type { OperationId, Scheme } from '../client/operations.js';
import { CONTRACT, DIALECTS, endpointOf, type DialectWire, type WireParam } from './contract/index.js';

export interface Route {
  operation: OperationId;
  /** Dialects whose wire names may be used on this path, tried in order. */
  schemes: Scheme[];
}

/**
 * Every path the platform serves, from the wire contract: each operation's path in every dialect plus the
 * documented variants (getTaskList with and without /v2, the docs' /handle/stopTask, ...), read with the names of
 * the dialect that documents them.
 */
export function buildRoutes(): Map<string, Route> {
  const routes = new Map<string, Route>();
  const add = (path: string, operation: OperationId, scheme: Scheme) => {
    const route = routes.get(path);
    if (!route) routes.set(path, { operation, schemes: [scheme] });
    else if (route.operation !== operation) throw new Error(`path ${path} is claimed by ${route.operation} and ${operation}`);
    else if (!route.schemes.includes(scheme)) route.schemes.push(scheme);
  };
  for (const id of Object.keys(CONTRACT) as OperationId[]) {
    const endpoint = endpointOf(id);
    if (!endpoint) continue;
    for (const dialect of DIALECTS) add(endpoint[dialect].path, id, dialect);
    for (const dialect of DIALECTS) for (const variant of endpoint[dialect].variants) add(variant.path, id, dialect);
  }
  return routes;
}

export type ArgsCheck = { ok: true; args: Record<string, unknown>; scheme: Scheme } | { ok: false; code: 600 | 601; message: string };

/**
 * Checks a body the way the platform does: 601 PARAMETER_CANT_BE_EMPTY when a required parameter is missing or
 * empty, 600 PARAMETER_INVALID when one has the wrong type or a value outside its allowed set. Returns the
 * arguments under the names the farm's handlers read (their current-dialect names).
 */
export function checkArgs(operation: OperationId, schemes: readonly Scheme[], body: Record<string, unknown>): ArgsCheck {
  const endpoint = endpointOf(operation);
  if (!endpoint) throw new Error(`${operation} has no endpoint of its own`);
  let first: ArgsCheck | undefined;
  for (const scheme of schemes) {
    const result = checkForDialect(endpoint[scheme], scheme, body);
    if (result.ok) return result;
    first ??= result;
  }
  return first!;
}

function checkForDialect(wire: DialectWire, scheme: Scheme, body: Record<string, unknown>): ArgsCheck {
  const args: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(wire.params)) {
    const value = body[name];
    if (isMissing(value, param)) {
      if (param.required) return { ok: false, code: 601, message: `parameter ${name} can not be empty` };
      continue;
    }
    const problem = typeProblem(value, param);
    if (problem) return { ok: false, code: 600, message: `parameter ${name} is invalid: ${problem}` };
    args[param.as ?? name] = normalize(value, param);
  }
  return { ok: true, args, scheme };
}

/** Like the platform's JSON binding: numeric strings become integers, numbers in string fields become text. */
function normalize(value: unknown, param: WireParam): unknown {
  switch (param.type) {
    case 'int':
      return Number(value);
    case 'string':
      return String(value);
    case 'int[]':
      return (value as unknown[]).map(Number);
    case 'string[]':
      return (value as unknown[]).map(String);
  }
}

function isMissing(value: unknown, param: WireParam): boolean {
  if (value === undefined || value === null) return true;
  if (param.allowEmpty) return false;
  return value === '' || (Array.isArray(value) && value.length === 0);
}

function typeProblem(value: unknown, param: WireParam): string | undefined {
  const isInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));
  switch (param.type) {
    case 'int':
      if (!isInt(value)) return 'expected an integer';
      if (param.allowed && !param.allowed.includes(Number(value))) return `expected one of ${param.allowed.join(', ')}`;
      return undefined;
    case 'string':
      if (typeof value !== 'string' && typeof value !== 'number') return 'expected a string';
      if (param.allowed && !param.allowed.includes(String(value))) return `expected one of ${param.allowed.join(', ')}`;
      return undefined;
    case 'int[]':
      if (!Array.isArray(value) || !value.every(isInt)) return 'expected a list of integers';
      return undefined;
    case 'string[]':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' || typeof v === 'number')) return 'expected a list of strings';
      return undefined;
  }
}
