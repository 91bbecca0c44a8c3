import type { OperationId, Scheme } from '../client/operations.js';

/** What the HTTP layer tells the farm about one verified request. */
export interface FarmRequest {
  operation: OperationId;
  /** Arguments under their current wire names, already checked for presence, type and allowed values. */
  args: Record<string, unknown>;
  scheme: Scheme;
  /** The signed `platform` header. */
  platform: string;
  /** 0 Chinese, 1 English (unsigned `languageFlag` header). */
  languageFlag: string;
}

/** A refusal the farm answers with a platform result code (600 for an invalid id, 404 for an unknown task...). */
export class FarmError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'FarmError';
  }
}

/** The simulated farm behind the sandbox's HTTP layer: answers `data` for a request or throws a FarmError. */
export interface FarmModel {
  handle(request: FarmRequest): unknown;
}
