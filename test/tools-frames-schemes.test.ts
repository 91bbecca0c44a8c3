import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { silentLogger } from '../src/client/log.js';
import type { Scheme } from '../src/client/operations.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { DEFAULT_SETTINGS, callTool, legacyServer } from './helpers/harness.js';

let sandbox: Sandbox;
const bodies: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 14, inspect: ({ path, body }) => void bodies.push({ path, body: body ? JSON.parse(body) : {} }) });
});
afterAll(() => sandbox?.close());

/** A server whose connector speaks `scheme` to the sandbox (the shared harness always uses the current scheme). */
async function withScheme<T>(scheme: Scheme, run: (client: Client, connector: Connector) => Promise<T>): Promise<T> {
  const connector = new Connector(sandbox.connectorConfig({ scheme }), { logger: silentLogger, retryBaseMs: 5 });
  const mcp = legacyServer({ connector, logger: silentLogger, settings: DEFAULT_SETTINGS });
  const client = new Client({ name: `${scheme}-test`, version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
  try {
    return await run(client, connector);
  } finally {
    await client.close();
    await mcp.close();
    await connector.close();
  }
}

/** Leaf tasks with failed frames, each used once. */
const used = new Set<number>();
async function leafWithFailures(client: Client): Promise<{ id: number; failed: number }> {
  const list = await callTool(client, 'get_task_list', { status: ['finished_with_failures'], page_size: 30 });
  for (const task of list.structured!['tasks'] as { id: number }[]) {
    const info = await callTool(client, 'get_task_info', { task_ids: [task.id] });
    const detail = (info.structured!['tasks'] as { id: number; failed?: number; children?: { id: number; failed?: number }[] }[])[0]!;
    const leaf = (detail.children ?? [detail]).find((t) => (t.failed ?? 0) > 0 && !used.has(t.id));
    if (leaf) {
      used.add(leaf.id);
      return { id: leaf.id, failed: leaf.failed! };
    }
  }
  throw new Error('no task with failed frames in the sandbox');
}

const lastBody = (path: string) => bodies.filter((b) => b.path === path).at(-1)?.body;

describe('restart_failed_frames per API scheme', () => {
  it('classic: sends taskParam without status, and refuses a status choice before sending anything', async () => {
    await withScheme('classic', async (client, connector) => {
      const leaf = await leafWithFailures(client);
      const before = sandbox.requests.count('restart_failed_frames');
      const refused = await callTool(client, 'restart_failed_frames', { task_ids: [leaf.id], status: ['failed', 'timed_out'] });
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/classic API scheme .* Nothing was sent\.$/);
      expect(sandbox.requests.count('restart_failed_frames')).toBe(before);

      const done = await callTool(client, 'restart_failed_frames', { task_ids: [leaf.id], dry_run: false });
      expect(done.isError, done.text).toBe(false);
      expect(done.structured).toMatchObject({ frames: leaf.failed });
      expect(lastBody(connector.pathOf('restart_failed_frames'))).toEqual({ taskParam: [leaf.id] });
    });
  });

  // "Failed" is one rule for every restart tool: failed (5) and timed out (11), sent wherever a dialect takes a status.
  it('dayan: always sends status, which that interface requires: failed and timed out', async () => {
    await withScheme('dayan', async (client, connector) => {
      const leaf = await leafWithFailures(client);
      const done = await callTool(client, 'restart_failed_frames', { task_ids: [leaf.id], dry_run: false });
      expect(done.isError, done.text).toBe(false);
      expect(lastBody(connector.pathOf('restart_failed_frames'))).toEqual({ taskIds: [leaf.id], status: [5, 11] });
    });
  });

  it('current: sends the statuses it counted (failed and timed out), so the farm resubmits what the preview showed', async () => {
    await withScheme('current', async (client, connector) => {
      const leaf = await leafWithFailures(client);
      expect((await callTool(client, 'restart_failed_frames', { task_ids: [leaf.id], dry_run: false })).isError).toBe(false);
      expect(lastBody(connector.pathOf('restart_failed_frames'))).toEqual({ taskIds: [leaf.id], status: [5, 11] });
    });
  });
});

describe('get_analysis_error_detail per API scheme', () => {
  it('sends `codes` once on the current scheme and one `code` per request on the classic one', async () => {
    for (const [scheme, requests] of [
      ['current', 1],
      ['classic', 2],
    ] as const) {
      await withScheme(scheme, async (client, connector) => {
        const before = sandbox.requests.count('get_analysis_error_detail');
        const seen = bodies.length;
        const result = await callTool(client, 'get_analysis_error_detail', { codes: ['15000', '50002'] });
        expect(result.isError, result.text).toBe(false);
        expect((result.structured!['errors'] as { code: string }[]).map((e) => e.code)).toEqual(['15000', '50002']);
        expect(sandbox.requests.count('get_analysis_error_detail') - before).toBe(requests);
        const sent = bodies.slice(seen).filter((b) => b.path === connector.pathOf('get_analysis_error_detail'));
        const codes = sent.flatMap((b) => (scheme === 'current' ? (b.body['codes'] as string[]) : [b.body['code'] as string]));
        expect(codes.sort()).toEqual(['15000', '50002']);
      });
    }
  });
});
