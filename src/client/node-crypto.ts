import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

/**
 * node:crypto, loaded on its first use. A start that answers initialize and tools/list signs nothing, and loading
 * the module (with the Web Crypto the SDK's request-state codec uses) was about 4 ms of it (bench: cold start).
 */
export const nodeCrypto = (): typeof NodeCrypto => (loaded ??= process.getBuiltinModule('node:crypto'));
