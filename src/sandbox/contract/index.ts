/**
 * The sandbox's wire contract: for every operation of the API, on each dialect, the path (and the other documented
 * paths), the body parameters by wire name with type, required-ness and allowed values, and where each path and
 * name comes from, or why it is assumed. SDK-only helpers are listed with the operations they are built from.
 *
 * Transcribed from ../shared/docs/sdk-reference.md, ../shared/docs/api-catalog.md and ../shared/seeds/, not from
 * the client's catalog (src/client/operations/): it is the second source a test holds the catalog against.
 * Where the current SDK and the seeds disagree, the SDK wins for the wire format; the seeds give meaning.
 *
 * Required-ness, in this order: a protocol document's marker (seeds 002/003, or a wire-level table in seed
 * 001/004); the operation's subject (the task, frame or name it acts on), even where an SDK doc marks its argument
 * "N"; an argument the documents call optional or give a default; for interfaces in no seed, the SDK's signature.
 */
import type { OperationId } from '../../client/operations.js';
import { ACCOUNT } from './account.js';
import { ENVIRONMENTS } from './environments.js';
import { FRAMES } from './frames.js';
import { LABELS } from './labels.js';
import { TASKS } from './tasks.js';
import { isComposed, type Composed, type Endpoint, type OperationContract } from './wire.js';

export * from './wire.js';

const ENTRIES = { ...ACCOUNT, ...TASKS, ...FRAMES, ...LABELS, ...ENVIRONMENTS };

/** Compile-time: the contract names no operation the catalog lacks (a missing one fails below). */
type OnlyCatalogIds<T extends OperationId> = T;
export type ContractId = OnlyCatalogIds<keyof typeof ENTRIES>;

export const CONTRACT: Readonly<Record<OperationId, OperationContract>> = ENTRIES satisfies Record<OperationId, OperationContract>;

/** Operations with an endpoint of their own (every one but the SDK-only helpers). */
export type EndpointId = { [K in ContractId]: (typeof ENTRIES)[K] extends Composed ? never : K }[ContractId];

export const OPERATION_CONTRACT_IDS = Object.keys(CONTRACT) as OperationId[];

export function endpointOf(id: OperationId): Endpoint | undefined {
  const contract = CONTRACT[id];
  return isComposed(contract) ? undefined : contract;
}
