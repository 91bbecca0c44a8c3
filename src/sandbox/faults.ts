import { isOperationId, type OperationId } from '../client/operations.js';

/**
 * Fault injection for tests and rehearsals. A rule applies to one operation (or all), at a rate, optionally a
 * limited number of times. Rules are checked in order; the first that fires decides the answer.
 */
export type FaultKind =
  /** Answer normally, but only after `latencyMs`. */
  | 'latency'
  /** Answer the envelope with this API code (e.g. 500, 610, 611, 608) without acting. */
  | 'code'
  /** Answer this HTTP status (500, 502, ...) with an HTML body. */
  | 'http'
  /** Destroy the connection without answering. */
  | 'reset'
  /** Answer 200 with a body that is not JSON. */
  | 'non-json'
  /** Never answer (until the sandbox closes or the client gives up). */
  | 'hang';

export interface FaultRule {
  kind: FaultKind;
  /** Operation id, or undefined for every operation. */
  operation?: OperationId;
  /** Probability that the rule fires for a matching request (0-1); default 1. */
  rate?: number;
  /** Fire at most this many times; default unlimited. */
  times?: number;
  latencyMs?: number;
  code?: number;
  status?: number;
  /** For `code`: the message in the envelope. */
  message?: string;
}

export class Faults {
  private rules: (FaultRule & { fired: number })[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): this {
    this.rules.push({ ...rule, fired: 0 });
    return this;
  }

  clear(): void {
    this.rules = [];
  }

  get active(): readonly FaultRule[] {
    return this.rules;
  }

  /** The rule that fires for this request, if any (and counts it). */
  pick(operation: OperationId | undefined): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.operation && rule.operation !== operation) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      rule.fired++;
      return rule;
    }
    return undefined;
  }
}

const KINDS = new Set<FaultKind>(['latency', 'code', 'http', 'reset', 'non-json', 'hang']);

/**
 * Parses the command-line form `[operation:]kind[=value][@rate][xTimes]`, e.g. `latency=2000`,
 * `get_task_list:http=502@0.3`, `submit_task:code=500x1`, `reset@0.05`, `non-json`.
 */
export function parseFault(text: string): FaultRule {
  const match = /^(?:([a-z_]+):)?([a-z-]+)(?:=(\d+))?(?:@(0(?:\.\d+)?|1(?:\.0+)?))?(?:x(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`fault "${text}" is not of the form [operation:]kind[=value][@rate][xTimes], e.g. get_task_list:http=502@0.3`);
  const [, operation, kind, value, rate, times] = match;
  if (!KINDS.has(kind as FaultKind)) throw new Error(`fault kind "${kind}" is not one of ${[...KINDS].join(', ')}`);
  if (operation && !isOperationId(operation)) throw new Error(`fault operation "${operation}" is not an operation id`);
  const rule: FaultRule = { kind: kind as FaultKind };
  if (operation) rule.operation = operation as OperationId;
  if (rate !== undefined) rule.rate = Number(rate);
  if (times !== undefined) rule.times = Number(times);
  if (kind === 'latency') rule.latencyMs = Number(value ?? 1000);
  if (kind === 'code') rule.code = Number(value ?? 500);
  if (kind === 'http') rule.status = Number(value ?? 500);
  return rule;
}
