import type { FarmModel, FarmRequest } from '../types.js';

export interface FarmOptions {
  /** Seed of the deterministic data set. */
  seed?: number;
  /** Simulated seconds per real second. */
  speed?: number;
  /** Number of top-level tasks to generate (default 320). */
  taskCount?: number;
}

/** Placeholder farm: answers every operation with an empty success. Replaced by the simulated farm. */
export class Farm implements FarmModel {
  constructor(readonly options: FarmOptions = {}) {}

  handle(request: FarmRequest): unknown {
    if (request.operation === 'list_platforms') return [{ platform: 2, name: 'query_platform_w2' }];
    return null;
  }
}

export function createFarm(options: FarmOptions = {}): Farm {
  return new Farm(options);
}
