import type { Tool } from '@modelcontextprotocol/server';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, OPERATION_IDS, isOperationId, type OperationId } from '../src/client/operations.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { CANARY_ACCESS_KEY, witness } from './helpers/canary.js';
import { callTool, startHarness, type Harness } from './helpers/harness.js';

/** Tools that are not catalog operations: the workflows of the resources/workflows issue. */
const WORKFLOW_TOOLS = new Set(['job_status_summary', 'triage_failures', 'resubmit_failures', 'wait_for_tasks', 'configure_render_env']);
const SNAPSHOTS = new URL('__snapshots__/tools/', import.meta.url);
/** Planted in every secret the farm returns (transfer passwords, RaySync keys). */
const SECRET_CANARY = 'SECRETcanary7Q2Z';

let sandbox: Sandbox;
let harness: Harness;
let tools: Tool[];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, accessKey: CANARY_ACCESS_KEY, canary: SECRET_CANARY });
  harness = await startHarness({ reuse: sandbox, settings: { confirmationMode: 'token' } });
  tools = (await harness.client.listTools()).tools;
});
afterAll(async () => {
  await harness.close();
  await sandbox.close();
});

describe('the published tool surface', () => {
  it('lists exactly the 52 catalog operations, plus only the known workflow tools', () => {
    const names = tools.map((t) => t.name);
    expect(names.filter(isOperationId).sort()).toEqual([...OPERATION_IDS].sort());
    expect(names.filter((n) => !isOperationId(n)).every((n) => WORKFLOW_TOOLS.has(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('sets title, description and all four hints on every tool, consistently with the catalog', () => {
    for (const tool of tools) {
      const a = tool.annotations ?? {};
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description!.length, tool.name).toBeLessThanOrEqual(120);
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const)
        expect(typeof a[hint], `${tool.name} ${hint}`).toBe('boolean');
      expect(a.readOnlyHint && a.destructiveHint, tool.name).toBe(false);
      if (isOperationId(tool.name)) {
        const safety = OPERATIONS[tool.name].safety;
        expect(a.readOnlyHint, tool.name).toBe(safety === 'read');
        expect(a.destructiveHint, tool.name).toBe(safety === 'destructive');
      }
      expect(tool.outputSchema, tool.name).toBeDefined();
    }
  });

  it('describes every input field and bounds every number and list', () => {
    for (const tool of tools) {
      for (const [field, schema] of Object.entries((tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
        if (schema.type === 'integer' || schema.type === 'number') expect(schema.maximum ?? schema.enum, `${tool.name}.${field} max`).toBeDefined();
        if (schema.type === 'array') expect(schema.maxItems, `${tool.name}.${field} maxItems`).toBeDefined();
        expect(field, tool.name).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    }
  });

  it('keeps tools/list small and matches the committed schema snapshot of each tool', async () => {
    const bytes = JSON.stringify({ tools }).length;
    console.info(`tools/list: ${tools.length} tools, ${bytes} bytes (~${Math.round(bytes / 4)} tokens)`);
    expect(bytes).toBeLessThan(48 * 1024);
    for (const tool of tools) await expect(JSON.stringify(tool, null, 1)).toMatchFileSnapshot(`__snapshots__/tools/${tool.name}.json`);
    // A snapshot left behind by a removed or renamed tool would otherwise go unnoticed.
    const names = new Set(tools.map((tool) => tool.name));
    expect(readdirSync(SNAPSHOTS).filter((file) => !names.has(file.replace(/\.json$/, '')))).toEqual([]);
  });
});

describe('every tool against the farm, with secrets planted', () => {
  it('answers every tool successfully, and no answer carries a secret', async () => {
    const farm = sandbox.farm;
    const records = farm.tasks() as { id: number; taskStatus: number; cgId: number; failedFrames: number | null; respRenderingTaskList?: unknown[] | null }[];
    const leaf = (status: number, skip: number[] = []) =>
      records.find((t) => t.taskStatus === status && !t.respRenderingTaskList?.length && !skip.includes(t.id))!.id;
    const rendering = leaf(5);
    const stopped = leaf(10);
    const failedTask = records.find((t) => (t.failedFrames ?? 0) > 0 && !t.respRenderingTaskList?.length)!.id;
    const frames = farm.taskFrames(failedTask) as { id: number; frameStatus: number; frameIndex: string }[];
    const doneFrame = frames.find((f) => f.frameStatus === 4)!;
    const failedFrame = frames.find((f) => f.frameStatus === 5)!;
    const maxTask = records.find((t) => t.cgId === 2001)!.id;
    const env = (farm.call('get_render_env', { cgId: 2000 }) as { editName: string; isDefault: number }[]).find((e) => e.isDefault === 0)!;
    const hardware = (farm.call('list_hardware_configs', {}) as { id: number; status: number }[]).find((h) => h.status === 1)!;
    const toDelete = [leaf(25), leaf(25, [leaf(25)])];

    type Args = Record<string, unknown>;
    // One case per catalog operation, in the order they run: an operation without a case does not compile. A case
    // that needs an earlier answer (create_task's id) reads it from `structured`.
    const structured = new Map<string, Record<string, unknown>>();
    const cases: Record<OperationId, Args | (() => Args | Promise<Args>)> = {
      get_task_list: { page_size: 5 },
      get_task_info: { task_ids: [failedTask] },
      get_subtask_ids: { task_id: failedTask },
      stop_task: { task_ids: [rendering] },
      start_task: { task_ids: [stopped] },
      abandon_task: { task_ids: [toDelete[0]] },
      delete_task: { task_ids: [toDelete[1]] },
      set_task_overtime_stop: { task_ids: [rendering], stop_after_seconds: 86400 },
      full_speed_render: { task_ids: [stopped], dry_run: true },
      update_task_priority: { task_id: stopped, priority: 60 },
      update_task_limit: { task_id: stopped, node_limit: 20 },
      create_task: { count: 1 },
      get_analysis_error_detail: { codes: ['15000'] },
      get_task_frames: { task_id: failedTask, page_size: 10 },
      get_all_task_frames: { task_id: failedTask, limit: 50 },
      get_frame_stats: {},
      restart_failed_frames: { task_ids: [failedTask], dry_run: true },
      restart_frames: { task_id: failedTask, frame_ids: [failedFrame.id], dry_run: true },
      restart_frames_by_number: { task_id: failedTask, frames: [failedFrame.frameIndex], dry_run: true },
      stop_task_frames: { task_id: rendering, all_frames: true },
      get_task_progress: { task_id: maxTask },
      get_frame_thumbnail: { frame_id: doneFrame.id },
      get_task_operation_log: {},
      get_login_log: {},
      get_render_log: { frame_id: failedFrame.id },
      list_platforms: {},
      get_user_profile: {},
      get_user_settings: {},
      update_user_settings: { timeout_seconds: 43200 },
      get_transfer_bid: {},
      get_transfer_config: {},
      get_transfer_server_info: {},
      get_raysync_user_key: {},
      list_output_files: {},
      list_hardware_configs: { task_ids: [rendering] },
      list_pack_nodes: {},
      edit_task_hardware_config: { task_ids: [stopped], hardware_config_id: hardware.id, dry_run: true },
      list_project_labels: {},
      list_projects: { scope: 'all_under_main' },
      add_project_label: { name: 'contract-test' },
      delete_project_label: { name: 'contract-test' },
      add_task_label: { task_ids: [stopped], label: 'contract' },
      delete_task_label: { task_ids: [stopped], label_names: ['contract'] },
      get_supported_software: {},
      get_supported_plugins: { cg_id: 'maya' },
      get_render_env: { cg_id: 'maya' },
      set_default_render_env: { cg_id: 'maya', name: env.editName },
      delete_render_env: { cg_id: 'maya', name: env.editName },
      // Tools that need the result of an earlier call.
      upload_task_json: () => ({
        task_id: (structured.get('create_task')!['task_ids'] as number[])[0]!,
        content: JSON.stringify({ scene_info_render: { common: { frames: '1-10[1]' } } }),
      }),
      submit_task: () => ({ task_id: (structured.get('create_task')!['task_ids'] as number[])[0]!, dry_run: true }),
      add_render_env: async () => ({ cg_id: 'maya', name: 'contract-env', version: await firstMayaVersion() }),
      update_render_env: { cg_id: 'maya', name: 'contract-env', os: 'linux' },
    };
    const seen = new Set<string>();
    const answers: string[] = [];
    for (const [name, make] of Object.entries(cases)) {
      const args = typeof make === 'function' ? await make() : make;
      const result = await callTool(harness.client, name, args);
      expect(result.isError, `${name}: ${result.text}`).toBe(false);
      expect(result.text, name).not.toMatch(/\b(null|undefined|NaN)\b|\[object Object\]/);
      // Every time shown carries its offset (UTC, Z): none is the farm's own clock text.
      expect(result.text.match(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?![\d.]*(?:Z|[+-]\d{2}:?\d{2}))/g), name).toBeNull();
      seen.add(name);
      structured.set(name, result.structured ?? {});
      answers.push(JSON.stringify(result.raw));
    }

    const catalogTools = tools.map((t) => t.name).filter((n) => isOperationId(n));
    expect(catalogTools.filter((n) => !seen.has(n))).toEqual([]);
    for (const answer of answers) expect(answer).not.toContain(SECRET_CANARY);
  });

  it('shows the planted secrets only when the user chose to reveal them (so the check above can fail)', async () => {
    const reveal = await startHarness({ reuse: sandbox, settings: { revealSecrets: true } });
    try {
      for (const name of ['get_transfer_config', 'get_raysync_user_key']) {
        const result = await callTool(reveal.client, name);
        witness(result.text);
        expect(result.text, name).toContain(SECRET_CANARY);
      }
    } finally {
      await reveal.close();
    }
  });
});

async function firstMayaVersion(): Promise<string> {
  const detail = sandbox.farm.call('get_supported_plugins', { cgId: 2000, osName: 'windows' }) as { cgVersion: { cgVersion: string }[] };
  return detail.cgVersion[0]!.cgVersion;
}

describe("answers that fit in a model's context", () => {
  it('answers a 100-task get_task_list in at most a quarter of the raw API JSON, keeping the key fields', async () => {
    const raw = JSON.stringify(await harness.connector.call('get_task_list', { pageNum: 1, pageSize: 100 }));
    const result = await callTool(harness.client, 'get_task_list', { page_size: 100 });
    const answer = JSON.stringify(result.raw);
    console.info(`get_task_list, 100 tasks: answer ${answer.length} bytes, raw API JSON ${raw.length} bytes`);
    expect(answer.length).toBeLessThanOrEqual(raw.length / 4);
    expect(result.text.split('\n')).toContain('id\talias\tscene\tstatus\tdone\tfailed\ttotal\tsubmitted\tcost (USD)');
    const rows = result.text.split('\n').filter((line) => /^\d+\t/.test(line));
    expect(rows).toHaveLength(100);
    const tasks = result.structured!['tasks'] as Record<string, unknown>[];
    const farmTasks = (JSON.parse(raw) as { items: { id: number; taskAlias: string; sceneName: string; renderConsume: number | null }[] }).items;
    tasks.forEach((task, i) => {
      expect(task['id']).toBe(farmTasks[i]!.id);
      expect(task['alias']).toBe(farmTasks[i]!.taskAlias);
      expect(task['scene']).toBe(farmTasks[i]!.sceneName);
      for (const key of ['status', 'done', 'failed', 'total', 'submitted']) expect(task, key).toHaveProperty(key);
    });
    expect(tasks.filter((task) => task['cost'] !== undefined).length).toBeGreaterThan(0);
  });
});
