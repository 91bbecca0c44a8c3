import type { ServerResponse } from 'node:http';
import { listenRequest } from '../resources/listen.js';
import { Refused } from './http-reply.js';
import { requestIds } from './http-sessions.js';

/**
 * Requests each client has in progress, over all its sessions. Lanes give every session its turn toward the farm,
 * so a client with many sessions would get many turns: capping what it has in progress caps how many of its calls
 * another client's call can wait behind (and what a flood holds in memory). A subscriptions/listen stream stays
 * open for as long as its client runs and asks nothing of the farm itself, so it does not count.
 */
export class ClientRequests {
  private readonly inProgress = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Counts the requests in `body` for `client` until `res` closes, or refuses them all. */
  admit(client: string, body: unknown, res: ServerResponse): void {
    if (listenRequest(body)) return;
    const count = requestIds(body).length;
    if (count === 0) return;
    const now = this.inProgress.get(client) ?? 0;
    if (now + count > this.limit) {
      throw new Refused(
        429,
        `This client has ${now} requests in progress, the most one client may have is ${this.limit}; send the next when one has been answered.`,
        'client requests full',
        { 'Retry-After': '1' },
      );
    }
    this.inProgress.set(client, now + count);
    res.once('close', () => {
      const left = (this.inProgress.get(client) ?? count) - count;
      if (left > 0) this.inProgress.set(client, left);
      else this.inProgress.delete(client);
    });
  }
}
