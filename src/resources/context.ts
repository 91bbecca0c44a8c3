import { FarmApi } from '../client/api/index.js';
import type { Connector } from '../client/connector.js';
import type { Logger } from '../client/log.js';
import type { ToolContext } from '../tools/define.js';

/** What resource reads, completions and pollers need: the farm, and the same secrecy rule as the tools. */
export interface ResourceDeps {
  connector: Connector;
  logger: Logger;
  revealSecrets: boolean;
  /** Whether the server offers a tool, so a resource suggests only calls that work (none when not told). */
  offers?: (tool: string) => boolean;
}

/**
 * A tool context for work done outside a tool call (a resource read, a completion), so that a resource is built by
 * the same farm API and formatters as the matching tool. There is nobody to send progress to.
 */
export function readContext(deps: ResourceDeps, signal: AbortSignal = new AbortController().signal, lane?: string): ToolContext {
  return {
    api: new FarmApi(deps.connector, { signal, ...(lane ? { lane } : {}) }),
    logger: deps.logger,
    signal,
    revealSecrets: deps.revealSecrets,
    offers: deps.offers ?? (() => false),
    progress: async () => undefined,
  };
}
