import { Agent, request } from 'undici';
import { OPERATIONS, pathFor, type OperationId } from '../../src/client/operations.js';
import { NonceSource, signRequest, type WireBody } from '../../src/client/sign.js';
import type { FarmProcess } from './farm.js';

/**
 * The baseline: the same request the server would send, signed here with src/client/sign.ts and sent with undici
 * over a keep-alive connection, without MCP in between.
 */
export class DirectClient {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 8 });
  private readonly nonces = new NonceSource();

  constructor(private readonly farm: FarmProcess) {}

  /** Sends one operation (current scheme, wire names) and returns the response body as text. */
  async send(operation: OperationId, body: WireBody): Promise<string> {
    return this.sendPath(pathFor(OPERATIONS[operation], 'current', {}), body);
  }

  async sendPath(path: string, body: WireBody): Promise<string> {
    const headers = {
      ...signRequest({
        accessId: this.farm.accessId,
        accessKey: this.farm.accessKey,
        platform: '2',
        host: this.farm.domain,
        path,
        body,
        timestamp: Date.now() / 1000,
        // The farm refuses a nonce seen twice in the same second for one access id; the server under test draws
        // 6-digit nonces from the same space, so this client's carry a 7th digit and never collide with them.
        nonce: `7${this.nonces.next()}`,
      }),
      'Content-Type': 'application/json',
      languageFlag: '1',
    };
    const response = await request(`${this.farm.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), dispatcher: this.agent });
    const text = await response.body.text();
    const code = (JSON.parse(text) as { code: number }).code;
    if (code !== 200) throw new Error(`direct ${path} answered code ${code}`);
    return text;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
