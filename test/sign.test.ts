import { describe, expect, it } from 'vitest';
import { UnsignableValueError, compactBody, flattenForSigning, hmacSignature, newNonce, signRequest, stringToSign } from '../src/client/sign.js';

// Expected values below come from outside this code base: seed 002/003 and the official SDK's own tests.
describe('signing', () => {
  it("reproduces seed 002's worked example bit for bit", () => {
    const headers = {
      accessId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      channel: '7',
      platform: '1',
      UTCTimestamp: '1535957371',
      nonce: '11886',
      version: '1.0.0',
    };
    const message = stringToSign('task.renderbus.com', '/api/render/common/queryPlatforms', headers, { zone: 2 });
    expect(message).toBe(
      '[POST]task.renderbus.com:/api/render/common/queryPlatforms&UTCTimestamp=1535957371&accessId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&channel=7&nonce=11886&platform=1&version=1.0.0&zone=2',
    );
    expect(hmacSignature('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', message)).toBe('6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg=');
  });

  it("matches the SDK's generate_signature('test_key', 'test_msg') vector", () => {
    expect(hmacSignature('test_key', 'test_msg')).toBe('TC9wro8movj4HGMphrpEdES3oBdPsq+y+2tAt6kM/Tw=');
  });

  it("builds the SDK test suite's string to sign", () => {
    const headers = { accessId: 'xxx', channel: '4', platform: '2', UTCTimestamp: '32166266', nonce: '1465', version: 'dev' };
    expect(stringToSign('tests.com', 'api_url', headers, { key: 'value' })).toBe(
      '[POST]tests.com:api_url&UTCTimestamp=32166266&accessId=xxx&channel=4&key=value&nonce=1465&platform=2&version=dev',
    );
  });

  it('flattens nested objects and lists like the seed 002/003 example', () => {
    const flat = flattenForSigning({
      taksId: 2,
      renderEnvs: [
        { envId: 1, pluginIds: [2, 3, 4] },
        { envId: 3, pluginIds: [7, 8, 10] },
      ],
    });
    expect(Object.fromEntries(flat)).toEqual({
      taksId: '2',
      'renderEnvs0.envId': '1',
      'renderEnvs0.pluginIds0': '2',
      'renderEnvs0.pluginIds1': '3',
      'renderEnvs0.pluginIds2': '4',
      'renderEnvs1.envId': '3',
      'renderEnvs1.pluginIds0': '7',
      'renderEnvs1.pluginIds1': '8',
      'renderEnvs1.pluginIds2': '10',
    });
  });

  it("flattens the SDK test's deep structure to key_a.sub_key0.c.d", () => {
    expect([...flattenForSigning({ key_a: { sub_key: [{ c: { d: 1234 } }] } }).keys()]).toEqual(['key_a.sub_key0.c.d']);
  });

  it('gives no pair for empty lists and objects, and lets body keys override headers', () => {
    const headers = { accessId: 'a', channel: '4', platform: '4', UTCTimestamp: '1', nonce: '123456', version: '2.0.0' };
    const message = stringToSign('h', '/p', headers, { labelIds: [], extra: {}, platform: 62 });
    expect(message).toBe('[POST]h:/p&UTCTimestamp=1&accessId=a&channel=4&nonce=123456&platform=62&version=2.0.0');
  });

  it('sorts by code point, not by locale', () => {
    const headers = { accessId: 'a', channel: '4', platform: '4', UTCTimestamp: '1', nonce: '123456', version: '2.0.0' };
    const message = stringToSign('h', '/p', headers, { x10: 1, x2: 2, Zed: 'z', 'a.b': 'x', a0: 'y' });
    const keys = message
      .split('&')
      .slice(1)
      .map((pair) => pair.split('=')[0]);
    expect(keys).toEqual(['UTCTimestamp', 'Zed', 'a.b', 'a0', 'accessId', 'channel', 'nonce', 'platform', 'version', 'x10', 'x2']);
  });

  it('refuses values the platform renders differently: booleans, floats, null', () => {
    const headers = { accessId: 'a', channel: '4', platform: '4', UTCTimestamp: '1', nonce: '123456', version: '2.0.0' };
    expect(() => stringToSign('h', '/p', headers, { flag: true })).toThrow(UnsignableValueError);
    expect(() => stringToSign('h', '/p', headers, { ratio: 1.5 })).toThrow(/integer or a string/);
    expect(() => stringToSign('h', '/p', headers, { none: null })).toThrow(UnsignableValueError);
  });

  it('drops null and undefined fields before signing, at every depth', () => {
    expect(compactBody({ a: 1, b: null, c: undefined, d: { e: null, f: 'x' }, g: [1, null, 2] })).toEqual({ a: 1, d: { f: 'x' }, g: [1, 2] });
  });

  it('signs with the SDK header set: channel 4, version 2.0.0, seconds, 6-digit nonce', () => {
    const signed = signRequest({ accessId: 'id', accessKey: 'key', platform: '2', host: 'h', path: '/p', body: {}, timestamp: 1_700_000_000.9 });
    expect(signed).toMatchObject({ accessId: 'id', channel: '4', platform: '2', UTCTimestamp: '1700000000', version: '2.0.0' });
    expect(signed.nonce).toMatch(/^\d{6}$/);
    const { signature, ...headers } = signed;
    expect(signature).toBe(hmacSignature('key', stringToSign('h', '/p', headers, {})));
  });

  it('draws nonces from the whole 6-digit range', () => {
    const nonces = new Set(Array.from({ length: 2000 }, newNonce));
    expect(nonces.size).toBeGreaterThan(1900);
    for (const nonce of nonces) expect(Number(nonce)).toBeGreaterThanOrEqual(100000);
  });
});
