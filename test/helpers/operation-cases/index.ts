import { OPERATION_IDS, type Scheme } from '../../../src/client/operations.js';
import { endpointOf, type EndpointId } from '../../../src/sandbox/contract/index.js';
import type { Farm } from '../../../src/sandbox/farm/index.js';
import { ACCOUNT_CASES } from './account.js';
import type { Case } from './checks.js';
import { ENVIRONMENT_CASES } from './environments.js';
import { FRAME_CASES } from './frames.js';
import { HARDWARE_CASES } from './hardware.js';
import { LABEL_CASES } from './labels.js';
import { LOG_CASES } from './logs.js';
import { TASK_CASES } from './tasks.js';
import { TRANSFER_CASES } from './transfer.js';

/**
 * A realistic call of each operation (arguments under their current wire names), and what its answer must look like.
 * Writes pick targets the state allows. Total over the contract's endpoints: a missing case does not compile.
 */
export const CASES: Record<EndpointId, (farm: Farm, scheme: Scheme) => Case> = {
  ...ACCOUNT_CASES,
  ...TRANSFER_CASES,
  ...HARDWARE_CASES,
  ...LOG_CASES,
  ...TASK_CASES,
  ...FRAME_CASES,
  ...LABEL_CASES,
  ...ENVIRONMENT_CASES,
};

export const ENDPOINTS = OPERATION_IDS.filter((id): id is EndpointId => endpointOf(id) !== undefined);
export const contractPath = (id: EndpointId, scheme: Scheme) => endpointOf(id)![scheme].path;
export const START = Date.UTC(2026, 2, 2, 9, 30);
