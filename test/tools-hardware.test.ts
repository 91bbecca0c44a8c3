import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 23 });
const { call, sent } = session;

type Config = { id: number; model?: string; ram?: string; enabled?: boolean; current?: boolean; unsupported_software?: string[] };
type Task = { id: number; alias?: string; software?: string; status: string };

async function configs(taskIds?: number[]): Promise<Config[]> {
  return ok(await call('list_hardware_configs', taskIds ? { task_ids: taskIds } : {}))['configs'] as Config[];
}

async function someTasks(): Promise<Task[]> {
  return ok(await call('get_task_list', { page_size: 30 }))['tasks'] as Task[];
}

describe('hardware reads', () => {
  it('list_hardware_configs lists configurations with readable types', async () => {
    const result = await call('list_hardware_configs');
    const list = ok(result)['configs'] as Config[];
    expect(list.length).toBeGreaterThan(1);
    expect(result.text).toContain('id\ttype\tmodel\tgpus\tram');
    expect(result.text).not.toContain('current');
    expect(sent('list_hardware_configs').at(-1)).toEqual({ cloneTask: 'false' });
  });

  it("sends task ids as strings and marks the task's current configuration", async () => {
    const task = (await someTasks())[0]!;
    const result = await call('list_hardware_configs', { task_ids: [task.alias ?? task.id] });
    const list = ok(result)['configs'] as Config[];
    expect(sent('list_hardware_configs').at(-1)).toEqual({ cloneTask: 'false', taskIds: [String(task.id)] });
    expect(list.filter((c) => c.current)).toHaveLength(1);
    expect(result.text).toMatch(new RegExp(`Current for task ${task.id}: \\d+`));
  });

  it('list_pack_nodes lists reserved machine plans', async () => {
    const result = await call('list_pack_nodes');
    const plans = ok(result)['plans'] as { id: number }[];
    if (plans.length) expect(result.text).toContain('id\tname');
    else expect(result.text).toBe('No reserved machine plans.');
  });
});

describe('edit_task_hardware_config', () => {
  /** A task and an enabled configuration it does not use yet and whose software it supports. */
  async function target(): Promise<{ task: Task; from: Config; to: Config }> {
    for (const task of await someTasks()) {
      const list = await configs([task.id]);
      const from = list.find((c) => c.current);
      const to = list.find((c) => !c.current && c.enabled !== false && !(task.software && c.unsupported_software?.includes(task.software)));
      if (from && to) return { task, from, to };
    }
    throw new Error('no task with another usable hardware configuration in the sandbox');
  }

  it('dry_run shows old → new and sends no write', async () => {
    const { task, from, to } = await target();
    const count = session.sandbox.requests.count('edit_task_hardware_config');
    const result = await call('edit_task_hardware_config', { task_ids: [task.id], hardware_config_id: to.id, dry_run: true });
    const s = ok(result);
    expect(s['dry_run']).toBe(true);
    expect(result.text).toContain(`${from.id} `);
    expect(result.text).toMatch(new RegExp(`${from.id}[^\\n]*→ ${to.id}`));
    expect(session.sandbox.requests.count('edit_task_hardware_config')).toBe(count);
    expect((await configs([task.id])).find((c) => c.current)?.id).toBe(from.id);
  });

  it('moves the task, sending the resolved model and RAM as strings', async () => {
    const { task, to } = await target();
    const result = await call('edit_task_hardware_config', { task_ids: [task.id], hardware_config_id: to.id, dry_run: false });
    expect(ok(result)['dry_run']).toBe(false);
    expect(sent('edit_task_hardware_config').at(-1)).toMatchObject({
      taskIds: [String(task.id)],
      hardwareConfigId: [String(to.id)],
      model: to.model,
      ram: to.ram,
    });
    expect((await configs([task.id])).find((c) => c.current)?.id).toBe(to.id);
  });

  it('refuses an unknown configuration id, naming existing ones, without writing', async () => {
    const task = (await someTasks())[0]!;
    const count = session.sandbox.requests.count('edit_task_hardware_config');
    const result = await call('edit_task_hardware_config', { task_ids: [task.id], hardware_config_id: 987654 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/no hardware configuration 987654; nearest: \d+/);
    expect(session.sandbox.requests.count('edit_task_hardware_config')).toBe(count);
  });
});
