import { describe, expect, it } from 'vitest';
import { callTool, expectOk as ok, startHarness, useFarmSession } from './helpers/harness.js';

/**
 * Times as a user gives them (ISO 8601 with Z or an offset, or none = UTC) and as every answer shows them (UTC, Z);
 * the farm reads and writes its own clock, UTC+08:00 as the documents give it (serverTime "UTC +8", seed 002).
 */
const session = useFarmSession({ seed: 83, sandbox: { speed: 0 } });
const { call } = session;

type FarmTask = { id: number; submitDate: number; taskStatus: number; respRenderingTaskList?: FarmTask[] | null };
const tasks = () => session.sandbox.farm.tasks() as unknown as FarmTask[];

/** `2026-11-27T18:07:47-05:00`: an instant written `offset` minutes from UTC. */
function at(ms: number, offsetMinutes: number): string {
  const wall = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${wall}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The farm's own text for an instant: its wall clock at UTC+08:00. */
const farmText = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

const ids = async (args: Record<string, unknown>) =>
  (ok(await call('get_task_list', { page_size: 100, ...args }))['tasks'] as { id: number }[]).map((t) => t.id);

describe('time windows', () => {
  it('find a task submitted at a known instant in Z, +08:00 and -05:00, and miss it just outside', async () => {
    const task = tasks()[7]!;
    const t = task.submitDate;
    for (const offset of [0, 480, -300]) {
      const form = at(t, offset);
      expect(await ids({ submitted_after: at(t - 1000, offset), submitted_before: at(t + 1000, offset) }), form).toContain(task.id);
      expect(await ids({ submitted_after: at(t + 1000, offset), submitted_before: at(t + 3000, offset) }), form).not.toContain(task.id);
      expect(await ids({ submitted_after: at(t - 3000, offset), submitted_before: at(t - 1000, offset) }), form).not.toContain(task.id);
    }
  });

  it("send the bounds on the farm's clock, and read a time without an offset as UTC", async () => {
    const t = tasks()[12]!.submitDate;
    await call('get_task_list', { submitted_after: at(t, -300), submitted_before: at(t + 60_000, 330) });
    expect(session.sent('get_task_list').at(-1)).toMatchObject({ startTime: farmText(t), endTime: farmText(t + 60_000) });
    await call('get_task_list', { submitted_after: at(t, 0).slice(0, -1) });
    expect(session.sent('get_task_list').at(-1)).toMatchObject({ startTime: farmText(t) });
  });

  it('take all of the day a date alone names as an upper bound', async () => {
    await call('get_task_list', { submitted_after: '2026-11-20', submitted_before: '2026-11-20' });
    expect(session.sent('get_task_list').at(-1)).toMatchObject({ startTime: '2026-11-20 08:00:00', endTime: '2026-11-21 07:59:59' });
  });

  it('refuse impossible dates and unreadable times, sending nothing', async () => {
    const before = session.sandbox.requests.count();
    for (const text of ['9999-99-99', '2026-02-30', '2026-11-20T24:00Z', '2026-11-20T18:00+15:00', 'last friday', '20261120']) {
      const result = await call('get_task_list', { submitted_after: text });
      expect(result.isError, text).toBe(true);
      expect(result.text, text).toMatch(/^get_task_list: invalid arguments: submitted_after: ".*"[: ].*\. Nothing was sent to the farm\.$/);
    }
    expect(session.sandbox.requests.count()).toBe(before);
  });
});

describe('times in answers', () => {
  const ISO = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g;
  const withoutOffset = (text: string) => [...text.matchAll(ISO)].filter((m) => !m[1]).map((m) => m[0]);

  it('carry their offset, render-log lines included', async () => {
    const failed = tasks().find((t) => t.taskStatus === 30 && !t.respRenderingTaskList?.length)!;
    const frames = session.sandbox.farm.taskFrames(failed.id) as { id: number; frameStatus: number }[];
    const frame = frames.find((f) => f.frameStatus === 5)!;
    const log = await call('get_render_log', { frame_id: frame.id });
    ok(log);
    expect(log.text).toMatch(/\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\]/);
    expect(withoutOffset(log.text)).toEqual([]);
    for (const [tool, args] of [
      ['get_task_list', { page_size: 10 }],
      ['get_task_info', { task_ids: [failed.id] }],
      ['get_task_frames', { task_id: failed.id, page_size: 10 }],
      ['get_task_operation_log', { page_size: 10 }],
      ['get_login_log', { page_size: 10 }],
      ['job_status_summary', {}],
    ] as const) {
      const result = await call(tool, args);
      ok(result);
      expect(withoutOffset(result.text), tool).toEqual([]);
    }
  });

  it('follow RAYVISION_API_TIME_ZONE: a farm configured to run on UTC gets its bounds on UTC', async () => {
    const harness = await startHarness({ reuse: session.sandbox, connector: { timeZone: 'UTC' } });
    try {
      const t = tasks()[3]!.submitDate;
      await callTool(harness.client, 'get_task_list', { submitted_after: at(t, 480) });
      expect(session.sent('get_task_list').at(-1)).toMatchObject({ startTime: new Date(t).toISOString().slice(0, 19).replace('T', ' ') });
    } finally {
      await harness.close();
    }
  });
});
