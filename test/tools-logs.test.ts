import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

const session = useFarmSession({ seed: 13 });
const { call } = session;

const lastBody = (path: string) => session.bodies.filter((b) => b.path === path).at(-1)!.body;

describe('log tools', () => {
  it('get_task_operation_log shows a write just made, with the configured platform sent', async () => {
    const tasks = ok(await call('get_task_list', { status: ['rendering'], page_size: 1 }))['tasks'] as { id: number; alias?: string }[];
    const task = tasks[0]!;
    ok(await call('stop_task', { task_ids: [task.id] }));

    const result = await call('get_task_operation_log', { page_size: 5 });
    const s = ok(result);
    const entries = s['entries'] as { time?: string; tasks?: string; action?: string }[];
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.some((e) => e.tasks?.includes(String(task.id)))).toBe(true);
    expect(entries[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The table is farm data: set apart, its header first.
    expect(result.text.split('\n').slice(2, 4)).toEqual(['<farm-data>', 'time\tuser\taction\ttasks\tdetails\tsource']);
    expect(lastBody(session.harness.connector.pathOf('get_task_operation_log'))['platform']).toBe(Number(session.harness.connector.config.platform));

    ok(await call('get_task_operation_log', { page_size: 5, platform: 21 }));
    expect(lastBody(session.harness.connector.pathOf('get_task_operation_log'))['platform']).toBe(21);
  });

  it('get_login_log keeps each login to time, result, method, IP and a short client name', async () => {
    const result = await call('get_login_log', { page_size: 10 });
    const s = ok(result);
    const logins = s['logins'] as Record<string, unknown>[];
    expect(logins.length).toBeGreaterThan(0);
    for (const login of logins) {
      expect(typeof login['ok']).toBe('boolean');
      expect(Object.keys(login)).not.toContain('traceId');
      expect(String(login['client'] ?? '')).not.toMatch(/Mozilla\/5\.0/);
    }
    expect(result.text).not.toMatch(/Mozilla\/5\.0|AppleWebKit/);
    expect(result.text).toMatch(/^\d+ logins?/);
  });

  it('get_render_log puts the error line of a failed frame first, with its code explained by get_analysis_error_detail', async () => {
    const tasks = ok(await call('get_task_list', { status: ['finished_with_failures'], page_size: 20 }))['tasks'] as { id: number; layers?: number }[];
    let failedFrame: { id: number } | undefined;
    for (const task of tasks) {
      const leafIds = ok(await call('get_subtask_ids', { task_id: task.id }))['subtask_ids'] as number[];
      for (const leaf of leafIds) {
        const frames = ok(await call('get_all_task_frames', { task_id: leaf, status: ['failed'], limit: 1 }))['frames'] as { id: number }[];
        failedFrame = frames[0];
        if (failedFrame) break;
      }
      if (failedFrame) break;
    }
    expect(failedFrame, 'a failed frame').toBeDefined();

    const result = await call('get_render_log', { frame_id: failedFrame!.id, page_size: 5 });
    const s = ok(result);
    const errors = s['errors'] as { line: string; code?: string }[];
    expect(errors.length).toBeGreaterThan(0);
    const codes = [...new Set(errors.map((e) => e.code).filter((code) => code !== undefined))];
    expect(codes.length).toBeGreaterThan(0);
    expect(errors.some((e) => new RegExp(`ERROR ${codes[0]}: `).test(e.line))).toBe(true);
    expect(result.text.indexOf('Errors')).toBeLessThan(result.text.indexOf('Log:'));
    // The farm writes the error near the end: with 5 lines a page it is not on page 1, yet it is shown.
    expect(s['total'] as number).toBeGreaterThan(5);
    expect((s['lines'] as string[]).some((line) => /ERROR \w+:/.test(line))).toBe(false);
    expect(result.text).toMatch(/Errors \(found on page \d+, the last\):/);
    expect(result.text).toContain(`get_analysis_error_detail codes=${JSON.stringify(codes)}`);
    expect(s['lines'] as string[]).toHaveLength(Math.min(5, s['total'] as number));

    const explained = ok(await call('get_analysis_error_detail', { codes }));
    expect((explained['errors'] as { code: string }[]).map((e) => e.code)).toEqual(codes);
  });
});
