import {
  OPERATIONS,
  OPERATION_IDS,
  SCHEMES,
  isRequired,
  wireName,
  type Operation,
  type OperationId,
  type Scheme,
  type WireParam,
} from '../client/operations.js';

export interface Route {
  operation: OperationId;
  /** Schemes whose wire names may be used on this path, tried in order. */
  schemes: Scheme[];
}

/**
 * Every path the platform serves: each operation's path in every scheme plus the documented variants
 * (getTaskList with and without /v2, the docs' /handle/stopTask, ...). A variant is read with current names.
 */
export function buildRoutes(): Map<string, Route> {
  const routes = new Map<string, Route>();
  const add = (path: string, operation: OperationId, scheme: Scheme) => {
    const route = routes.get(path);
    if (!route) routes.set(path, { operation, schemes: [scheme] });
    else if (route.operation !== operation) throw new Error(`path ${path} is claimed by ${route.operation} and ${operation}`);
    else if (!route.schemes.includes(scheme)) route.schemes.push(scheme);
  };
  for (const id of OPERATION_IDS) {
    const operation = OPERATIONS[id];
    if (operation.composedOf) continue;
    for (const scheme of SCHEMES) add(operation.paths[scheme], id, scheme);
    for (const variant of operation.variants) add(variant, id, 'current');
  }
  return routes;
}

export type ArgsCheck = { ok: true; args: Record<string, unknown>; scheme: Scheme } | { ok: false; code: 600 | 601; message: string };

/**
 * Checks a body the way the platform does: 601 when a required parameter is missing or empty, 600 when one has the
 * wrong type or a value outside its allowed set. Returns the arguments under their current names.
 */
export function checkArgs(operation: Operation, schemes: readonly Scheme[], body: Record<string, unknown>): ArgsCheck {
  let first: ArgsCheck | undefined;
  for (const scheme of schemes) {
    const result = checkForScheme(operation, scheme, body);
    if (result.ok) return result;
    first ??= result;
  }
  return first!;
}

function checkForScheme(operation: Operation, scheme: Scheme, body: Record<string, unknown>): ArgsCheck {
  const args: Record<string, unknown> = {};
  for (const [current, param] of Object.entries(operation.params)) {
    const name = wireName(current, param, scheme);
    if (name === null) continue;
    const value = body[name];
    if (isMissing(value, param)) {
      if (isRequired(param, scheme)) return { ok: false, code: 601, message: `parameter ${name} can not be empty` };
      continue;
    }
    const problem = typeProblem(value, param);
    if (problem) return { ok: false, code: 600, message: `parameter ${name} is invalid: ${problem}` };
    args[current] = normalize(value, param);
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
