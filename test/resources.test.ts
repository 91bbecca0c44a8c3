import type { CallToolResult } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { TOOLSETS } from '../src/tools/toolsets.js';
import { startHarness, useFarmSession } from './helpers/harness.js';

// The clock stands still: a resource and the tools it mirrors must agree, whatever time passes between the reads.
const session = useFarmSession({ seed: 31, sandbox: { speed: 0 } });

type Record_ = Record<string, unknown>;
type TaskRecord = { id: number; taskAlias: string; taskStatus: number; failedFrames: number | null; respRenderingTaskList?: TaskRecord[] | null };
type FrameRecord = { id: number; frameStatus: number; frameIndex: string };

const ACTIVE = new Set([0, 5, 8, 50, 60, 100]);

async function read(uri: string, client = session.harness.client): Promise<string> {
  const result = await client.readResource({ uri });
  expect(result.contents).toHaveLength(1);
  const content = result.contents[0]! as { uri: string; mimeType?: string; text?: string };
  expect(content.uri).toBe(uri);
  expect(content.mimeType).toBe('text/plain');
  const text = content.text ?? '';
  expect(text.length, uri).toBeGreaterThan(0);
  expect(text, uri).not.toMatch(/\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]/);
  return text;
}

const farmTasks = () => session.sandbox.farm.tasks() as unknown as TaskRecord[];

/** Error codes the farm wrote into the render logs of a task's failed frames (read from the farm, not the server). */
function logCodes(taskId: number): Set<string> {
  const farm = session.sandbox.farm;
  const failed = (farm.taskFrames(taskId) as unknown as FrameRecord[]).filter((f) => f.frameStatus === 5);
  const codes = new Set<string>();
  for (const frame of failed) {
    const log = farm.call('get_render_log', { id: frame.id, pageNum: 1, pageSize: 1000 }) as { items: string[] };
    for (const line of log.items) {
      const code = /^ERROR (\d+):/.exec(line)?.[1];
      if (code) codes.add(code);
    }
  }
  return codes;
}

describe('resources/list and templates', () => {
  it('lists the static resources, the newest tasks and one render-environment resource per program', async () => {
    const { resources } = await session.harness.client.listResources();
    const uris = resources.map((r) => r.uri);
    for (const uri of ['rayvision://account', 'rayvision://platforms', 'rayvision://tasks', 'rayvision://software']) expect(uris).toContain(uri);
    const newest = farmTasks()
      .slice(0, 20)
      .map((t) => `rayvision://tasks/${t.id}`);
    expect(uris.filter((uri) => /^rayvision:\/\/tasks\/\d+$/.test(uri))).toEqual(newest);
    const software = (session.sandbox.farm.call('get_supported_software') as { renderInfoList: { cgId: number }[] }).renderInfoList;
    expect(uris.filter((uri) => uri.startsWith('rayvision://render-envs/'))).toEqual(software.map((s) => `rayvision://render-envs/${s.cgId}`));
    for (const resource of resources) expect(resource.mimeType).toBe('text/plain');

    const { resourceTemplates } = await session.harness.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'rayvision://tasks/{task_id}',
      'rayvision://tasks/{task_id}/frames',
      'rayvision://tasks/{task_id}/frames{?page}',
      'rayvision://render-envs/{cg_id}',
    ]);
  });
});

describe('reading every resource', () => {
  it('rayvision://account is the profile and the settings, as the account tools show them', async () => {
    const text = await read('rayvision://account');
    const profile = await session.call('get_user_profile');
    const settings = await session.call('get_user_settings');
    expect(text).toBe(`Profile:\n${profile.text}\n\nSettings:\n${settings.text}`);
    expect(text).toMatch(/\nbalance: \d/);
    expect(text).toMatch(/\ntask_timeout: \d+ s/);
  });

  it('rayvision://platforms lists the platforms with the current one marked', async () => {
    const text = await read('rayvision://platforms');
    expect(text).toMatch(/^\d+ platforms in zone/);
    expect(text).toMatch(/\n2\tW2\t.*\tyes$/m);
  });

  it('rayvision://tasks shows the active tasks first, then the newest others', async () => {
    const text = await read('rayvision://tasks');
    const active = farmTasks().filter((t) => ACTIVE.has(t.taskStatus));
    expect(text).toContain(`Active tasks (${active.length}:`);
    for (const task of active.slice(0, 25)) expect(text).toMatch(new RegExp(`^${task.id}\\t${task.taskAlias}\\t`, 'm'));
    const recentOthers = farmTasks()
      .slice(0, 10)
      .filter((t) => !active.slice(0, 25).some((a) => a.id === t.id));
    const recentBlock = text.slice(text.indexOf('Recent tasks'));
    for (const task of recentOthers) expect(recentBlock).toMatch(new RegExp(`^${task.id}\\t`, 'm'));
    expect(text).toContain('\nid\talias\tscene\tstatus\tdone\tfailed\ttotal\tsubmitted\n');
  });

  it('rayvision://tasks/{task_id} shows detail, child tasks and the causes of failed frames from the render logs', async () => {
    const parent = farmTasks().find((t) => (t.respRenderingTaskList?.length ?? 0) > 1 && (t.failedFrames ?? 0) > 0)!;
    expect(parent, 'a layered task with failed frames').toBeDefined();
    const text = await read(`rayvision://tasks/${parent.id}`);
    const info = await session.call('get_task_info', { task_ids: [parent.id] });
    expect(text.startsWith(info.text)).toBe(true);
    expect(text).toContain('Child tasks:');
    for (const child of parent.respRenderingTaskList!) expect(text).toMatch(new RegExp(`^${child.id}\\t`, 'm'));
    expect(text).toContain(`Failures: ${parent.failedFrames} failed frame`);
    const shownCodes = [...text.matchAll(/^(\d{5})\t/gm)].map((m) => m[1]!);
    expect(shownCodes.length).toBeGreaterThan(0);
    const real = logCodes(parent.id);
    for (const code of shownCodes) expect(real.has(code), `code ${code} is in the farm's logs`).toBe(true);
    expect(text).toContain(`rayvision://tasks/${parent.id}/frames`);

    // The alias form of the id reads the same task.
    const byAlias = await read(`rayvision://tasks/${parent.taskAlias}`);
    expect(byAlias.split('\n')[0]).toBe(text.split('\n')[0]);
  });

  it('rayvision://tasks/{task_id}/frames lists every frame, failed first, 100 a page', async () => {
    const task = farmTasks().find(
      (t) => !t.respRenderingTaskList?.length && (t.failedFrames ?? 0) > 0 && (t.failedFrames ?? 0) < 100 && farmFrames(t.id).length > 150,
    )!;
    expect(task, 'a task with failed frames and more than 150 frames').toBeDefined();
    const frames = farmFrames(task.id);
    const failed = frames.filter((f) => f.frameStatus === 5);
    const first = await read(`rayvision://tasks/${task.id}/frames`);
    expect(first).toMatch(new RegExp(`^Task ${task.id}: ${frames.length} frames: ${failed.length} failed, `));
    const rows = first.split('\n').filter((line) => /^\d+\t/.test(line));
    expect(rows).toHaveLength(100);
    expect(rows.slice(0, failed.length).every((row) => row.split('\t')[2] === 'failed')).toBe(true);
    expect(rows.slice(failed.length).some((row) => row.split('\t')[2] === 'failed')).toBe(false);
    expect(new Set(rows.slice(0, failed.length).map((row) => Number(row.split('\t')[0])))).toEqual(new Set(failed.map((f) => f.id)));
    expect(first).toContain(`read rayvision://tasks/${task.id}/frames?page=2`);

    const second = await read(`rayvision://tasks/${task.id}/frames?page=2`);
    const secondRows = second.split('\n').filter((line) => /^\d+\t/.test(line));
    expect(secondRows.length).toBe(Math.min(100, frames.length - 100));
    expect(second).toContain(`Showing 101-${100 + secondRows.length} of ${frames.length}.`);
  });

  it('rayvision://tasks/{task_id}/frames of a layered task names the child task of each frame', async () => {
    const parent = farmTasks().find((t) => (t.respRenderingTaskList?.length ?? 0) > 1 && farmFrames(t.id).length <= 100)!;
    const text = await read(`rayvision://tasks/${parent.id}/frames`);
    const children = new Set(parent.respRenderingTaskList!.map((c) => String(c.id)));
    const rows = text.split('\n').filter((line) => /^\d+\t\d+\t/.test(line));
    expect(rows).toHaveLength(farmFrames(parent.id).length);
    expect(rows.every((row) => children.has(row.split('\t')[0]!))).toBe(true);
    expect(text).toMatch(/\ntask\tid\tframe\tstatus/);
  });

  it('rayvision://software lists every program with the versions the farm offers', async () => {
    const text = await read('rayvision://software');
    const maya = session.sandbox.farm.call('get_supported_plugins', { cgId: 2000, osName: 'windows' }) as { cgVersion: { cgVersion: string }[] };
    expect(text).toContain(`2000\tMaya\tmaya\t${maya.cgVersion.map((v) => v.cgVersion).join(', ')}\t`);
  });

  it('rayvision://render-envs/{cg_id} lists the environments of one program with the default marked, by name or id', async () => {
    const envs = session.sandbox.farm.call('get_render_env', { cgId: 2000 }) as { editName: string; isDefault: number }[];
    const byName = await read('rayvision://render-envs/maya');
    const byId = await read('rayvision://render-envs/2000');
    expect(byName).toBe(byId);
    for (const env of envs) expect(byName).toMatch(new RegExp(`^${env.editName}\\t.*\\t${env.isDefault === 1 ? 'yes' : ''}\\t`, 'm'));
    expect(envs.some((env) => env.isDefault === 1)).toBe(true);
  });

  it('answers an unknown task with "resource not found" and a bad id with what to change', async () => {
    // Resource not found is -32602 with the URI as its data (MCP 2026-07-28, and what 2025 servers of the SDK sent).
    await expect(session.harness.client.readResource({ uri: 'rayvision://tasks/99999999' })).rejects.toMatchObject({
      code: -32602,
      data: { uri: 'rayvision://tasks/99999999' },
      message: expect.stringContaining('No task with id 99999999 exists on the farm'),
    });
    await expect(session.harness.client.readResource({ uri: 'rayvision://tasks/shot12/frames' })).rejects.toThrow(
      /task_id: a task id is a number such as 19097/,
    );
    await expect(session.harness.client.readResource({ uri: 'rayvision://render-envs/photoshop' })).rejects.toThrow(/cg_id: unknown software/);
  });
});

function farmFrames(taskId: number): FrameRecord[] {
  return session.sandbox.farm.taskFrames(taskId) as unknown as FrameRecord[];
}

describe('completions', () => {
  const complete = async (uri: string, name: string, value: string) =>
    (await session.harness.client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value } })).completion.values;

  it('task_id completes to recent task ids and aliases, filtered by what was typed', async () => {
    const newest = farmTasks().slice(0, 20);
    const all = await complete('rayvision://tasks/{task_id}', 'task_id', '');
    expect(all).toEqual(newest.flatMap((t) => [String(t.id), t.taskAlias]));

    const target = farmTasks()[40]!;
    const prefix = String(target.id).slice(0, 6);
    const byId = await complete('rayvision://tasks/{task_id}', 'task_id', prefix);
    expect(byId).toContain(String(target.id));
    expect(byId.every((value) => value.startsWith(prefix))).toBe(true);

    const byAlias = await complete('rayvision://tasks/{task_id}/frames', 'task_id', target.taskAlias.slice(0, 8));
    expect(byAlias).toContain(target.taskAlias);
    expect(byAlias.every((value) => value.startsWith(target.taskAlias.slice(0, 8)))).toBe(true);
  });

  it('cg_id completes to software names and ids', async () => {
    expect(await complete('rayvision://render-envs/{cg_id}', 'cg_id', 'ma')).toEqual(['maya']);
    expect(await complete('rayvision://render-envs/{cg_id}', 'cg_id', '200')).toEqual([
      '2000',
      '2001',
      '2002',
      '2003',
      '2004',
      '2005',
      '2006',
      '2007',
      '2008',
      '2009',
    ]);
    expect(await complete('rayvision://render-envs/{cg_id}', 'cg_id', 'zz')).toEqual([]);
  });
});

describe('tool answers link to the resources', () => {
  const links = (raw: CallToolResult) => raw.content.filter((c) => c.type === 'resource_link').map((c) => (c as { uri: string }).uri);

  it('job_status_summary, get_task_info and triage_failures link to task resources that can be read', async () => {
    const summary = await session.call('job_status_summary');
    expect(links(summary.raw)[0]).toBe('rayvision://tasks');
    const running = (summary.structured!['running'] as Record_[])[0]!;
    expect(links(summary.raw)).toContain(`rayvision://tasks/${String(running['id'])}`);
    const info = await session.call('get_task_info', { task_ids: [running['id']] });
    expect(links(info.raw)).toEqual([`rayvision://tasks/${String(running['id'])}`]);
    const triage = await session.call('triage_failures', { limit: 2 });
    const frameLinks = links(triage.raw);
    expect(frameLinks).toHaveLength(2);
    for (const uri of [...links(summary.raw).slice(0, 2), frameLinks[0]!]) await read(uri);
  });

  it('list_platforms links to rayvision://platforms', async () => {
    expect(links((await session.call('list_platforms')).raw)).toEqual(['rayvision://platforms']);
  });
});

describe('resources follow the toolsets', () => {
  it('serves only the environment resources when only that toolset is enabled', async () => {
    const narrow = await startHarness({ reuse: session.sandbox, settings: { toolsets: new Set(['environments'] as const) } });
    try {
      const uris = (await narrow.client.listResources()).resources.map((r) => r.uri);
      expect(uris[0]).toBe('rayvision://software');
      expect(uris.every((uri) => uri === 'rayvision://software' || uri.startsWith('rayvision://render-envs/'))).toBe(true);
      await expect(narrow.client.readResource({ uri: 'rayvision://tasks' })).rejects.toThrow(
        /rayvision:\/\/tasks is not served: the "tasks" toolset is not enabled \(RAYVISION_TOOLSETS/,
      );
      expect(narrow.client.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
    } finally {
      await narrow.close();
    }
    expect(TOOLSETS).toContain('environments');
  });
});
