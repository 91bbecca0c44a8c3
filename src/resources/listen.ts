import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { Logger } from '../client/log.js';
import type { TaskWatcher } from './subscriptions.js';

/**
 * On 2026-07-28 a client asks for resource updates in a `subscriptions/listen` request. The SDK's serving entries
 * answer the listen and route updates onto its stream, but do not tell the server which resources were asked for,
 * so the transport reads the filter here and a watcher follows those resources for as long as the stream is open.
 * Several streams may ask for the same resource: each is counted, and polling stops when the last one closes.
 */
export class ListenFollower {
  private readonly listeners = new Map<string, number>();

  constructor(
    private readonly watcher: TaskWatcher,
    private readonly logger: Logger,
  ) {}

  /** Follows the resources one listen stream asked for; the returned function stops (idempotent). */
  follow(uris: readonly string[]): () => void {
    for (const uri of uris) {
      const count = this.listeners.get(uri) ?? 0;
      this.listeners.set(uri, count + 1);
      if (count === 0) {
        this.watcher.subscribe(uri).catch((error: unknown) => {
          this.logger.debug(`subscriptions/listen: ${uri} is not followed: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      for (const uri of uris) {
        const count = (this.listeners.get(uri) ?? 1) - 1;
        if (count > 0) this.listeners.set(uri, count);
        else {
          this.listeners.delete(uri);
          this.watcher.unsubscribe(uri);
        }
      }
    };
  }

  /** How many resources are followed now. */
  get size(): number {
    return this.listeners.size;
  }

  stop(): void {
    this.listeners.clear();
    this.watcher.stop();
  }
}

/** The id and resource URIs of a subscriptions/listen request, or undefined for any other message. */
export function listenRequest(message: unknown): { id: string | number; uris: string[] } | undefined {
  // The filter travels as `params.notifications` (SubscriptionsListenRequestParams, MCP 2026-07-28).
  const m = message as { method?: unknown; id?: unknown; params?: { notifications?: { resourceSubscriptions?: unknown } } } | null;
  if (m?.method !== 'subscriptions/listen' || (typeof m.id !== 'string' && typeof m.id !== 'number')) return undefined;
  const asked = m.params?.notifications?.resourceSubscriptions;
  const uris = Array.isArray(asked) ? [...new Set(asked.filter((uri): uri is string => typeof uri === 'string'))] : [];
  return { id: m.id, uris };
}

/** The id a JSON-RPC response answers, or a cancellation names; undefined for other messages. */
export function endedRequestId(message: JSONRPCMessage): string | number | undefined {
  const m = message as { id?: string | number; method?: string; params?: { requestId?: string | number }; result?: unknown; error?: unknown };
  if (m.method === 'notifications/cancelled') return m.params?.requestId;
  if (m.method === undefined && (m.result !== undefined || m.error !== undefined)) return m.id;
  return undefined;
}
