import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningHttpServer } from '../src/server/http.js';
import { tokensEqual } from '../src/server/http-guard.js';
import { raw, TOKEN, useHttpServers } from './helpers/http-server.js';

/**
 * Who may reach /mcp (src/server/http-guard.ts): the bearer token, the Host and Origin checks against DNS
 * rebinding, and CORS preflights, with and without a token.
 */

const { serve, connect } = useHttpServers();

describe('bearer token', () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_TOKEN: TOKEN });
  });

  it('serves a client that sends the right token', async () => {
    const client = await connect(server.url, { Authorization: `Bearer ${TOKEN}` });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('get_task_list');
  });

  it('refuses a request without a token with 401 and a WWW-Authenticate challenge', async () => {
    const response = await raw(server.url);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(response.body).error.message).toMatch(/requires a bearer token/);
    await expect(connect(server.url)).rejects.toThrow();
  });

  it('refuses a wrong token, including one that shares a prefix with the right one', async () => {
    for (const wrong of ['x', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      const response = await raw(server.url, { headers: { Authorization: `Bearer ${wrong}` } });
      expect(response.status, wrong).toBe(401);
      expect(JSON.parse(response.body).error.message).toMatch(/not valid/);
    }
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true);
    expect(tokensEqual('', TOKEN)).toBe(false);
  });

  it('refuses the token in the query string, even the right one', async () => {
    for (const param of ['access_token', 'token', 'Authorization']) {
      const response = await raw(server.url, { path: `/mcp?${param}=${TOKEN}` });
      expect(response.status, param).toBe(400);
      expect(JSON.parse(response.body).error.message).toMatch(/never accepted in the URL/);
    }
    const withHeaderToo = await raw(server.url, { path: `/mcp?access_token=${TOKEN}`, headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(withHeaderToo.status).toBe(400);
  });

  it('answers /healthz without a token, and nothing else outside /mcp', async () => {
    const health = await raw(server.url, { method: 'GET', path: '/healthz' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', mode: 'sessions' });
    expect((await raw(server.url, { method: 'GET', path: '/' })).status).toBe(404);
  });
});

describe('DNS rebinding protection', () => {
  let server: RunningHttpServer;
  let port: string;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_ALLOWED_HOSTS: 'mcp.internal', RAYVISION_HTTP_ALLOWED_ORIGINS: 'https://app.example.com' });
    port = new URL(server.url).port;
  });

  it('refuses a foreign Host header with 403', async () => {
    for (const host of ['evil.example.com', `evil.example.com:${port}`, 'localhost.evil.com']) {
      const response = await raw(server.url, { headers: { Host: host } });
      expect(response.status, host).toBe(403);
      expect(JSON.parse(response.body).error.message).toMatch(/DNS rebinding/);
    }
  });

  it('refuses a foreign Origin with 403, even with a loopback Host', async () => {
    for (const origin of ['http://evil.example.com', `http://evil.example.com:${port}`, 'null', 'https://app.example.com.evil.com']) {
      const response = await raw(server.url, { headers: { Origin: origin } });
      expect(response.status, origin).toBe(403);
      expect(JSON.parse(response.body).error.message).toMatch(/Origin .* is not allowed/);
    }
  });

  it('accepts loopback names, configured hosts and configured origins', async () => {
    for (const headers of <Record<string, string>[]>[
      { Host: `localhost:${port}` },
      { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` },
      { Host: `[::1]:${port}`, Origin: `http://localhost:${port}` },
      { Host: 'MCP.internal' },
      { Origin: 'https://app.example.com' },
    ]) {
      const response = await raw(server.url, { headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('answers a browser preflight from an allowed origin with CORS headers', async () => {
    const response = await raw(server.url, { method: 'OPTIONS', headers: { Origin: 'https://app.example.com' } });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(response.headers['access-control-expose-headers']).toMatch(/Mcp-Session-Id/);
    // 2026-07-28 clients send the method and name as headers too; a browser may send only what the preflight allows.
    const allowed = String(response.headers['access-control-allow-headers'])
      .split(/,\s*/)
      .map((h) => h.toLowerCase());
    for (const header of ['mcp-protocol-version', 'mcp-method', 'mcp-name', 'mcp-session-id', 'authorization']) expect(allowed).toContain(header);
  });
});

describe('Origin: scheme, host and port', () => {
  let server: RunningHttpServer;
  let port: string;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:5173' });
    port = new URL(server.url).port;
  });

  it("accepts loopback origins only on the server's own port, and listed origins exactly", async () => {
    const status = async (origin: string) => (await raw(server.url, { headers: { Origin: origin } })).status;
    for (const origin of [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}`,
      `http://[::1]:${port}`,
      'https://app.example.com',
      'https://APP.example.com:443',
      'http://localhost:5173',
    ]) {
      expect(await status(origin), origin).toBe(200);
    }
    // Another app on this machine, the right host on another scheme or port, a listed origin on another port.
    for (const origin of [
      'http://localhost:8080',
      'http://localhost',
      `https://localhost:${port}`,
      'http://app.example.com',
      'https://app.example.com:8443',
      'http://localhost:5174',
    ]) {
      const response = await raw(server.url, { headers: { Origin: origin } });
      expect(response.status, origin).toBe(403);
      expect(response.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });
});

describe('preflight with a token set', () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await serve({ RAYVISION_HTTP_TOKEN: TOKEN, RAYVISION_HTTP_ALLOWED_ORIGINS: 'https://app.example.com' });
  });

  it('answers a preflight from an allowed origin with 204 and CORS headers, although it carries no token', async () => {
    const preflight = {
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization, content-type, mcp-session-id',
    };
    const response = await raw(server.url, { method: 'OPTIONS', headers: preflight });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    // The request the preflight cleared still needs the token.
    expect((await raw(server.url, { headers: { Origin: 'https://app.example.com' } })).status).toBe(401);
    expect((await raw(server.url, { headers: { Origin: 'https://app.example.com', Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('refuses a preflight from another origin with 403 and no CORS headers', async () => {
    const response = await raw(server.url, { method: 'OPTIONS', headers: { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'POST' } });
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
