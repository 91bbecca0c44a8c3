import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signRequest } from '../src/client/sign.js';
import { DIALECTS, endpointOf } from '../src/sandbox/contract/index.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { expectFields, type Row } from './helpers/operation-cases/checks.js';
import { CASES, contractPath, ENDPOINTS, START } from './helpers/operation-cases/index.js';

/**
 * One raw signed request per operation with an endpoint, built from the contract alone, to check the envelope, with
 * the realistic arguments and answer checks of test/helpers/operation-cases/ (which
 * test/sandbox-operations-connector.test.ts sends through the connector on every scheme).
 */

describe('the envelope of every operation, from raw signed requests', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 1, speed: 0, startTime: START });
  });
  afterAll(() => sandbox.close());

  it.each(ENDPOINTS)('%s', async (id) => {
    // On the current dialect the wire names are the names the cases use.
    const { args, check } = CASES[id](sandbox.farm, 'current');
    const body = args as Record<string, never>;
    const path = contractPath(id, 'current');
    const response = await postSigned(sandbox, path, body, { languageFlag: '1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const envelope = (await response.body.json()) as Row;
    expect(Object.keys(envelope)).toEqual(['version', 'result', 'message', 'code', 'data', 'serverTime', 'requestId']);
    expectFields(envelope, { version: 'string', result: 'boolean', message: 'string', code: 'number', serverTime: 'number', requestId: 'string' });
    expect(envelope).toMatchObject({ version: '2.0.0', result: true, message: 'success', code: 200 });
    expect(Math.abs((envelope.serverTime as number) - Date.now())).toBeLessThan(60_000);
    check(envelope.data);
  });

  it('answers every documented variant path too', async () => {
    const variants = ENDPOINTS.flatMap((id) => DIALECTS.flatMap((dialect) => endpointOf(id)![dialect].variants.map((variant) => ({ id, path: variant.path }))));
    expect(variants.length).toBeGreaterThan(0);
    for (const { id, path } of variants) {
      const { args } = CASES[id](sandbox.farm, 'current');
      const body = args as Record<string, never>;
      const response = await postSigned(sandbox, path, body);
      const envelope = (await response.body.json()) as Row;
      expect(envelope.code, `${id} at ${path}: ${String(envelope.message)}`).toBe(200);
    }
  });
});

/** One request signed as the SDK signs it, sent straight to the sandbox (no connector in between). */
function postSigned(sandbox: Sandbox, path: string, body: Record<string, never>, extraHeaders: Record<string, string> = {}) {
  const headers = signRequest({
    accessId: sandbox.accessId,
    accessKey: sandbox.accessKey,
    platform: '2',
    host: sandbox.domain,
    path,
    body,
    timestamp: Date.now() / 1000,
  });
  return request(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json', ...extraHeaders },
    body: JSON.stringify(body),
  });
}
