import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { ApiError } from '../src/client/errors.js';
import { createFarm, type Farm } from '../src/sandbox/farm/index.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/** The simulated farm: its seeded data set, its clock-driven rendering, and the state changes and refusals. */

type Row = Record<string, unknown>;
const START = Date.UTC(2026, 4, 11, 6, 0);
const ALL_STATUSES = [0, 5, 8, 10, 15, 20, 23, 25, 30, 35, 40, 45, 50, 60, 65, 70, 100];

const children = (task: Row) => (task.respRenderingTaskList as Row[] | null) ?? [];
const isSimple = (task: Row) => children(task).length === 0 && (task.totalFrames as number) > 0;

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the farm to refuse');
}

describe('the data set', () => {
  const farm = createFarm({ seed: 7, speed: 0, startTime: START });
  const tasks = farm.tasks();
  const everyTask = tasks.flatMap((task) => [task, ...children(task)]);

  it('is the same for the same seed and start, and different for another seed', () => {
    const again = createFarm({ seed: 7, speed: 0, startTime: START });
    expect(again.tasks()).toEqual(tasks);
    const sample = tasks.filter(isSimple).slice(0, 5);
    for (const task of sample) expect(again.taskFrames(task.id as number)).toEqual(farm.taskFrames(task.id as number));
    expect(again.call('get_render_env')).toEqual(farm.call('get_render_env'));
    expect(again.call('get_transfer_config')).toEqual(farm.call('get_transfer_config'));
    const other = createFarm({ seed: 8, speed: 0, startTime: START });
    expect(other.tasks().map((task) => task.id)).not.toEqual(tasks.map((task) => task.id));
  });

  it('has at least 300 tasks, newest first, with real-looking ids and aliases', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(300);
    const ids = tasks.map((task) => task.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const submitted = tasks.map((task) => task.submitDate as number);
    expect(submitted).toEqual([...submitted].sort((a, b) => b - a));
    for (const task of everyTask) {
      expect(String(task.id)).toMatch(/^\d{8}$/);
      expect(task.taskAlias).toBe(`2W${String(task.id)}`);
    }
    expect(Math.max(...submitted)).toBeLessThanOrEqual(START);
  });

  it('covers every task status but 20, which only an account in arrears has', () => {
    const statuses = new Set(tasks.map((task) => task.taskStatus));
    expect(ALL_STATUSES.filter((status) => !statuses.has(status))).toEqual([20]);
  });

  it('has several jobs of 2,000+ frames', () => {
    const big = everyTask.filter((task) => (task.totalFrames as number) >= 2000);
    expect(big.length).toBeGreaterThanOrEqual(3);
    const frames = farm.taskFrames(big[0]!.id as number);
    expect(frames).toHaveLength(big[0]!.totalFrames as number);
    expect(new Set(frames.map((frame) => frame.id)).size).toBe(frames.length);
  });

  it('splits Maya jobs into render layers and 3ds Max stills into photon and main stages', () => {
    const maya = tasks.find((task) => task.cgId === 2000 && children(task).length >= 2)!;
    expect(maya.isOpen).toBe(1);
    expect(new Set(children(maya).map((child) => child.layerName)).size).toBe(children(maya).length);
    for (const child of children(maya)) expect(child).toMatchObject({ layerParentId: maya.id, taskType: 'Render', isOpen: 0, respRenderingTaskList: null });
    const max = tasks.find((task) => task.cgId === 2001 && children(task).length === 2)!;
    expect(children(max).map((child) => [child.taskType, child.taskTypeText])).toEqual([
      ['RenderPhoton', 'render_photons_task'],
      ['Render', 'render_major_picture_task'],
    ]);
    expect(maya.totalFrames).toBe(children(maya).reduce((sum, child) => sum + (child.totalFrames as number), 0));
  });

  it('keeps counters, cost and completion time consistent with the frames', () => {
    for (const task of everyTask.filter(isSimple).slice(0, 60)) {
      const frames = farm.taskFrames(task.id as number);
      const count = (status: number) => frames.filter((frame) => frame.frameStatus === status).length;
      expect([task.doneFrames, task.failedFrames, task.executingFrames, task.abortFrames]).toEqual([count(4), count(5) + count(11), count(2), count(3)]);
      if (task.renderConsume !== null) {
        const spent = frames.reduce((sum, frame) => sum + ((frame.feeAmount as number | null) ?? 0) + ((frame.couponFee as number | null) ?? 0), 0);
        expect(spent).toBeCloseTo(task.renderConsume as number, 2);
      }
      if ([25, 30, 45].includes(task.taskStatus as number)) expect(Math.max(...frames.map((frame) => frame.endTime as number))).toBe(task.completedDate);
    }
  });

  it('gives failed frames error codes that the render log shows and get_analysis_error_detail explains', () => {
    const failed = everyTask.filter((task) => (task.failedFrames as number) > 0 && isSimple(task)).slice(0, 25);
    const codes = new Set<string>();
    for (const task of failed) {
      const frame = farm.taskFrames(task.id as number).find((candidate) => candidate.frameStatus === 5 || candidate.frameStatus === 11)!;
      const log = farm.call('get_render_log', { id: frame.id, pageNum: 1, pageSize: 500 }) as { items: string[] };
      const errors = log.items.filter((line) => /^ERROR \d+: .+/.test(line));
      expect(errors, `log of frame ${String(frame.id)}`).toHaveLength(1);
      expect(log.items.indexOf(errors[0]!)).toBeGreaterThanOrEqual(log.items.length - 2);
      codes.add(/^ERROR (\d+):/.exec(errors[0]!)![1]!);
    }
    expect(codes.size).toBeGreaterThan(3);
    for (const language of [0, 1]) {
      const details = farm.call('get_analysis_error_detail', { codes: [...codes], language }) as Row[];
      expect(details.map((detail) => detail.code).sort()).toEqual([...codes].sort());
      for (const detail of details)
        expect(detail).toMatchObject({ languageFlag: language, type: 1, desDescriptionCn: expect.any(String), desSolutionCn: expect.any(String) });
    }
    const english = farm.call('get_analysis_error_detail', { code: '15000', language: 1 }) as Row[];
    expect(english[0]).toMatchObject({ code: '15000', desDescriptionCn: '3ds Max hangs or fails to start' });
  });

  it('has render environments for the eight applications, each with exactly one default', () => {
    const software = (farm.call('get_supported_software') as { renderInfoList: Row[] }).renderInfoList;
    expect(software).toHaveLength(8);
    for (const app of software) {
      const envs = farm.call('get_render_env', { cgId: app.cgId }) as Row[];
      expect(envs.length, String(app.cgName)).toBeGreaterThan(0);
      expect(envs.filter((env) => env.isDefault === 1)).toHaveLength(1);
    }
    const linux = farm.call('get_supported_plugins', { cgId: 2001, osName: 'linux' }) as { cgVersion: Row[] };
    expect(linux.cgVersion).toEqual([]);
    expect((farm.call('get_supported_plugins', { cgId: 2004, osName: 'linux' }) as { cgVersion: Row[] }).cgVersion.length).toBeGreaterThan(0);
  });

  it('has projects, task labels, a profile, settings, hardware and a transfer config with secrets', () => {
    const projects = (farm.call('list_project_labels') as { projectNameList: Row[] }).projectNameList.map((project) => project.projectName);
    expect(projects.length).toBeGreaterThan(3);
    expect(tasks.filter((task) => task.projectName !== '').every((task) => projects.includes(task.projectName))).toBe(true);
    expect(tasks.some((task) => task.labels !== '{}')).toBe(true);
    expect(farm.call('get_user_settings')).toMatchObject({ taskOverTimeSec: 43_200, taskOverTime: 12 });
    expect((farm.call('list_hardware_configs') as Row[]).map((config) => config.id)).toEqual(expect.arrayContaining([301, 303, 337, 339, 341]));
    const canary = 'CANARY-7f3a';
    const withCanary = createFarm({ seed: 7, speed: 0, startTime: START, canary });
    const secrets = JSON.stringify([withCanary.call('get_transfer_config'), withCanary.call('get_raysync_user_key')]);
    expect(secrets.split(canary).length - 1).toBe(5);
    expect(JSON.stringify(farm.call('get_transfer_config'))).not.toContain(canary);
  });

  it('generates 10,000 tasks without building their frames', () => {
    const large = createFarm({ seed: 3, speed: 0, taskCount: 10_000, startTime: START });
    expect(large.store.topLevel()).toHaveLength(10_000);
    expect([...large.store.all()].filter((task) => task.frames !== undefined)).toHaveLength(0);
    const [newest] = large.store.topLevel();
    expect(large.call('get_task_info', { taskIds: [newest!.id] })).toMatchObject({ total: 1, items: [{ id: newest!.id }] });
  });
});

describe('a living farm, through the connector', () => {
  let sandbox: Sandbox;
  let farm: Farm;
  let connector: Connector;
  const info = async (id: number) => ((await connector.call('get_task_info', { taskIds: [id] })) as { items: Row[] }).items[0]!;
  const frames = async (id: number) => ((await connector.call('get_task_frames', { taskId: id, pageNum: 1, pageSize: 100 })) as { items: Row[] }).items;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11, speed: 0, startTime: START });
    farm = sandbox.farm;
    connector = new Connector(sandbox.connectorConfig(), { retryBaseMs: 5 });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('stops and starts a task, and records both in the operation log', async () => {
    const task = farm.tasks().find((candidate) => candidate.taskStatus === 5 && isSimple(candidate))!;
    const id = task.id as number;
    await connector.call('stop_task', { taskIds: [id] });
    const stopped = await info(id);
    expect(stopped).toMatchObject({ taskStatus: 10, executingFrames: 0 });
    expect(stopped.abortFrames).toBeGreaterThan(0);
    await connector.call('start_task', { taskIds: [id] });
    expect(await info(id)).toMatchObject({ taskStatus: 0, abortFrames: 0 });
    farm.advance(120);
    expect((await info(id)).taskStatus).toBe(5);
    const log = (await connector.call('get_task_operation_log', { platform: 2, pageNum: 1, pageSize: 2, startDate: '', endDate: '' })) as { items: Row[] };
    expect(log.items.map((item) => [item.buttonName, item.taskIds])).toEqual([
      ['btn_start', JSON.stringify([`2W${id}`])],
      ['btn_stop', JSON.stringify([`2W${id}`])],
    ]);
  });

  it('shows priority, node limit and timeout changes, and stops a task that runs over its timeout (23)', async () => {
    // The timeout counts from when rendering (re)started: pick a task no other test has stopped and started.
    const task = farm
      .tasks()
      .filter((candidate) => candidate.taskStatus === 5 && isSimple(candidate))
      .at(-1)!;
    const id = task.id as number;
    await connector.call('update_task_priority', { taskId: id, taskUserLevel: 60 });
    await connector.call('update_task_limit', { taskId: id, taskLimit: 12 });
    expect(await info(id)).toMatchObject({ taskUserLevel: 60, taskLimit: 12 });
    const elapsed = Math.ceil((farm.now() - (task.startTime as number)) / 1000);
    await connector.call('set_task_overtime_stop', { taskIds: [id], overTime: elapsed + 60 });
    expect((await info(id)).overTimeStop).toBe(elapsed + 60);
    farm.advance(61);
    expect(await info(id)).toMatchObject({ taskStatus: 23, executingFrames: 0 });
  });

  it('gives a rendering task more nodes at once when it switches to full speed', async () => {
    const task = farm.tasks().find((candidate) => candidate.taskStatus === 5 && isSimple(candidate) && (candidate.waitingCount as number) > 50)!;
    const id = task.id as number;
    await connector.call('full_speed_render', { taskIds: [id] });
    const faster = await info(id);
    expect(faster.executingFrames as number).toBeGreaterThan(task.executingFrames as number);
    expect(faster.executingFrames as number).toBeLessThanOrEqual(200);
  });

  it('moves a deleted task to the recycle bin and refuses to resubmit its frames', async () => {
    const task = farm.tasks().find((candidate) => candidate.taskStatus === 30 && isSimple(candidate))!;
    const id = task.id as number;
    await connector.call('delete_task', { taskIds: [id] });
    const list = async (recycleFlag?: number) =>
      ((await connector.call('get_task_list', { pageNum: 1, pageSize: 1000, recycleFlag })) as { items: Row[] }).items.map((item) => item.id);
    expect(await list()).not.toContain(id);
    expect(await list(1)).toEqual([id]);
    expect((await info(id)).isDelete).toBe(0);
    const error = await refusal(connector.call('restart_failed_frames', { taskIds: [id] }));
    expect(error.code).toBe(600);
    expect(error.message).toMatch(/recycle bin/);
    expect((await info(id)).failedFrames).toBe(task.failedFrames);
  });

  it('refuses what the platform refuses, without changing anything', async () => {
    const abandoned = farm.tasks().find((task) => task.taskStatus === 35)!;
    expect((await refusal(connector.call('start_task', { taskIds: [abandoned.id] }))).code).toBe(600);
    expect((await refusal(connector.call('stop_task', { taskIds: [99_999_999] }))).code).toBe(404);
    const finished = farm.tasks().find((task) => task.taskStatus === 25 && isSimple(task))!;
    expect((await refusal(connector.call('abandon_task', { taskIds: [finished.id] }))).code).toBe(600);
    const waiting = farm.tasks().find((task) => (task.waitingCount as number) > 0 && isSimple(task))!;
    const waitingFrame = farm.taskFrames(waiting.id as number).find((frame) => frame.frameStatus === 1)!;
    const thumbnail = await refusal(connector.call('get_frame_thumbnail', { id: waitingFrame.id, frameStatus: 4 }));
    expect(thumbnail.code).toBe(600);
    expect(thumbnail.message).toMatch(/only completed frames have thumbnails/);
    const [env] = farm.envs.list({ cgId: 2000 });
    const duplicate = await refusal(
      connector.call('add_render_env', { cgId: 2000, cgName: 'Maya', cgVersion: '2022', editName: env!.editName, renderSystem: 1, pluginIds: [] }),
    );
    expect(duplicate.code).toBe(600);
    expect(
      (
        await refusal(
          connector.call('update_render_env', { cgId: 2000, cgName: 'Maya', cgVersion: '2022', editName: 'no_such_env', renderSystem: 1, pluginIds: [] }),
        )
      ).code,
    ).toBe(404);
    expect((await refusal(connector.call('delete_render_env', { editName: 'no_such_env' }))).code).toBe(404);
    const created = (await connector.call('create_task', { count: 1, taskUserLevel: 50 })) as { taskIdList: number[] };
    const [newId] = created.taskIdList;
    expect((await refusal(connector.call('submit_task', { taskId: newId }))).code).toBe(600);
    await connector.call('upload_task_json', { taskId: newId, fileName: 'task.json', content: '{"task_info": {"cg_id": "2004"}}' });
    await connector.call('submit_task', { taskId: newId });
    expect((await refusal(connector.call('submit_task', { taskId: newId }))).code).toBe(749);
    expect(await info(newId!)).toMatchObject({ taskStatus: 0, cgId: 2004, totalFrames: 10 });
  });

  it('renders a submitted task: waiting → rendering on at most its node limit → finished', async () => {
    const { taskIdList } = (await connector.call('create_task', { count: 1, taskUserLevel: 50 })) as { taskIdList: number[] };
    const id = taskIdList[0]!;
    const taskJson = {
      task_info: { cg_id: '2000', input_cg_file: 'D:/show/shot_050.mb' },
      scene_info_render: { defaultRenderLayer: { common: { frames: '1001-1200[1]' } } },
    };
    await connector.call('upload_task_json', { taskId: id, fileName: 'task.json', content: JSON.stringify(taskJson) });
    await connector.call('submit_task', { taskId: id });
    await connector.call('update_task_limit', { taskId: id, taskLimit: 3 });
    expect(await info(id)).toMatchObject({ taskStatus: 0, totalFrames: 200, framesRange: '1001-1200[1]', startTime: null, executingFrames: 0 });
    farm.advance(5 * 60);
    const rendering = await info(id);
    expect(rendering).toMatchObject({ taskStatus: 5, executingFrames: 3 });
    expect(rendering.doneFrames as number).toBeGreaterThan(0);
    const firstFrames = await frames(id);
    expect(firstFrames.filter((frame) => frame.frameStatus === 2)).toHaveLength(3);
    expect(firstFrames[0]!.frameIndex).toBe('1001');
    farm.advance(7 * 24 * 3600);
    const done = await info(id);
    expect([25, 30]).toContain(done.taskStatus);
    expect(done).toMatchObject({ executingFrames: 0, abortFrames: 0 });
    expect((done.doneFrames as number) + (done.failedFrames as number)).toBe(200);
    expect(done.completedDate).toBeGreaterThan(rendering.startTime as number);
    expect(done.renderConsume).toBeGreaterThan(rendering.renderConsume as number);
  });
});

describe('at high speed', () => {
  let sandbox: Sandbox;
  let connector: Connector;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 5, speed: 20_000 });
    connector = new Connector(sandbox.connectorConfig(), { retryBaseMs: 5 });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  const settled = async (ids: number[]): Promise<Row[]> => {
    for (let polls = 0; polls < 400; polls++) {
      const tasks = ((await connector.call('get_task_info', { taskIds: ids })) as { items: Row[] }).items;
      if (tasks.every((task) => ![0, 5, 8].includes(task.taskStatus as number))) return tasks;
      await sleep(25);
    }
    throw new Error('tasks did not settle');
  };

  /** The error code a failed frame's render log names (`ERROR <code>: ...`). */
  const logCode = async (frameId: number): Promise<string> => {
    const log = (await connector.call('get_render_log', { id: frameId, pageNum: 1, pageSize: 500 })) as { items: string[] };
    return /^ERROR (\d+):/.exec(log.items.find((line) => line.startsWith('ERROR '))!)![1]!;
  };

  it('watches rendering tasks finish, resubmits their failed frames: causes a retry cannot fix fail again, the others render', async () => {
    const rendering = sandbox.farm.tasks().filter((task) => task.taskStatus === 5 && isSimple(task) && task.overTimeStop === null);
    const finished = await settled(rendering.map((task) => task.id as number));
    const withFailures = finished.filter((task) => task.taskStatus === 30);
    expect(withFailures.length).toBeGreaterThan(0);
    const before = new Map<number, { code: string; task: Row }>();
    for (const task of withFailures) {
      const frames = sandbox.farm.taskFrames(task.id as number).filter((frame) => frame.frameStatus === 5 || frame.frameStatus === 11);
      expect(frames.length).toBe(task.failedFrames);
      for (const frame of frames) before.set(frame.id as number, { code: await logCode(frame.id as number), task });
    }
    // What the farm's own explanations say about each code: a retry cannot fix it, or it usually does.
    const codes = [...new Set([...before.values()].map((entry) => entry.code))];
    const details = (await connector.call('get_analysis_error_detail', { codes, language: 1 })) as Row[];
    const persistent = new Set(
      details.filter((detail) => /Resubmitting without fixing this fails again/.test(String(detail.desSolutionCn))).map((detail) => detail.code),
    );
    const transient = new Set(details.filter((detail) => detail.isRepair === 0).map((detail) => detail.code));
    expect(persistent.size + transient.size).toBe(codes.length);

    await connector.call('restart_failed_frames', { taskIds: withFailures.map((task) => task.id) });
    const after = await settled(withFailures.map((task) => task.id as number));
    for (const task of after) expect([25, 30]).toContain(task.taskStatus);
    let retried = 0;
    let rendered = 0;
    for (const task of withFailures) {
      for (const frame of sandbox.farm.taskFrames(task.id as number).filter((candidate) => before.has(candidate.id as number))) {
        const { code } = before.get(frame.id as number)!;
        expect(frame.recommitFlag).toBe(1);
        expect(frame.startTime).toBeGreaterThan(task.completedDate as number);
        if (persistent.has(code)) {
          expect(frame.frameStatus, `frame ${String(frame.id)} (${code})`).toBe(5);
          expect(await logCode(frame.id as number)).toBe(code);
        } else {
          retried++;
          if (frame.frameStatus === 4) rendered++;
          else expect(transient.has(await logCode(frame.id as number))).toBe(true);
        }
      }
    }
    expect(retried).toBeGreaterThan(0);
    expect(rendered).toBeGreaterThanOrEqual(retried * 0.8);
  });
});
