import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { loadHttpSettings } from '../src/server/http-options.js';
import { callTool } from './helpers/harness.js';
import { raw, useHttpServers } from './helpers/http-server.js';

/**
 * Serving with sessions (the default: one per client, ended on DELETE) and --stateless (each request standing
 * alone, as behind a load balancer: no subscriptions, confirmation tokens shared through a common secret).
 */

const { serve, connect } = useHttpServers();

describe('sessions (default)', () => {
  it('keeps each client in its own session, refuses unknown ones, and ends a session on DELETE', async () => {
    const server = await serve();
    const a = await connect(server.url);
    const b = await connect(server.url);
    expect(server.sessionCount()).toBe(2);
    expect((await a.listTools()).tools.length).toBeGreaterThan(0);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);

    const unknown = await raw(server.url, {
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      headers: { 'Mcp-Session-Id': 'no-such-session' },
    });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toMatch(/Session not found/);
    const noSession = await raw(server.url, { body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(noSession.status).toBe(400);

    const transport = a.transport as StreamableHTTPClientTransport;
    await transport.terminateSession();
    expect(server.sessionCount()).toBe(1);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);
  });
});

describe('--stateless', () => {
  it('serves two independent clients without sessions, each request standing alone', async () => {
    const [one, two] = await Promise.all([serve({ RAYVISION_HTTP_STATELESS: '1' }), serve({ RAYVISION_HTTP_STATELESS: '1' })]);
    const initialized = await raw(one.url);
    expect(initialized.status).toBe(200);
    expect(initialized.headers['mcp-session-id']).toBeUndefined();

    const a = await connect(one.url);
    const b = await connect(one.url);
    const [listA, listB] = await Promise.all([callTool(a, 'get_task_list', { page_size: 3 }), callTool(b, 'get_task_list', { page_size: 5, page: 2 })]);
    expect(listA.isError).toBe(false);
    expect(listB.isError).toBe(false);
    await a.close();
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);
    expect(one.sessionCount()).toBe(0);

    // What a load balancer does: the next request of a client initialized on one replica lands on another.
    const elsewhere = await raw(two.url, { body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }) });
    expect(elsewhere.status).toBe(200);
    const data = /^data: (.*)$/m.exec(elsewhere.body)?.[1] ?? elsewhere.body;
    const answer = JSON.parse(data) as { id: number; result: { tools: unknown[] } };
    expect(answer.id).toBe(7);
    expect(answer.result.tools.length).toBeGreaterThan(10);

    const stream = await raw(one.url, { method: 'GET' });
    expect(stream.status).toBe(405);
    expect(JSON.parse(stream.body).error.message).toMatch(/stateless/);
  });

  it('does not offer subscriptions, which a server living for one request could never follow', async () => {
    const [stateless, stateful] = await Promise.all([serve({ RAYVISION_HTTP_STATELESS: '1' }), serve()]);
    const a = await connect(stateless.url);
    expect(a.getServerCapabilities()?.resources?.subscribe).toBeFalsy();
    await expect(a.subscribeResource({ uri: 'rayvision://tasks' })).rejects.toThrow(/Method not found/);
    const b = await connect(stateful.url);
    expect(b.getServerCapabilities()?.resources?.subscribe).toBe(true);
  });

  it("replicas sharing RAYVISION_CONFIRMATION_SECRET honour each other's confirmation tokens; others refuse them", async () => {
    const secret = 'shared-secret-for-replicas-0123';
    const [one, two, stranger] = await Promise.all([
      serve({ RAYVISION_HTTP_STATELESS: '1', RAYVISION_CONFIRMATION_SECRET: secret }, { confirmationMode: 'token' }),
      serve({ RAYVISION_HTTP_STATELESS: '1', RAYVISION_CONFIRMATION_SECRET: secret }, { confirmationMode: 'token' }),
      serve({ RAYVISION_HTTP_STATELESS: '1' }, { confirmationMode: 'token' }),
    ]);
    const [viaOne, viaTwo, viaStranger] = await Promise.all([connect(one.url), connect(two.url), connect(stranger.url)]);
    const list = await callTool(viaOne, 'get_task_list', { page_size: 5 });
    const id = (list.structured!['tasks'] as { id: number }[])[0]!.id;

    const preview = await callTool(viaOne, 'delete_task', { task_ids: [id] });
    expect(preview.structured?.['status']).toBe('confirmation_required');
    const token = preview.structured?.['confirmation_token'];
    const refused = await callTool(viaStranger, 'delete_task', { task_ids: [id], confirmation_token: token });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/did nothing/);
    const done = await callTool(viaTwo, 'delete_task', { task_ids: [id], confirmation_token: token });
    expect(done.isError).toBe(false);
    expect(done.structured?.['status']).toBe('done');
    const again = await callTool(viaTwo, 'delete_task', { task_ids: [id], confirmation_token: token });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already used/);

    expect(() => loadHttpSettings({ RAYVISION_CONFIRMATION_SECRET: 'too-short' })).toThrow(/RAYVISION_CONFIRMATION_SECRET: must be at least 16 characters/);
  });
});
