import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/**
 * Requests built exactly as the official Python SDK (rayvision_api 3.0.4) builds them, with the signature computed
 * here from seed 002's written rule (not with the project's signing code), sent over loopback HTTP to the sandbox.
 */

/** Seed 002 §signature: flatten (list index appended, nested keys joined by "."), sort by name, join, HMAC-SHA256. */
function seedSignature(accessKey: string, host: string, path: string, headers: Record<string, string>, body: Record<string, unknown>): string {
  const params = new Map<string, string>(Object.entries(headers));
  const flatten = (value: unknown, prefix: string): void => {
    if (Array.isArray(value)) for (const [index, item] of value.entries()) flatten(item, `${prefix}${index}`);
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key);
    else params.set(prefix, String(value));
  };
  flatten(body, '');
  const names = [...params.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const source = `[POST]${host}:${path}&${names.map((name) => `${name}=${params.get(name)}`).join('&')}`;
  return createHmac('sha256', Buffer.from(accessKey, 'utf8')).update(source, 'utf8').digest('base64');
}

/** Python's json.dumps defaults: ", " and ": " separators, insertion order, non-ASCII escaped as \uXXXX. */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonJsonDumps(key)}: ${pythonJsonDumps(item)}`)
      .join(', ')}}`;
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return JSON.stringify(value);
}

interface SdkRequest {
  path: string;
  body: Record<string, unknown>;
  accessId?: string;
  timestamp?: number;
  nonce?: string;
  /** Send this body instead of the signed one. */
  sentBody?: Record<string, unknown>;
}

let sandbox: Sandbox;
let nonces = 100_000;

/** The SDK's header set: every value a string, signature over the six signed headers, languageFlag unsigned. */
async function sdkCall(input: SdkRequest) {
  const signed = {
    accessId: input.accessId ?? sandbox.accessId,
    channel: '4',
    platform: '2',
    UTCTimestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    nonce: input.nonce ?? String(nonces++),
    version: '2.0.0',
  };
  const headers = {
    ...signed,
    signature: seedSignature(sandbox.accessKey, sandbox.domain, input.path, signed, input.body),
    'Content-Type': 'application/json',
    languageFlag: '1',
  };
  const response = await request(`${sandbox.url}${input.path}`, { method: 'POST', headers, body: pythonJsonDumps(input.sentBody ?? input.body) });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    text,
    envelope: (() => {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })(),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, speed: 0 });
});
afterAll(() => sandbox.close());

describe('requests in the official SDK form', () => {
  it('the test signs like seed 002: its worked example gives the documented signature', () => {
    const headers = {
      accessId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      channel: '7',
      platform: '1',
      UTCTimestamp: '1535957371',
      nonce: '11886',
      version: '1.0.0',
    };
    expect(seedSignature('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', 'task.renderbus.com', '/api/render/common/queryPlatforms', headers, { zone: 2 })).toBe(
      '6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg=',
    );
  });

  it('serialises the body like Python json.dumps', () => {
    expect(pythonJsonDumps({ pageNum: 1, statusList: [25, 30], searchKeyword: '衣帽间' })).toBe(
      '{"pageNum": 1, "statusList": [25, 30], "searchKeyword": "\\u8863\\u5e3d\\u95f4"}',
    );
  });

  it('accepts a captured task-list request (lists, Unicode, the /v2 path)', async () => {
    const { status, envelope } = await sdkCall({
      path: '/api/render/handle/getTaskList/v2',
      body: { pageNum: 1, pageSize: 5, statusList: [25, 30], searchKeyword: '衣帽间' },
    });
    expect(status).toBe(200);
    expect(envelope).toMatchObject({ version: '2.0.0', result: true, message: 'success', code: 200 });
    const items = (envelope!.data as { items: { sceneName: string; taskStatus: number }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect([25, 30]).toContain(item.taskStatus);
      expect(item.sceneName).toContain('衣帽间');
    }
  });

  it('accepts the SDK hardware request with its string "false" and string task ids', async () => {
    const task = sandbox.farm.tasks()[3]!;
    const { envelope } = await sdkCall({ path: '/api/render/hardwareConfig/list', body: { cloneTask: 'false', taskIds: [String(task.id)] } });
    expect(envelope?.code).toBe(200);
  });

  it('refuses the same request with one body value changed: 611', async () => {
    const body = { taskIds: [sandbox.farm.tasks()[0]!.id] };
    const { envelope } = await sdkCall({ path: '/api/render/handle/queryTaskInfo/v2', body, sentBody: { taskIds: [(body.taskIds[0] as number) + 1] } });
    expect(envelope).toMatchObject({ code: 611, result: false, data: null });
  });

  it('refuses a timestamp more than 300 s old: 610, with the server time to correct by', async () => {
    const { envelope } = await sdkCall({ path: '/api/render/common/queryPlatforms', body: { zone: 2 }, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(envelope).toMatchObject({ code: 610, result: false });
    expect(Math.abs((envelope!.serverTime as number) - Date.now())).toBeLessThan(10_000);
  });

  it('accepts a timestamp within the window', async () => {
    const { envelope } = await sdkCall({ path: '/api/render/common/queryPlatforms', body: { zone: 2 }, timestamp: Math.floor(Date.now() / 1000) - 240 });
    expect(envelope?.code).toBe(200);
  });

  it('refuses the same nonce twice (a replay)', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await sdkCall({ path: '/api/render/common/queryPlatforms', body: { zone: 2 }, timestamp, nonce: '424242' });
    const replay = await sdkCall({ path: '/api/render/common/queryPlatforms', body: { zone: 2 }, timestamp, nonce: '424242' });
    expect(first.envelope?.code).toBe(200);
    expect(replay.envelope).toMatchObject({ code: 603, result: false });
    expect(String(replay.envelope!.message)).toMatch(/nonce/);
  });

  it('answers 403 for an unknown access id', async () => {
    const { envelope } = await sdkCall({ path: '/api/render/setUp/queryUserProfile', body: {}, accessId: 'AKIDunknownEXAMPLE' });
    expect(envelope).toMatchObject({ code: 403, result: false });
  });

  it('answers 601 for a missing required parameter and 600 for an invalid one, without acting', async () => {
    const missing = await sdkCall({ path: '/api/render/handle/queryTaskInfo/v2', body: {} });
    expect(missing.envelope).toMatchObject({ code: 601, result: false });
    expect(String(missing.envelope!.message)).toContain('taskIds');
    const invalid = await sdkCall({ path: '/api/render/common/queryPlatforms', body: { zone: 3 } });
    expect(invalid.envelope).toMatchObject({ code: 600, result: false });
    const rendering = sandbox.farm.tasks().find((task) => task.taskStatus === 5)!;
    const wrongType = await sdkCall({ path: '/api/rendering/task/renderingTask/stopTask', body: { taskIds: [rendering.id, 'not-a-number'] } });
    expect(wrongType.envelope?.code).toBe(600);
    expect(sandbox.farm.taskInfo(rendering.id as number)?.taskStatus).toBe(5);
  });

  it('answers HTTP 404 for a path the platform does not serve', async () => {
    const { status, envelope } = await sdkCall({ path: '/api/render/handle/noSuchThing', body: {} });
    expect(status).toBe(404);
    expect(envelope).toMatchObject({ status: 404, error: 'Not Found' });
  });
});
