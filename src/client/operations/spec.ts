/**
 * The vocabulary of the operation catalog's tables (src/client/operations/*.ts): how an entry names its wire
 * parameters and says where each dialect's path comes from.
 */
import type { Safety, WireParam } from '../operations.js';

export interface Assumed {
  assumed: string;
  path?: string;
}

export const assumed = (reason: string, path?: string): Assumed => (path === undefined ? { assumed: reason } : { assumed: reason, path });

/** Every endpoint says where its classic and Dayan paths come from, so a new one cannot fall back silently. */
export interface EndpointSpec {
  title: string;
  safety: Safety;
  path: string;
  classic: string | Assumed;
  dayan: string | Assumed;
  variants?: readonly string[];
  params?: Readonly<Record<string, WireParam>>;
  returnsSecrets?: boolean;
  composedOf?: never;
}

/** An SDK-only helper: no endpoint of its own. */
export interface ComposedSpec {
  title: string;
  safety: Safety;
  composedOf: readonly string[];
  path?: never;
}

export type OperationSpec = EndpointSpec | ComposedSpec;

export const R = '/api/render';
export const RT = '/api/rendering/task/renderingTask';

/** Seed 004 (the only Dayan document) does not give this interface. */
export const NOT_IN_004 = 'seed 004 does not document it; the current path is sent';
/** Only seed 001, the current documents, gives it. */
export const ONLY_001 = 'only seed 001 (current documents) gives it; the current path is sent';
/** Added to the SDK after its 2.3.0 switch to the current paths, so no classic document has it. */
export const NEWER = (since: string) => `added in ${since}, after the classic scheme; the current path is sent`;

type ParamOptions = Omit<WireParam, 'type'>;
export type Empty = Record<never, never>;
// `const` keeps each parameter's literal shape (required, allowed values), which BodyOf below reads.
export const int = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'int' as const, ...extra });
export const str = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'string' as const, ...extra });
export const ints = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'int[]' as const, ...extra });
export const strs = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'string[]' as const, ...extra });
export const req = { required: true } as const;
export const paging = { pageNum: int(req), pageSize: int(req) } as const;
/** A log's date bounds: required, "" meaning unbounded (seed 001; the SDK sends ""). */
export const dateRange = { startDate: str({ required: true, allowEmpty: true }), endDate: str({ required: true, allowEmpty: true }) } as const;
/** Classic task-batch operations name the id list `taskParam` (seeds 002/003); the SDK since 2.3.0 sends `taskIds`. */
export const taskBatch = { taskIds: ints({ required: true, names: { classic: 'taskParam' } }) } as const;

export function renderEnvParams() {
  return {
    cgId: int(req),
    cgName: str(req),
    cgVersion: str(req),
    renderLayerType: int(),
    editName: str(req),
    renderSystem: int({ required: true, allowed: [0, 1] }),
    pluginIds: ints({ required: true, allowEmpty: true }),
    projectPath: str({ names: { classic: null } }),
  } as const;
}
