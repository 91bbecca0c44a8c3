import { describe, expect, it } from 'vitest';
import { expectOk as ok, useFarmSession } from './helpers/harness.js';

/** Requests as the farm receives them, held against the official SDK's request shapes (sdk-reference §4). */
const session = useFarmSession({ seed: 87, sandbox: { speed: 0 } });
const { call, sent } = session;

type FarmTask = { id: number; taskStatus: number; totalFrames: number; doneFrames: number | null; respRenderingTaskList?: FarmTask[] | null };
type FarmFrame = { id: number; frameIndex: string; frameStatus: number };

const leaves = () => (session.sandbox.farm.tasks() as unknown as FarmTask[]).flatMap((t) => (t.respRenderingTaskList?.length ? t.respRenderingTaskList : [t]));
const framesOf = (taskId: number) => session.sandbox.farm.taskFrames(taskId) as FarmFrame[];

describe('list_output_files', () => {
  it('sends treePath "/" with a task id, as the SDK does, and refuses a folder given with one', async () => {
    const task = leaves()[0]!;
    ok(await call('list_output_files', { task_id: task.id }));
    expect(sent('list_output_files').at(-1)).toEqual({ treePath: '/', taskId: task.id });
    const count = session.sandbox.requests.count('list_output_files');
    const refused = await call('list_output_files', { task_id: task.id, tree_path: '/some/folder' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('pass task_id or tree_path, not both');
    expect(session.sandbox.requests.count('list_output_files')).toBe(count);
  });
});

describe("stop_task_frames by frame number (the SDK's frame_number_to_stop)", () => {
  const waitingLeaf = () =>
    leaves().find((t) => t.taskStatus === 0 && framesOf(t.id).filter((f) => f.frameStatus === 1 && /^\d+$/.test(f.frameIndex)).length >= 5)!;

  it("maps numbers and ranges to the frames' ids and sends them with selectAll 0", async () => {
    const leaf = waitingLeaf();
    expect(leaf).toBeDefined();
    const waiting = framesOf(leaf.id).filter((f) => f.frameStatus === 1 && /^\d+$/.test(f.frameIndex));
    const [a, b, c] = waiting.slice(-3);
    const numbers = [a!.frameIndex, `${b!.frameIndex}-${c!.frameIndex}`];
    const expected = framesOf(leaf.id).filter((f) => {
      const n = Number(f.frameIndex);
      return n === Number(a!.frameIndex) || (n >= Number(b!.frameIndex) && n <= Number(c!.frameIndex));
    });
    const result = await call('stop_task_frames', { task_id: leaf.id, frames: numbers });
    expect(ok(result)).toMatchObject({ task_id: leaf.id, count: expected.length });
    expect(sent('stop_task_frames').at(-1)).toEqual({ taskId: leaf.id, selectAll: 0, ids: expected.map((f) => f.id) });
    const after = new Map(framesOf(leaf.id).map((f) => [f.id, f.frameStatus]));
    for (const frame of expected) expect(after.get(frame.id)).toBe(3);
  });

  it('sends nothing when no frame has the numbers, or when frames and frame ids are both given', async () => {
    const leaf = waitingLeaf();
    const count = session.sandbox.requests.count('stop_task_frames');
    const none = await call('stop_task_frames', { task_id: leaf.id, frames: ['999999'] });
    expect(none.isError).toBe(true);
    expect(none.text).toContain(`No frame of task ${leaf.id} matches 999999`);
    const both = await call('stop_task_frames', { task_id: leaf.id, frames: ['1'], frame_ids: [framesOf(leaf.id)[0]!.id] });
    expect(both.isError).toBe(true);
    expect(both.text).toMatch(/needs one of frame_ids, frames .* or all_frames/);
    const bad = await call('stop_task_frames', { task_id: leaf.id, frames: ['7-3'] });
    expect(bad.isError).toBe(true);
    expect(session.sandbox.requests.count('stop_task_frames')).toBe(count);
  });
});
