import { expect } from 'vitest';
import type { Scheme } from '../../../src/client/operations.js';
import type { EndpointId } from '../../../src/sandbox/contract/index.js';
import type { Farm } from '../../../src/sandbox/farm/index.js';

/**
 * What the operation cases (index.ts, one file per area) check answers with, and the data-set lookups they pick
 * realistic ids with.
 */

export type Row = Record<string, unknown>;
export type Kind = 'number' | 'string' | 'boolean' | 'object' | 'array';
/** A field's type; a trailing `?` allows null. */
export type Spec = Record<string, `${Kind}` | `${Kind}?`>;

export function expectFields(record: unknown, spec: Spec, where = 'record'): void {
  expect(record, where).toBeTypeOf('object');
  for (const [key, type] of Object.entries(spec)) {
    const value = (record as Row)[key];
    expect(Object.hasOwn(record as Row, key), `${where}.${key} is present`).toBe(true);
    const nullable = type.endsWith('?');
    const kind = type.replace('?', '');
    if (value === null) {
      expect(nullable, `${where}.${key} may not be null`).toBe(true);
      continue;
    }
    const actual = Array.isArray(value) ? 'array' : typeof value;
    expect(actual, `${where}.${key}`).toBe(kind);
  }
}

export const PAGED: Spec = { pageCount: 'number', pageNum: 'number', total: 'number', size: 'number', items: 'array' };

/** Data-set lookups the cases pick realistic ids with. */
export const find = {
  task: (farm: Farm, test: (task: Row) => boolean): Row => {
    const task = farm.tasks().find(test);
    if (!task) throw new Error('the data set has no such task');
    return task;
  },
  simple: (farm: Farm, status: number): Row =>
    find.task(farm, (task) => task.taskStatus === status && task.respRenderingTaskList === null && (task.totalFrames as number) > 0),
  frame: (farm: Farm, taskId: number, status: number): Row => {
    const frame = farm.taskFrames(taskId).find((candidate) => candidate.frameStatus === status);
    if (!frame) throw new Error(`task ${taskId} has no frame in status ${status}`);
    return frame;
  },
  env: (farm: Farm, test: (env: Row) => boolean): Row => farm.envs.list({}).find(test)!,
};

export interface Case {
  args: Row;
  check: (data: unknown) => void;
}

/** The cases of one area (a file beside this one), by operation; index.ts joins them into a total table. */
export type Cases = Partial<Record<EndpointId, (farm: Farm, scheme: Scheme) => Case>>;
