import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connector } from '../src/client/connector.js';
import { createFarm } from '../src/sandbox/farm/index.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/**
 * The sandbox at scale: it generates its data set only when asked, and its indexed answers (task-list pages by
 * status, keyword and time window, frame stats) are exactly what a filter over every task gives, also after the
 * farm changed. No timing here: the cost per request is measured by bench/sandbox-farm.ts.
 */

type Row = Record<string, unknown>;
type Paged = { total: number; pageCount: number; pageNum: number; size: number; items: Row[] };
const START = Date.UTC(2026, 4, 11, 6, 0);
const CHINA = 8 * 3_600_000;
const china = (ms: number) => new Date(ms + CHINA).toISOString().slice(0, 19).replace('T', ' ');

const connectors: Connector[] = [];
const sandboxes: Sandbox[] = [];
async function start(options: Parameters<typeof startSandbox>[0]): Promise<{ sandbox: Sandbox; connector: Connector }> {
  const sandbox = await startSandbox(options);
  const connector = new Connector(sandbox.connectorConfig(), { retryBaseMs: 5 });
  sandboxes.push(sandbox);
  connectors.push(connector);
  return { sandbox, connector };
}
afterAll(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('generating the data set', () => {
  it('waits for the first request that needs tasks, and gives the data set the farm had when it started', async () => {
    const { sandbox, connector } = await start({ seed: 9, speed: 0, startTime: START });
    expect(sandbox.farm.generated).toBe(false);
    await connector.call('get_user_settings');
    await connector.call('list_platforms', { zone: 2 });
    await connector.call('get_supported_software');
    // A project made before the tasks exist does not leak into their history.
    await connector.call('add_project_label', { newName: 'made_before_the_tasks', status: 0 });
    expect(sandbox.farm.generated).toBe(false);
    const page = (await connector.call('get_task_list', { pageNum: 1, pageSize: 1000 })) as Paged;
    expect(sandbox.farm.generated).toBe(true);
    const eager = createFarm({ seed: 9, speed: 0, startTime: START });
    expect(page.items).toEqual(eager.tasks());
    expect(page.items.some((task) => task.projectName === 'made_before_the_tasks')).toBe(false);
  });
});

describe('indexed answers equal a filter over every task', () => {
  let sandbox: Sandbox;
  let connector: Connector;
  beforeAll(async () => ({ sandbox, connector } = await start({ seed: 12, speed: 0, startTime: START, taskCount: 3000 })));

  const list = async (args: Row) => (await connector.call('get_task_list', { pageSize: 50, pageNum: 1, ...args })) as Paged;

  /** The platform's documented filter, written out: status list, keyword on scene, id and alias (layers too), window. */
  function expected(args: { statusList?: number[]; searchKeyword?: string; startTime?: string; endTime?: string; recycleFlag?: number }): number[] {
    const keyword = args.searchKeyword?.trim().toLowerCase() ?? '';
    const from = args.startTime ? Date.parse(`${args.startTime.replace(' ', 'T')}+08:00`) : undefined;
    const to = args.endTime ? Date.parse(`${args.endTime.replace(' ', 'T')}+08:00`) : undefined;
    const matches = (id: unknown, scene = '') => String(id).includes(keyword) || `2w${String(id)}`.includes(keyword) || scene.toLowerCase().includes(keyword);
    return sandbox.farm
      .tasks({ deleted: args.recycleFlag === 1 })
      .filter(
        (task) =>
          (!args.statusList?.length || args.statusList.includes(task.taskStatus as number)) &&
          (from === undefined || (task.submitDate as number) >= from) &&
          (to === undefined || (task.submitDate as number) <= to) &&
          (!keyword || matches(task.id, task.sceneName as string) || ((task.respRenderingTaskList as Row[] | null) ?? []).some((child) => matches(child.id))),
      )
      .map((task) => task.id as number);
  }

  async function expectSame(args: Row, pageSize = 50): Promise<void> {
    const ids = expected(args);
    const pages = [
      1,
      2,
      Math.max(1, Math.ceil(ids.length / pageSize / 2)),
      Math.max(1, Math.ceil(ids.length / pageSize)),
      Math.ceil(ids.length / pageSize) + 1,
    ];
    for (const pageNum of new Set(pages)) {
      const page = await list({ ...args, pageNum, pageSize });
      expect(page.total, JSON.stringify(args)).toBe(ids.length);
      expect(page.pageCount).toBe(Math.ceil(ids.length / pageSize));
      expect(
        page.items.map((task) => task.id),
        `${JSON.stringify(args)} page ${pageNum}`,
      ).toEqual(ids.slice((pageNum - 1) * pageSize, pageNum * pageSize));
    }
  }

  const queries = (): Row[] => {
    const tasks = sandbox.farm.tasks();
    const layered = tasks.find((task) => ((task.respRenderingTaskList as Row[] | null) ?? []).length > 1)!;
    const newest = tasks[0]!.submitDate as number;
    const idText = String(tasks[100]!.id);
    return [
      {},
      { statusList: [25] },
      { statusList: [30, 45, 5] },
      { statusList: [0, 5, 8, 10, 15, 20, 23, 30, 40, 45, 70] },
      { statusList: [20] },
      { statusList: [999] },
      { startTime: china(newest - 3 * 86_400_000) },
      { endTime: china(newest - 20 * 86_400_000) },
      { startTime: china(newest - 10 * 86_400_000), endTime: china(newest - 2 * 86_400_000), statusList: [25, 30] },
      { searchKeyword: 'SHOT' },
      { searchKeyword: ' living ' },
      { searchKeyword: idText },
      { searchKeyword: `2W${idText}` },
      { searchKeyword: `2w${idText.slice(0, 5)}` },
      { searchKeyword: idText.slice(2, 6) },
      { searchKeyword: String((layered.respRenderingTaskList as Row[])[1]!.id) },
      { searchKeyword: 'w' },
      { searchKeyword: 'zzz_nothing' },
      { searchKeyword: 'hip', statusList: [25], startTime: china(newest - 30 * 86_400_000) },
    ];
  };

  it('for status lists, time windows, keywords and every kind of page', async () => {
    for (const args of queries()) await expectSame(args);
    await expectSame({}, 100);
    await expectSame({ statusList: [25, 30] }, 7);
  });

  it('and stays so while tasks render, stop, start, get deleted and get submitted', async () => {
    const tasks = sandbox.farm.tasks();
    const rendering = tasks
      .filter((task) => task.taskStatus === 5)
      .slice(0, 3)
      .map((task) => task.id);
    const finished = tasks
      .filter((task) => task.taskStatus === 25)
      .slice(0, 2)
      .map((task) => task.id);
    await connector.call('stop_task', { taskIds: rendering.slice(0, 2) });
    await connector.call('start_task', { taskIds: rendering.slice(1, 2) });
    await connector.call('delete_task', { taskIds: [...finished, rendering[2]] });
    const { taskIdList } = (await connector.call('create_task', { count: 2, taskUserLevel: 50 })) as { taskIdList: number[] };
    await connector.call('upload_task_json', {
      taskId: taskIdList[1],
      fileName: 'task.json',
      content: '{"task_info": {"cg_id": "2007", "input_cg_file": "D:/a/brand_new_scene.blend"}}',
    });
    await connector.call('submit_task', { taskId: taskIdList[1] });
    sandbox.farm.advance(6 * 3600);
    for (const args of [
      ...queries(),
      { searchKeyword: 'brand_new' },
      { recycleFlag: 1 },
      { recycleFlag: 1, statusList: [10] },
      { recycleFlag: 1, searchKeyword: String(finished[0]) },
    ])
      await expectSame(args);
    expect(expected({ recycleFlag: 1 }).sort()).toEqual([...finished, rendering[2]].sort());
    expect(expected({ searchKeyword: 'brand_new' })).toEqual([taskIdList[1]]);
  });

  it('frame stats are the sum of the counters of every task not in the recycle bin', async () => {
    const sum = () => {
      const totals = { executingFramesTotal: 0, doneFramesTotal: 0, failedFramesTotal: 0, waitingFramesTotal: 0, abandonFramesTotal: 0, totalFrames: 0 };
      for (const task of sandbox.farm.tasks()) {
        for (const leaf of (task.respRenderingTaskList as Row[] | null) ?? [task]) {
          totals.executingFramesTotal += (leaf.executingFrames as number | null) ?? 0;
          totals.doneFramesTotal += (leaf.doneFrames as number | null) ?? 0;
          totals.failedFramesTotal += (leaf.failedFrames as number | null) ?? 0;
          totals.waitingFramesTotal +=
            (leaf.totalFrames as number) -
            ((leaf.executingFrames as number | null) ?? 0) -
            ((leaf.doneFrames as number | null) ?? 0) -
            ((leaf.failedFrames as number | null) ?? 0) -
            ((leaf.abortFrames as number | null) ?? 0);
          totals.abandonFramesTotal += (leaf.abortFrames as number | null) ?? 0;
          totals.totalFrames += leaf.totalFrames as number;
        }
      }
      return totals;
    };
    expect(await connector.call('get_frame_stats')).toEqual(sum());
    const withFailures = sandbox.farm
      .tasks()
      .filter((task) => task.taskStatus === 30)
      .slice(0, 3)
      .map((task) => task.id);
    await connector.call('restart_failed_frames', { taskIds: withFailures });
    await connector.call('delete_task', { taskIds: [sandbox.farm.tasks().find((task) => task.taskStatus === 5)!.id] });
    sandbox.farm.advance(1800);
    expect(await connector.call('get_frame_stats')).toEqual(sum());
  });
});

describe('a request touches only what it answers', () => {
  it('on a 10,000-task farm, pages, filters, task info and frame stats build the frames of no task they do not show', async () => {
    const { sandbox, connector } = await start({ seed: 3, speed: 0, startTime: START, taskCount: 10_000 });
    const built = () => [...sandbox.farm.store.all()].filter((task) => task.frames !== undefined).length;
    const first = (await connector.call('get_task_list', { pageNum: 1, pageSize: 100 })) as Paged;
    expect(first.total).toBe(10_000);
    await connector.call('get_task_list', { pageNum: 50, pageSize: 100, statusList: [25, 30] });
    await connector.call('get_task_list', { pageNum: 1, pageSize: 100, searchKeyword: 'shot' });
    await connector.call('get_task_info', { taskIds: first.items.slice(0, 10).map((task) => task.id) });
    await connector.call('get_frame_stats');
    expect(built()).toBe(0);
    const asked = first.items.find((task) => (task.totalFrames as number) > 0 && task.respRenderingTaskList === null)!.id as number;
    await connector.call('get_task_frames', { taskId: asked, pageNum: 1, pageSize: 10 });
    expect(built()).toBe(1);
    // A minute later, only live tasks that changed in that minute (a frame ended, their turn in the queue came) have
    // built frames: not the finished or stopped ones, which are most of the farm.
    const live = new Set([...sandbox.farm.store.all()].filter((task) => task.children.length === 0 && [0, 5, 8].includes(task.status)).map((task) => task.id));
    sandbox.farm.advance(60);
    await connector.call('get_frame_stats');
    const moved = [...sandbox.farm.store.all()].filter((task) => task.frames !== undefined && task.id !== asked);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.filter((task) => !live.has(task.id))).toEqual([]);
    expect(sandbox.farm.store.size - moved.length).toBeGreaterThan(10_000);
  });
});
