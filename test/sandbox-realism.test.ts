import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorConfig } from '../src/client/config.js';
import { Connector } from '../src/client/connector.js';
import { ApiError } from '../src/client/errors.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/** The sandbox account agrees with itself: platforms, zone, arrears and the task timeout, over HTTP. */

type Row = Record<string, unknown>;
type Paged = { total: number; items: Row[] };
const START = Date.UTC(2026, 4, 11, 6, 0);
const HOUR = 3600;

const connectors: Connector[] = [];
function connect(sandbox: Sandbox, overrides: Partial<ConnectorConfig> = {}): Connector {
  const connector = new Connector(sandbox.connectorConfig(overrides), { retryBaseMs: 5 });
  connectors.push(connector);
  return connector;
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the farm to refuse');
}

/** Every task of a list query, page by page. */
async function allTasks(connector: Connector, args: Row = {}): Promise<Row[]> {
  const tasks: Row[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = (await connector.call('get_task_list', { ...args, pageNum, pageSize: 100 })) as Paged;
    tasks.push(...page.items);
    if (page.items.length < 100) return tasks;
  }
}

let sandbox: Sandbox;
let farm: Connector;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, speed: 0, startTime: START });
  farm = connect(sandbox);
});
afterAll(async () => {
  await Promise.all(connectors.map((connector) => connector.close()));
  await sandbox.close();
});

describe('platforms', () => {
  it('lists the SDK’s default platform 4 next to the account’s own platform 2', async () => {
    const platforms = (await farm.call('list_platforms', { zone: 2 })) as Row[];
    expect(platforms.map((platform) => platform.platform)).toEqual(expect.arrayContaining([2, 4]));
    expect(platforms.find((platform) => platform.platform === 4)).toMatchObject({ type: 1, status: 1, isShow: 1 });
  });

  it('serves a request whose platform header is one of the account’s platforms', async () => {
    const onFour = (await connect(sandbox, { platform: '4' }).call('get_task_list', { pageNum: 1, pageSize: 5 })) as Paged;
    const onTwo = (await farm.call('get_task_list', { pageNum: 1, pageSize: 5 })) as Paged;
    expect(onFour.items.map((task) => task.id)).toEqual(onTwo.items.map((task) => task.id));
  });

  it('refuses an unknown or not activated platform with 403, changes nothing, and still answers list_platforms', async () => {
    const [task] = (await allTasks(farm, { statusList: [5] })).filter((candidate) => candidate.respRenderingTaskList === null);
    for (const platform of ['7', '35']) {
      const other = connect(sandbox, { platform });
      const read = await refusal(other.call('get_task_list', { pageNum: 1, pageSize: 5 }));
      expect(read.code).toBe(403);
      expect(read.platformMessage).toMatch(new RegExp(`platform ${platform} is not open to this account.*list_platforms`));
      const write = await refusal(other.call('stop_task', { taskIds: [task!.id] }));
      expect(write.code).toBe(403);
      expect(write.notApplied).toBe(true);
      expect(((await other.call('list_platforms', { zone: 2 })) as Row[]).length).toBeGreaterThan(0);
    }
    const after = ((await farm.call('get_task_info', { taskIds: [task!.id] })) as Paged).items[0]!;
    expect(after.taskStatus).toBe(5);
  });
});

describe('zone', () => {
  it('is the zone the SDK derives from the sandbox’s domain, in the profile and in list_platforms', async () => {
    // rayvision_api query.platforms: zone 1 if "renderbus" is in the domain, else 2.
    const zone = sandbox.domain.includes('renderbus') ? 1 : 2;
    const profile = (await farm.call('get_user_profile')) as Row;
    expect(profile.zone).toBe(zone);
    expect(((await farm.call('list_platforms', { zone })) as Row[]).length).toBeGreaterThan(0);
    const other = await refusal(farm.call('list_platforms', { zone: 3 - zone }));
    expect(other.code).toBe(608);
    // An overseas account is billed in USD.
    expect(profile).toMatchObject({ rmbbalance: 0, rmbCumulative: 0 });
    expect(profile.usdbalance).toBeGreaterThan(0);
  });
});

describe('arrears', () => {
  it('an account with a positive balance has no task stopped for arrears and owes nothing', async () => {
    expect(((await farm.call('get_user_profile')) as Row).usdbalance).toBeGreaterThan(0);
    expect(((await farm.call('get_task_list', { pageNum: 1, pageSize: 10, statusList: [20] })) as Paged).total).toBe(0);
    const tasks = await allTasks(farm);
    expect(tasks.length).toBe(320);
    expect(tasks.flatMap((task) => [task, ...((task.respRenderingTaskList as Row[] | null) ?? [])]).filter((task) => task.taskArrears !== 0)).toEqual([]);
    const outputs = (await farm.call('list_output_files', { treePath: '' })) as Row[];
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.every((entry) => entry.isArrears === 0)).toBe(true);
  });

  it('an account in arrears has tasks stopped for arrears, which owe what their last frames cost, and nothing rendering', async () => {
    const owing = await startSandbox({ seed: 1, speed: 0, startTime: START, balance: -80 });
    try {
      const connector = connect(owing);
      expect(((await connector.call('get_user_profile')) as Row).usdbalance).toBe(-80);
      const stopped = await allTasks(connector, { statusList: [20] });
      expect(stopped.length).toBeGreaterThan(0);
      expect(((await connector.call('get_task_list', { pageNum: 1, pageSize: 10, statusList: [0, 5, 8] })) as Paged).total).toBe(0);
      const leaves = stopped.flatMap((task) => ((task.respRenderingTaskList as Row[] | null) ?? [task]).filter((leaf) => leaf.taskStatus === 20));
      const owed = leaves.filter((leaf) => (leaf.taskArrears as number) > 0);
      expect(owed.length).toBeGreaterThan(0);
      for (const leaf of owed.slice(0, 10)) {
        const frames: Row[] = [];
        for (let pageNum = 1; frames.length < (leaf.totalFrames as number); pageNum++)
          frames.push(...((await connector.call('get_task_frames', { taskId: leaf.id, pageNum, pageSize: 100 })) as Paged).items);
        const arrears = frames.reduce((sum, frame) => sum + ((frame.arrearsFee as number | null) ?? 0), 0);
        expect(arrears).toBeCloseTo(leaf.taskArrears as number, 2);
      }
      const outputs = (await connector.call('list_output_files', { treePath: '' })) as Row[];
      expect(outputs.length).toBeGreaterThan(0);
      expect(outputs.every((entry) => entry.isArrears === 1)).toBe(true);
    } finally {
      await owing.close();
    }
  });
});

describe('the render timeout', () => {
  it('stopped every generated timed-out task exactly when it had rendered for its timeout: its own, else the account’s 12 h', async () => {
    const settings = (await farm.call('get_user_settings')) as Row;
    expect(settings.taskOverTimeSec).toBe(12 * HOUR);
    const timedOut = (await allTasks(farm, { statusList: [23] })).flatMap((task) =>
      ((task.respRenderingTaskList as Row[] | null) ?? [task]).filter((leaf) => leaf.taskStatus === 23),
    );
    expect(timedOut.length).toBeGreaterThan(0);
    for (const leaf of timedOut) {
      const rendered = ((leaf.completedDate as number) - (leaf.startTime as number)) / 1000;
      expect(rendered).toBe((leaf.overTimeStop as number | null) ?? settings.taskOverTimeSec);
      expect(rendered).toBeGreaterThanOrEqual(12 * HOUR);
    }
  });

  it('stops a task on the sandbox clock only after it rendered longer than the account’s timeout, and follows a changed timeout', async () => {
    const local = await startSandbox({ seed: 2, speed: 0, startTime: START });
    try {
      const connector = connect(local);
      const submit = async () => {
        const { taskIdList } = (await connector.call('create_task', { count: 1, taskUserLevel: 50 })) as { taskIdList: number[] };
        const id = taskIdList[0]!;
        const taskJson = { task_info: { cg_id: '2000', input_cg_file: 'D:/show/long_shot.mb' }, scene_info_render: { common: { frames: '1-3000[1]' } } };
        await connector.call('upload_task_json', { taskId: id, fileName: 'task.json', content: JSON.stringify(taskJson) });
        await connector.call('submit_task', { taskId: id });
        // One node: 3,000 frames take days, far beyond any timeout.
        await connector.call('update_task_limit', { taskId: id, taskLimit: 1 });
        return id;
      };
      const info = async (id: number) => ((await connector.call('get_task_info', { taskIds: [id] })) as Paged).items[0]!;

      const first = await submit();
      local.farm.advance(5 * 60);
      const started = await info(first);
      expect(started.taskStatus).toBe(5);
      const renderingFor = () => (local.farm.now() - (started.startTime as number)) / 1000;
      local.farm.advance(12 * HOUR - renderingFor() - 60);
      expect(await info(first)).toMatchObject({ taskStatus: 5, executingFrames: 1 });
      local.farm.advance(120);
      expect(await info(first)).toMatchObject({ taskStatus: 23, executingFrames: 0 });
      expect(((await info(first)).completedDate as number) - (started.startTime as number)).toBe(12 * HOUR * 1000);

      await connector.call('update_user_settings', { taskOverTimeSec: 2 * HOUR });
      const second = await submit();
      local.farm.advance(5 * 60);
      const secondStart = (await info(second)).startTime as number;
      local.farm.advance(2 * HOUR - (local.farm.now() - secondStart) / 1000 - 60);
      expect((await info(second)).taskStatus).toBe(5);
      local.farm.advance(120);
      expect((await info(second)).taskStatus).toBe(23);
    } finally {
      await local.close();
    }
  });

  it('leaves rendering tasks of the data set rendering after a minute, and long after (they stop by their timeout, not at once)', async () => {
    const local = await startSandbox({ seed: 3, speed: 0, startTime: START });
    try {
      const connector = connect(local);
      const rendering = (await allTasks(connector, { statusList: [5] })).map((task) => task.id);
      expect(rendering.length).toBeGreaterThan(5);
      local.farm.advance(60);
      const timedOut = async () =>
        ((await connector.call('get_task_list', { pageNum: 1, pageSize: 100, statusList: [23] })) as Paged).items.map((task) => task.id);
      expect((await timedOut()).filter((id) => rendering.includes(id))).toEqual([]);
      local.farm.advance(HOUR);
      expect((await timedOut()).filter((id) => rendering.includes(id))).toEqual([]);
    } finally {
      await local.close();
    }
  });
});
