import { describe, expect, it } from 'vitest';
import { OPERATIONS, OPERATION_IDS } from '../src/client/operations.js';
import { assumedPaths } from './helpers/wire-contract.js';

/**
 * The classic and Dayan paths no document gives are marked `assumed(...)` in the catalog (src/client/operations/).
 * They must be exactly the ones the independent wire contract (src/sandbox/contract/, transcribed from the
 * documents) records as assumptions, which test/wire-contract.test.ts writes out one by one: a new assumption
 * cannot slip into either unmarked.
 */
const ENDPOINTS = OPERATION_IDS.filter((id) => !OPERATIONS[id].composedOf);

describe('dialect paths', () => {
  it.each(['classic', 'dayan'] as const)('lists every %s path that is an assumption', (scheme) => {
    expect(ENDPOINTS.filter((id) => OPERATIONS[id].assumptions[scheme] !== undefined)).toEqual(assumedPaths(scheme));
  });

  it('gives each assumption its reason, and none for the current paths (the SDK and seed 001)', () => {
    for (const id of ENDPOINTS) {
      const { assumptions } = OPERATIONS[id];
      for (const reason of Object.values(assumptions)) expect(reason, id).toMatch(/\w{3,}.*\w{3,}/);
      expect(assumptions.current, id).toBeUndefined();
    }
  });

  it('documents 39 classic and 11 Dayan paths', () => {
    expect(ENDPOINTS.length - assumedPaths('classic').length).toBe(39);
    expect(ENDPOINTS.length - assumedPaths('dayan').length).toBe(11);
  });
});
