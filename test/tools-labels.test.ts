import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { silentLogger } from '../src/client/log.js';
import type { Paged, TaskInfo } from '../src/client/api/index.js';
import { callTool, DEFAULT_SETTINGS, expectOk as ok, useFarmSession, legacyServer } from './helpers/harness.js';

// Token mode: each destructive tool shows its preview, and the test plays the user who agrees by passing the token.
const session = useFarmSession({ seed: 24, harness: { settings: { confirmationMode: 'token' } } });
const { call, sent } = session;

type Project = { id: number; name: string };
const projects = async () => ok(await call('list_project_labels'))['projects'] as Project[];

/** The labels the farm itself holds for a task (read around the tools under test). */
async function farmLabels(id: number): Promise<string> {
  const data = await session.harness.connector.call<Paged<TaskInfo>>('get_task_info', { taskIds: [id] });
  return String(data.items?.[0]?.labels ?? '');
}

describe('projects', () => {
  it('list_project_labels and list_projects list projects by id and name', async () => {
    const result = await call('list_project_labels');
    const list = ok(result)['projects'] as Project[];
    expect(list.length).toBeGreaterThan(0);
    expect(result.text).toContain('id\tname');
    const all = await call('list_projects', { scope: 'all_under_main' });
    expect((ok(all)['projects'] as Project[]).length).toBeGreaterThanOrEqual(list.length);
    expect(sent('list_projects').at(-1)).toEqual({ flag: 2 });
    ok(await call('list_projects'));
    expect(sent('list_projects').at(-1)).toEqual({ flag: 0 });
  });

  it('add_project_label creates a project once', async () => {
    const result = await call('add_project_label', { name: 'mcp-test-project' });
    const s = ok(result);
    expect(sent('add_project_label').at(-1)).toEqual({ newName: 'mcp-test-project', status: 0 });
    expect((await projects()).map((p) => p.name)).toContain('mcp-test-project');
    expect((s['project'] as Project).name).toBe('mcp-test-project');

    const count = session.sandbox.requests.count('add_project_label');
    const again = await call('add_project_label', { name: 'mcp-test-project' });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already exists/);
    expect(session.sandbox.requests.count('add_project_label')).toBe(count);
  });

  it('delete_project_label previews the project and its task count, then deletes only with the token', async () => {
    await call('add_project_label', { name: 'mcp-doomed' });
    const count = session.sandbox.requests.count('delete_project_label');
    const preview = await call('delete_project_label', { name: 'mcp-doomed' });
    const s = ok(preview);
    expect(s['status']).toBe('confirmation_required');
    expect(preview.text).toMatch(/"mcp-doomed"\s+used by (0 tasks|\d+ of the newest)/);
    expect(session.sandbox.requests.count('delete_project_label')).toBe(count);
    expect((await projects()).map((p) => p.name)).toContain('mcp-doomed');

    const done = await call('delete_project_label', { name: 'mcp-doomed', confirmation_token: s['confirmation_token'] });
    expect(ok(done)['status']).toBe('done');
    expect(sent('delete_project_label').at(-1)).toEqual({ delName: 'mcp-doomed' });
    expect((await projects()).map((p) => p.name)).not.toContain('mcp-doomed');
  });

  it('counts the tasks filed under a project in the preview', async () => {
    const tasks = ok(await call('get_task_list', { page_size: 50 }))['tasks'] as { project?: string }[];
    const used = tasks.find((t) => t.project)?.project;
    expect(used).toBeDefined();
    const preview = await call('delete_project_label', { name: used });
    ok(preview);
    expect(preview.text).toMatch(/used by ([1-9]\d* tasks?|[1-9]\d* of the newest)/);
  });

  it('refuses to delete a project that does not exist, naming the nearest', async () => {
    const [first] = await projects();
    const result = await call('delete_project_label', { name: `${first!.name}x` });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`existing: "${first!.name}"`);
  });
});

describe('task labels', () => {
  it('add_task_label labels tasks, and delete_task_label removes the label after confirmation', async () => {
    const tasks = ok(await call('get_task_list', { page_size: 3 }))['tasks'] as { id: number; alias?: string }[];
    const ids = tasks.slice(0, 2).map((t) => t.id);
    const added = await call('add_task_label', { task_ids: [tasks[0]!.alias ?? ids[0], ids[1]], label: 'mcp-review' });
    ok(added);
    expect(sent('add_task_label').at(-1)).toEqual({ label: 'mcp-review', taskIds: ids });
    expect(added.text).toMatch(/labels: [^\n]*mcp-review/);
    for (const id of ids) expect(await farmLabels(id)).toContain('mcp-review');

    const count = session.sandbox.requests.count('delete_task_label');
    const preview = await call('delete_task_label', { task_ids: ids, label_names: ['mcp-review'] });
    const s = ok(preview);
    expect(s['status']).toBe('confirmation_required');
    expect(preview.text).toMatch(/removes: "mcp-review"/);
    expect(session.sandbox.requests.count('delete_task_label')).toBe(count);

    const done = await call('delete_task_label', { task_ids: ids, label_names: ['mcp-review'], confirmation_token: s['confirmation_token'] });
    expect(ok(done)['status']).toBe('done');
    expect(sent('delete_task_label').at(-1)).toEqual({ taskIds: ids, labelNames: ['mcp-review'] });
    for (const id of ids) expect(await farmLabels(id)).not.toContain('mcp-review');
  });

  it('delete_task_label refuses when no task carries the label, and needs names on the current API', async () => {
    const [task] = ok(await call('get_task_list', { page_size: 1 }))['tasks'] as { id: number }[];
    const count = session.sandbox.requests.count('delete_task_label');
    const none = await call('delete_task_label', { task_ids: [task!.id], label_names: ['mcp-never-added'] });
    expect(none.isError).toBe(true);
    expect(none.text).toMatch(/nothing to remove/);
    const missing = await call('delete_task_label', { task_ids: [task!.id] });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/label_names/);
    expect(session.sandbox.requests.count('delete_task_label')).toBe(count);
  });
});

describe('task labels on the classic API', () => {
  /** A server whose connector speaks the classic scheme to the same sandbox (the harness uses the current one). */
  async function classicClient() {
    const connector = new Connector(session.sandbox.connectorConfig({ scheme: 'classic' }), { logger: silentLogger, retryBaseMs: 5 });
    const mcp = legacyServer({ connector, logger: silentLogger, settings: { ...DEFAULT_SETTINGS, confirmationMode: 'token' } });
    const client = new Client({ name: 'classic-test', version: '1.0.0' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
    return {
      client,
      connector,
      close: async () => {
        await client.close();
        await mcp.close();
        await connector.close();
      },
    };
  }

  it('removes by label id from every task, after a preview naming the label and how many tasks carry it', async () => {
    const classic = await classicClient();
    try {
      const tasks = ok(await call('get_task_list', { page_size: 3 }))['tasks'] as { id: number }[];
      const ids = tasks.slice(0, 2).map((t) => t.id);
      ok(await call('add_task_label', { task_ids: ids, label: 'mcp-classic' }));
      const raw = JSON.parse(await farmLabels(ids[0]!)) as Record<string, string>;
      const labelId = Number(Object.entries(raw).find(([, name]) => name === 'mcp-classic')![0]);

      const count = session.sandbox.requests.count('delete_task_label');
      const byName = await callTool(classic.client, 'delete_task_label', { task_ids: ids, label_names: ['mcp-classic'] });
      expect(byName.isError).toBe(true);
      expect(byName.text).toContain(`pass label_ids ("mcp-classic"=${labelId})`);

      const preview = await callTool(classic.client, 'delete_task_label', { label_ids: [labelId] });
      const s = ok(preview);
      expect(preview.text).toMatch(new RegExp(`${labelId}\\s+"mcp-classic"\\s+used by 2 tasks`));
      expect(preview.text).toContain('from every task that carries it');
      expect(session.sandbox.requests.count('delete_task_label')).toBe(count);

      const done = await callTool(classic.client, 'delete_task_label', { label_ids: [labelId], confirmation_token: s['confirmation_token'] });
      expect(ok(done)['status']).toBe('done');
      const classicPath = classic.connector.pathOf('delete_task_label');
      expect(session.bodies.filter((b) => b.path === classicPath).at(-1)?.body).toEqual({ labelIds: [labelId] });
      for (const id of ids) expect(await farmLabels(id)).not.toContain('mcp-classic');
    } finally {
      await classic.close();
    }
  });
});
