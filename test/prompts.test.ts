import { describe, expect, it } from 'vitest';
import { startHarness, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 81 });

type TaskRecord = { id: number; taskAlias: string };

const text = async (name: string, args: Record<string, string> = {}, client = session.harness.client) => {
  const prompt = await client.getPrompt({ name, arguments: args });
  expect(prompt.messages).toHaveLength(1);
  expect(prompt.messages[0]!.role).toBe('user');
  return (prompt.messages[0]!.content as { type: 'text'; text: string }).text;
};

const complete = async (name: string, argument: string, value: string, context?: Record<string, string>) =>
  (
    await session.harness.client.complete({
      ref: { type: 'ref/prompt', name },
      argument: { name: argument, value },
      ...(context ? { context: { arguments: context } } : {}),
    })
  ).completion.values;

describe('prompts', () => {
  it('lists the three workflow prompts with their arguments', async () => {
    const { prompts } = await session.harness.client.listPrompts();
    expect(prompts.map((p) => [p.name, (p.arguments ?? []).map((a) => `${a.name}${a.required ? '*' : ''}`)])).toEqual([
      ['check_job_status', ['since', 'task_id']],
      ['triage_failed_frames', ['task_ids', 'since']],
      ['configure_render_environment', ['software*', 'version*', 'plugins', 'name', 'make_default']],
    ]);
    for (const prompt of prompts) {
      expect(prompt.description).toBeTruthy();
      for (const argument of prompt.arguments ?? []) expect(argument.description, `${prompt.name}.${argument.name}`).toBeTruthy();
    }
  });

  it('check_job_status leads through job_status_summary, with the date and task given', async () => {
    const plain = await text('check_job_status');
    expect(plain).toContain('1. Call job_status_summary.');
    expect(plain).toContain('wait_for_tasks');
    const focused = await text('check_job_status', { since: 'Friday', task_id: '2W123' });
    expect(focused).toContain('submitted since Friday');
    expect(focused).toContain('1. Call job_status_summary with since (and until, for a single day) in ISO 8601 with my UTC offset');
    expect(focused).toContain('get_task_info for task 2W123');
  });

  it('triage_failed_frames leads from triage to a dry-run resubmission and asks before billing', async () => {
    const prompt = await text('triage_failed_frames', { task_ids: '19097, 2W19102' });
    expect(prompt).toContain('1. Call triage_failures with task_ids [19097, 2W19102].');
    expect(prompt).toContain('Call resubmit_failures exactly as triage suggests (its default is a dry run)');
    expect(prompt).toContain('Only after I confirm, call resubmit_failures again with dry_run false');
  });

  it('configure_render_environment fills in the configure_render_env call, dry run first', async () => {
    const prompt = await text('configure_render_environment', { software: 'maya', version: '2022', plugins: 'mtoa 5.3.1, yeti 4.1.1', make_default: 'yes' });
    expect(prompt).toContain(
      '1. Call configure_render_env with cg_id "maya", version "2022", plugins ["mtoa 5.3.1","yeti 4.1.1"], make_default true and dry_run true.',
    );
    expect(prompt).toContain('nearest');
    await expect(session.harness.client.getPrompt({ name: 'configure_render_environment', arguments: { software: 'maya' } })).rejects.toThrow(/version/);
  });

  it('completes task ids, software names and the versions of the chosen software from the farm', async () => {
    const newest = (session.sandbox.farm.tasks() as unknown as TaskRecord[]).slice(0, 20);
    expect(await complete('check_job_status', 'task_id', '')).toEqual(newest.flatMap((t) => [String(t.id), t.taskAlias]));
    const listed = await complete('triage_failed_frames', 'task_ids', `${newest[0]!.id}, ${newest[1]!.taskAlias.slice(0, 6)}`);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed).toContain(`${newest[0]!.id}, ${newest[1]!.taskAlias}`);
    expect(listed.every((value) => value.startsWith(`${newest[0]!.id}, ${newest[1]!.taskAlias.slice(0, 6)}`))).toBe(true);

    expect(await complete('configure_render_environment', 'software', 'hou')).toEqual(['houdini']);
    const maya = session.sandbox.farm.call('get_supported_plugins', { cgId: 2000, osName: 'windows' }) as { cgVersion: { cgVersion: string }[] };
    expect(await complete('configure_render_environment', 'version', '', { software: 'maya' })).toEqual(maya.cgVersion.map((v) => v.cgVersion));
    expect(await complete('configure_render_environment', 'version', '202', { software: '2000' })).toEqual(
      maya.cgVersion.map((v) => v.cgVersion).filter((v) => v.startsWith('202')),
    );
    expect(await complete('configure_render_environment', 'version', '', {})).toEqual([]);
    expect(await complete('check_job_status', 'since', 'to')).toEqual(['today']);
  });

  it('offers only what the server may do: no configuring when read-only, and no resubmission in the triage prompt', async () => {
    const readOnly = await startHarness({ reuse: session.sandbox, settings: { readOnly: true } });
    try {
      const { prompts } = await readOnly.client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(['check_job_status', 'triage_failed_frames']);
      const triage = await text('triage_failed_frames', {}, readOnly.client);
      expect(triage).toContain('This server is read-only');
      expect(triage).not.toContain('resubmit_failures');
    } finally {
      await readOnly.close();
    }
  });
});
