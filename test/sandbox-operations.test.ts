import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Connector } from '../src/client/connector.js';
import { OPERATION_IDS, SCHEMES, type Scheme } from '../src/client/operations.js';
import { signRequest } from '../src/client/sign.js';
import { DIALECTS, endpointOf, type EndpointId } from '../src/sandbox/contract/index.js';
import type { Farm } from '../src/sandbox/farm/index.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { KNOWN_DISAGREEMENTS } from './helpers/wire-disagreements.js';

/**
 * Every operation with an endpoint, on every scheme, through the real connector over loopback HTTP, with realistic
 * arguments taken from the data set: the connector must reach the path the wire contract documents for the scheme
 * (src/sandbox/contract/, transcribed from the documents, not from the client's catalog). Then one raw signed
 * request per operation, built from the contract alone, to check the envelope.
 */

type Row = Record<string, unknown>;
type Kind = 'number' | 'string' | 'boolean' | 'object' | 'array';
/** A field's type; a trailing `?` allows null. */
type Spec = Record<string, `${Kind}` | `${Kind}?`>;

function expectFields(record: unknown, spec: Spec, where = 'record'): void {
  expect(record, where).toBeTypeOf('object');
  for (const [key, type] of Object.entries(spec)) {
    const value = (record as Row)[key];
    expect(Object.hasOwn(record as Row, key), `${where}.${key} is present`).toBe(true);
    const nullable = type.endsWith('?');
    const kind = type.replace('?', '');
    if (value === null) {
      expect(nullable, `${where}.${key} may not be null`).toBe(true);
      continue;
    }
    const actual = Array.isArray(value) ? 'array' : typeof value;
    expect(actual, `${where}.${key}`).toBe(kind);
  }
}

const PAGED: Spec = { pageCount: 'number', pageNum: 'number', total: 'number', size: 'number', items: 'array' };
const TASK: Spec = {
  sceneName: 'string',
  id: 'number',
  taskAlias: 'string',
  taskStatus: 'number',
  statusText: 'string',
  preTaskStatus: 'number?',
  preStatusText: 'string?',
  totalFrames: 'number',
  abortFrames: 'number?',
  executingFrames: 'number?',
  doneFrames: 'number?',
  failedFrames: 'number',
  framesRange: 'string',
  projectName: 'string',
  renderConsume: 'number?',
  taskArrears: 'number',
  submitDate: 'number',
  startTime: 'number?',
  completedDate: 'number?',
  renderDuration: 'number?',
  userName: 'string',
  producer: 'string?',
  taskLevel: 'number',
  taskUserLevel: 'number',
  taskLimit: 'number?',
  taskOverTime: 'number',
  overTimeStop: 'number?',
  userId: 'number',
  outputFileName: 'string?',
  munuTaskId: 'string',
  layerParentId: 'number',
  cgId: 'number',
  taskKeyValueVo: 'object',
  userAccountConsume: 'number?',
  couponConsume: 'number?',
  isOpen: 'number',
  taskType: 'string',
  renderCamera: 'string',
  cloneParentId: 'number',
  cloneOriginalId: 'number',
  shareMainCapital: 'number',
  taskRam: 'number',
  respRenderingTaskList: 'array?',
  layerName: 'string?',
  taskTypeText: 'string?',
  isDelete: 'number',
  labels: 'string',
};
const FRAME: Spec = {
  id: 'number',
  userId: 'number?',
  framePrice: 'number?',
  feeType: 'number?',
  platform: 'number?',
  frameIndex: 'string',
  frameBlock: 'string',
  frameStatus: 'number',
  feeAmount: 'number?',
  couponFee: 'number?',
  startTime: 'number',
  endTime: 'number',
  frameExecuteTime: 'number',
  frameStatusText: 'string',
  arrearsFee: 'number?',
  taskId: 'number',
  frameType: 'number',
  recommitFlag: 'number',
  taskOverTime: 'number',
  gopName: 'string?',
  frameRam: 'number?',
  munuTaskId: 'string',
  nodeId: 'string',
};
const PROJECTS: Spec = { projectNameList: 'array' };
const ENV: Spec = {
  cgId: 'number',
  editName: 'string',
  cgName: 'string',
  cgVersion: 'string',
  osName: 'number',
  renderLayerType: 'number',
  isDefault: 'number',
  respUserPluginInfoVos: 'array',
};

function expectTask(task: unknown, where = 'task'): void {
  expectFields(task, TASK, where);
  const record = task as Row;
  expect(record.taskAlias).toBe(`2W${String(record.id)}`);
  expect(record.statusText).toBe(`render_task_status_${String(record.taskStatus)}`);
  for (const child of (record.respRenderingTaskList as Row[] | null) ?? []) {
    expectTask(child, `${where}.child`);
    expect(child.layerParentId).toBe(record.id);
  }
}

/** Data-set lookups the cases pick realistic ids with. */
const find = {
  task: (farm: Farm, test: (task: Row) => boolean): Row => {
    const task = farm.tasks().find(test);
    if (!task) throw new Error('the data set has no such task');
    return task;
  },
  simple: (farm: Farm, status: number): Row =>
    find.task(farm, (task) => task.taskStatus === status && task.respRenderingTaskList === null && (task.totalFrames as number) > 0),
  frame: (farm: Farm, taskId: number, status: number): Row => {
    const frame = farm.taskFrames(taskId).find((candidate) => candidate.frameStatus === status);
    if (!frame) throw new Error(`task ${taskId} has no frame in status ${status}`);
    return frame;
  },
  env: (farm: Farm, test: (env: Row) => boolean): Row => farm.envs.list({}).find(test)!,
};

interface Case {
  args: Row;
  check: (data: unknown) => void;
}

/**
 * A realistic call of each operation (arguments under their current wire names), and what its answer must look like.
 * Writes pick targets the state allows. Total over the contract's endpoints: a missing case does not compile.
 */
const CASES: Record<EndpointId, (farm: Farm, scheme: Scheme) => Case> = {
  list_platforms: () => ({
    args: { zone: 2 },
    check: (data) => {
      expect(Array.isArray(data)).toBe(true);
      for (const platform of data as Row[])
        expectFields(platform, { platform: 'number', name: 'string', type: 'number', status: 'number', taskPrefix: 'string', isShow: 'number' });
    },
  }),
  get_user_profile: () => ({
    args: {},
    check: (data) =>
      expectFields(data, {
        userId: 'number',
        userName: 'string',
        platform: 'number',
        zone: 'number',
        rmbbalance: 'number',
        coupon: 'number',
        cpuPrice: 'number',
        pictureLever: 'string?',
        studentEndTime: 'number?',
      }),
  }),
  get_user_settings: () => ({
    args: {},
    check: (data) =>
      expectFields(data, {
        infoStatus: 'number?',
        singleNodeRenderFrames: 'string',
        maxIgnoreMapFlag: 'string',
        autoCommit: 'string',
        downloadDisable: 'number',
        taskOverTime: 'number',
        taskOverTimeSec: 'number',
      }),
  }),
  update_user_settings: () => ({ args: { taskOverTimeSec: 7200 }, check: (data) => expect(data).toBeNull() }),
  get_transfer_bid: () => ({
    args: {},
    check: (data) =>
      expectFields(data, { config_bid: 'string', input_bid: 'string', output_bid: 'string', parent_input_bid: 'string', sub_user_output_bids: 'array' }),
  }),
  get_transfer_config: () => ({
    args: {},
    check: (data) => {
      expectFields(data, {
        inputBid: 'string',
        outputBid: 'string',
        configBid: 'string',
        parentInputBid: 'string?',
        resqEngines: 'array',
        subUserOutputBids: 'array',
      });
      const engines = (data as Row).resqEngines as Row[];
      for (const engine of engines)
        expectFields(engine, {
          engineName: 'string',
          checkServer: 'string',
          checkPort: 'string',
          checkEnable: 'string',
          automaticCheck: 'number',
          isDefault: 'number',
          resqEngineAccounts: 'array?',
          respTaskEngineLines: 'array',
        });
      const accounts = engines.flatMap((engine) => (engine.resqEngineAccounts as Row[] | null) ?? []);
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) expectFields(account, { bid: 'string', name: 'string', password: 'string' });
    },
  }),
  get_transfer_server_info: () => ({
    args: { zone: 1 },
    check: (data) => {
      expectFields(data, { clientVersion: 'string', protocolVersion: 'string', raysyncTransfer: 'object' });
      expectFields((data as Row).raysyncTransfer, {
        serverIp: 'string',
        serverPort: 'number',
        proxyIp: 'string',
        proxyPort: 'number',
        sslPort: 'number',
        port: 'number',
      });
    },
  }),
  get_raysync_user_key: () => ({
    args: {},
    check: (data) =>
      expectFields(data, {
        channel: 'number',
        platform: 'number',
        signature: 'string',
        userKey: 'string',
        id: 'number',
        userName: 'string',
        loginTime: 'number',
        raySyncUserKey: 'string',
      }),
  }),
  list_output_files: (farm) => {
    const task = find.simple(farm, 25);
    return {
      args: { treePath: '/', taskId: task.id },
      check: (data) => {
        expect(data).toEqual([
          expect.objectContaining({
            fileName: task.outputFileName,
            filePath: `/${String(task.outputFileName)}`,
            directory: true,
            fileSize: null,
            fileType: null,
          }),
        ]);
        expectFields((data as Row[])[0], {
          fileName: 'string',
          fileSize: 'number?',
          iconPath: 'string?',
          lastModify: 'string',
          fileType: 'string?',
          filePath: 'string',
          directory: 'boolean',
          isArrears: 'number',
        });
      },
    };
  },
  list_hardware_configs: (farm) => {
    const task = find.simple(farm, 25);
    return {
      args: { cloneTask: 'false', taskIds: [String(task.id)] },
      check: (data) => {
        for (const config of data as Row[])
          expectFields(config, {
            id: 'number',
            type: 'number',
            model: 'string',
            gpuNum: 'string?',
            ram: 'string',
            platform: 'number',
            current: 'boolean',
            notSupportCgId: 'array',
            status: 'number',
          });
        expect((data as Row[]).filter((config) => config.current)).toHaveLength(1);
      },
    };
  },
  list_pack_nodes: () => ({
    args: {},
    check: (data) =>
      expect(data).toEqual([
        { packNodeId: 809, packName: 'plan1' },
        { packNodeId: 811, packName: 'plan2' },
      ]),
  }),
  edit_task_hardware_config: (farm) => {
    const task = find.simple(farm, 10);
    return {
      args: { taskIds: [String(task.id)], hardwareConfigId: ['339'], model: '2080Ti', gpuNum: '', ram: '64GB' },
      check: (data) => {
        expect(data).toBeNull();
        const configs = farm.call('list_hardware_configs', { taskIds: [String(task.id)] }) as Row[];
        expect(configs.find((config) => config.current)?.id).toBe(339);
      },
    };
  },
  get_task_operation_log: () => ({
    args: { platform: 2, pageNum: 1, pageSize: 5, startDate: '', endDate: '' },
    check: (data) => {
      expectFields(data, PAGED);
      for (const item of (data as Row).items as Row[]) {
        expectFields(item, {
          userName: 'string',
          taskType: 'string',
          buttonName: 'string',
          taskIds: 'string',
          channel: 'string',
          createTime: 'string',
          details: 'string',
          operateSource: 'number',
          requestURI: 'string',
          requestParam: 'string',
        });
        expect(item.createTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
    },
  }),
  // The dates are required (seed 001); the SDK sends them as "" when not given.
  get_login_log: () => ({
    args: { pageNum: 1, pageSize: 5, startDate: '', endDate: '' },
    check: (data) => {
      expectFields(data, PAGED);
      expect(((data as Row).items as Row[]).length).toBe(5);
      for (const item of (data as Row).items as Row[])
        expectFields(item, {
          id: 'number',
          userId: 'number',
          userName: 'string',
          userUa: 'string',
          traceId: 'string',
          loginType: 'string',
          loginStaDesc: 'string',
          loginTime: 'number',
          loginIp: 'string',
        });
    },
  }),
  get_render_log: (farm) => {
    const task = find.simple(farm, 30);
    const frame = find.frame(farm, task.id as number, 5);
    return {
      args: { renderingType: 'render', pageNum: 1, pageSize: 200, id: frame.id },
      check: (data) => {
        expectFields(data, PAGED);
        const lines = (data as Row).items as string[];
        expect(lines.every((line) => typeof line === 'string')).toBe(true);
        expect(lines.some((line) => /^ERROR \d+: \S/.test(line))).toBe(true);
      },
    };
  },
  create_task: () => ({
    args: { count: 2, taskUserLevel: 50, labels: ['wip'], artist: 'Li Wei' },
    check: (data) => {
      expectFields(data, { aliasTaskIdList: 'array', taskIdList: 'array', userId: 'number' });
      const { taskIdList, aliasTaskIdList } = data as { taskIdList: number[]; aliasTaskIdList: string[] };
      expect(taskIdList).toHaveLength(2);
      expect(aliasTaskIdList).toEqual(taskIdList.map((id) => `2W${id}`));
    },
  }),
  upload_task_json: (farm) => {
    const [id] = (farm.call('create_task', { count: 1, taskUserLevel: 50 }) as { taskIdList: number[] }).taskIdList;
    return {
      args: { taskId: id, fileName: 'task.json', content: JSON.stringify({ task_info: { cg_id: '2000', input_cg_file: 'D:/p/shot.mb' } }) },
      check: (data) => expect(data).toBeNull(),
    };
  },
  // The classic interface has no producer (a known disagreement: the catalog sends it there anyway).
  submit_task: (farm, scheme) => {
    const [id] = (farm.call('create_task', { count: 1, taskUserLevel: 50 }) as { taskIdList: number[] }).taskIdList;
    farm.call('upload_task_json', {
      taskId: id,
      fileName: 'task.json',
      content: JSON.stringify({ task_info: { cg_id: '2007', input_cg_file: 'C:/p/robot.blend' }, scene_info_render: { common: { frames: '1-24[1]' } } }),
    });
    return {
      args: { taskId: id, producer: 'Li Wei' },
      check: (data) => {
        expect(data).toBeNull();
        expect(farm.taskInfo(id!)).toMatchObject({ taskStatus: 0, totalFrames: 24, sceneName: 'robot.blend', cgId: 2007 });
        if (scheme !== 'classic') expect(farm.taskInfo(id!)?.producer).toBe('Li Wei');
      },
    };
  },
  // The classic interface knows `code` only.
  get_analysis_error_detail: (_farm, scheme) => ({
    args: { code: '15000', codes: ['50001'], language: 1 },
    check: (data) => {
      const items = data as Row[];
      expect(items.map((item) => item.code).sort()).toEqual(scheme === 'classic' ? ['15000'] : ['15000', '50001']);
      for (const item of items)
        expectFields(item, {
          id: 'number',
          code: 'string',
          type: 'number',
          languageFlag: 'number',
          desDescriptionCn: 'string',
          desSolutionCn: 'string',
          solutionPath: 'string',
          isRepair: 'number',
          isOpen: 'number',
          updateTime: 'number',
        });
      expect(items.find((item) => item.code === '15000')?.desDescriptionCn).toBe('3ds Max hangs or fails to start');
    },
  }),
  get_task_list: () => ({
    args: { pageNum: 2, pageSize: 10, statusList: [25, 30] },
    check: (data) => {
      expectFields(data, PAGED);
      const page = data as Row;
      expect(page.pageNum).toBe(2);
      expect((page.items as Row[]).length).toBe(10);
      for (const task of page.items as Row[]) {
        expectTask(task);
        expect([25, 30]).toContain(task.taskStatus);
      }
    },
  }),
  get_task_info: (farm) => {
    const parent = find.task(farm, (task) => task.respRenderingTaskList !== null && task.cgId === 2001);
    return {
      args: { taskIds: [parent.id] },
      check: (data) => {
        expectFields(data, PAGED);
        const [task] = (data as Row).items as Row[];
        expectTask(task);
        expect(task!.id).toBe(parent.id);
        expect((task!.respRenderingTaskList as Row[]).map((child) => child.taskType)).toEqual(['RenderPhoton', 'Render']);
      },
    };
  },
  stop_task: (farm) => {
    const task = find.simple(farm, 5);
    return { args: { taskIds: [task.id] }, check: () => expect(farm.taskInfo(task.id as number)?.taskStatus).toBe(10) };
  },
  start_task: (farm) => {
    const task = find.simple(farm, 10);
    return { args: { taskIds: [task.id] }, check: () => expect(farm.taskInfo(task.id as number)?.taskStatus).toBe(0) };
  },
  abandon_task: (farm) => {
    const task = find.simple(farm, 0);
    return { args: { taskIds: [task.id] }, check: () => expect(farm.taskInfo(task.id as number)?.taskStatus).toBe(35) };
  },
  delete_task: (farm) => {
    const task = find.simple(farm, 25);
    return { args: { taskIds: [task.id] }, check: () => expect(farm.taskInfo(task.id as number)?.isDelete).toBe(0) };
  },
  set_task_overtime_stop: (farm) => {
    const task = find.simple(farm, 5);
    return {
      args: { taskIds: [task.id], overTime: 86_400 },
      check: (data) => {
        expect(data).toBe('SUCCESS');
        expect(farm.taskInfo(task.id as number)?.overTimeStop).toBe(86_400);
      },
    };
  },
  full_speed_render: (farm) => {
    const task = find.simple(farm, 5);
    return { args: { taskIds: [task.id] }, check: (data) => expect(data).toBe('成功') };
  },
  update_task_priority: (farm) => {
    const task = find.simple(farm, 0);
    return { args: { taskId: task.id, taskUserLevel: 60 }, check: () => expect(farm.taskInfo(task.id as number)?.taskUserLevel).toBe(60) };
  },
  update_task_limit: (farm) => {
    const task = find.simple(farm, 0);
    return { args: { taskId: task.id, taskLimit: 7 }, check: () => expect(farm.taskInfo(task.id as number)?.taskLimit).toBe(7) };
  },
  get_task_frames: (farm) => {
    const task = find.simple(farm, 30);
    return {
      args: { taskId: task.id, pageNum: 1, pageSize: 3 },
      check: (data) => {
        expectFields(data, PAGED);
        expect((data as Row).total).toBe(task.totalFrames);
        for (const frame of (data as Row).items as Row[]) {
          expectFields(frame, FRAME);
          expect(frame.taskId).toBe(task.id);
          expect(frame.frameStatusText).toBe(`task_frame_status_${String(frame.frameStatus)}`);
        }
      },
    };
  },
  get_frame_stats: () => ({
    args: {},
    check: (data) => {
      expectFields(data, {
        executingFramesTotal: 'number',
        doneFramesTotal: 'number',
        failedFramesTotal: 'number',
        waitingFramesTotal: 'number',
        abandonFramesTotal: 'number',
        totalFrames: 'number',
      });
      const stats = data as Record<string, number>;
      expect(stats.executingFramesTotal! + stats.doneFramesTotal! + stats.failedFramesTotal! + stats.waitingFramesTotal! + stats.abandonFramesTotal!).toBe(
        stats.totalFrames,
      );
    },
  }),
  restart_failed_frames: (farm) => {
    const task = find.task(farm, (candidate) => candidate.taskStatus === 30 && candidate.respRenderingTaskList === null && candidate.failedFrames !== 0);
    return {
      args: { taskIds: [task.id], status: [5] },
      check: () => expect(farm.taskInfo(task.id as number)).toMatchObject({ taskStatus: 0, failedFrames: 0 }),
    };
  },
  restart_frames: (farm) => {
    const task = find.simple(farm, 25);
    const frame = find.frame(farm, task.id as number, 4);
    return {
      args: { taskId: task.id, selectAll: 0, ids: [frame.id] },
      check: () => expect(farm.taskFrames(task.id as number).find((f) => f.id === frame.id)).toMatchObject({ frameStatus: 1, recommitFlag: 1 }),
    };
  },
  stop_task_frames: (farm) => {
    const task = find.task(
      farm,
      (candidate) => candidate.taskStatus === 5 && candidate.respRenderingTaskList === null && (candidate.waitingCount as number) > 0,
    );
    const frame = find.frame(farm, task.id as number, 1);
    return {
      args: { taskId: task.id, selectAll: 0, ids: [frame.id] },
      check: () => expect(farm.taskFrames(task.id as number).find((f) => f.id === frame.id)?.frameStatus).toBe(3),
    };
  },
  get_task_progress: (farm) => {
    const task = find.task(farm, (candidate) => candidate.cgId === 2001 && candidate.respRenderingTaskList !== null && candidate.taskStatus === 25);
    return {
      args: { taskId: task.id, frameType: 5 },
      check: (data) => {
        expectFields(data, {
          width: 'number',
          height: 'number',
          block: 'number',
          isRenderPhoton: 'boolean',
          currentTaskType: 'string',
          sceneName: 'string',
          startTime: 'string?',
          grabInfo: 'array',
        });
        const blocks = ((data as Row).grabInfo as Row[][]).flat();
        expect(blocks.length).toBe((data as Row).block);
        for (const block of blocks)
          expectFields(block, {
            startTime: 'string',
            endTime: 'string',
            frameStatus: 'string',
            feeAmount: 'string',
            couponFee: 'string',
            frameIndex: 'string',
            framePercent: 'string',
            frameUsed: 'string',
            frameEst: 'string',
            grabUrl: 'string',
          });
      },
    };
  },
  get_frame_thumbnail: (farm) => {
    const task = find.simple(farm, 25);
    const frame = find.frame(farm, task.id as number, 4);
    return {
      args: { id: frame.id, frameStatus: 4 },
      check: (data) =>
        expect(data).toEqual([expect.stringMatching(new RegExp(`^small_pic\\\\.+\\\\Render_${String(frame.id)}_renderbus_\\d{4}\\[-\\]\\.jpg$`))]),
    };
  },
  add_project_label: (farm, scheme) => ({
    args: { newName: `project_${scheme}`, status: 0 },
    check: () =>
      expect((farm.call('list_project_labels') as { projectNameList: Row[] }).projectNameList.map((p) => p.projectName)).toContain(`project_${scheme}`),
  }),
  delete_project_label: (farm) => ({
    args: { delName: 'RnD_Tests' },
    check: () => expect((farm.call('list_project_labels') as { projectNameList: Row[] }).projectNameList.map((p) => p.projectName)).not.toContain('RnD_Tests'),
  }),
  list_project_labels: () => ({
    args: {},
    check: (data) => {
      expectFields(data, PROJECTS);
      for (const project of (data as Row).projectNameList as Row[]) expectFields(project, { projectId: 'number', projectName: 'string' });
    },
  }),
  list_projects: () => ({
    args: { flag: 2 },
    check: (data) => {
      expectFields(data, PROJECTS);
      expect(((data as Row).projectNameList as Row[]).map((project) => project.projectName)).toContain('intern_tests');
    },
  }),
  add_task_label: (farm) => {
    const task = find.simple(farm, 25);
    return {
      args: { label: 'needs_review', taskIds: [task.id] },
      check: () => expect(String(farm.taskInfo(task.id as number)?.labels)).toContain('needs_review'),
    };
  },
  delete_task_label: (farm) => {
    const task = find.task(farm, (candidate) => String(candidate.labels).includes('"'));
    const [labelId, labelName] = Object.entries(JSON.parse(String(task.labels)) as Record<string, string>)[0]!;
    return {
      args: { taskIds: [task.id], labelNames: [labelName], labelIds: [Number(labelId)] },
      check: () => expect(String(farm.taskInfo(task.id as number)?.labels)).not.toContain(`"${labelName}"`),
    };
  },
  get_supported_software: () => ({
    args: {},
    check: (data) => {
      expectFields(data, { isAutoCommit: 'number', renderInfoList: 'array', defaultCgId: 'number' });
      const software = (data as Row).renderInfoList as Row[];
      expect(software.map((app) => app.cgId)).toEqual([2000, 2001, 2004, 2005, 2007, 2008, 2012, 2013]);
      for (const app of software)
        expectFields(app, {
          cgId: 'number',
          cgName: 'string',
          cgType: 'string',
          iconPath: 'string',
          isNeedProjectPath: 'number',
          isNeedAnalyse: 'number',
          isSupportLinux: 'number',
        });
    },
  }),
  get_supported_plugins: () => ({
    args: { cgId: 2000, osName: 'windows' },
    check: (data) => {
      expectFields(data, { cgPlugin: 'array', cgVersion: 'array' });
      const { cgPlugin, cgVersion } = data as { cgPlugin: Row[]; cgVersion: Row[] };
      for (const version of cgVersion) expectFields(version, { id: 'number', cgId: 'number', cgName: 'string', cgVersion: 'string' });
      for (const plugin of cgPlugin) {
        expectFields(plugin, { cvId: 'number', pluginName: 'string', pluginVersions: 'array' });
        expect(cgVersion.map((version) => version.id)).toContain(plugin.cvId);
      }
    },
  }),
  add_render_env: (farm, scheme) => ({
    args: { cgId: 2000, cgName: 'Maya', cgVersion: '2022', renderLayerType: 0, editName: `env_${scheme}`, renderSystem: 1, pluginIds: [] },
    check: (data) => {
      expect(data).toEqual({ editName: `env_${scheme}` });
      expect(find.env(farm, (env) => env.editName === `env_${scheme}`)).toMatchObject({ cgId: 2000, cgVersion: '2022', osName: 1, isDefault: 0 });
    },
  }),
  update_render_env: (farm) => {
    const env = find.env(farm, (candidate) => candidate.cgId === 2004);
    return {
      args: { cgId: 2004, cgName: 'Houdini', cgVersion: '19.5', editName: env.editName, renderSystem: 0, pluginIds: [] },
      check: () => expect(find.env(farm, (candidate) => candidate.editName === env.editName)).toMatchObject({ cgVersion: '19.5', osName: 0 }),
    };
  },
  delete_render_env: (farm) => {
    const env = find.env(farm, (candidate) => candidate.cgId === 2005 && candidate.isDefault === 0);
    return { args: { editName: env.editName }, check: () => expect(find.env(farm, (candidate) => candidate.editName === env.editName)).toBeUndefined() };
  },
  set_default_render_env: (farm) => {
    const env = find.env(farm, (candidate) => candidate.cgId === 2001 && candidate.isDefault === 0);
    return {
      args: { editName: env.editName },
      check: () => {
        const max = farm.envs.list({ cgId: 2001 });
        expect(max.filter((candidate) => candidate.isDefault === 1).map((candidate) => candidate.editName)).toEqual([env.editName]);
      },
    };
  },
  // The classic interface filters by cgId only (no osName).
  get_render_env: (_farm, scheme) => ({
    args: { cgId: 2000, osName: 1 },
    check: (data) => {
      const envs = data as Row[];
      expect(envs.length).toBeGreaterThan(0);
      for (const env of envs) {
        expectFields(env, ENV);
        expect(env).toMatchObject(scheme === 'classic' ? { cgId: 2000 } : { cgId: 2000, osName: 1 });
      }
    },
  }),
};

const ENDPOINTS = OPERATION_IDS.filter((id): id is EndpointId => endpointOf(id) !== undefined);
const contractPath = (id: EndpointId, scheme: Scheme) => endpointOf(id)![scheme].path;
/** Scheme paths the catalog gets wrong today (test/helpers/wire-disagreements.ts): served, but not as documented. */
const knownPathDisagreement = (id: EndpointId, scheme: Scheme) => KNOWN_DISAGREEMENTS.some((line) => line.startsWith(`${id} ${scheme} path:`));
const START = Date.UTC(2026, 2, 2, 9, 30);

describe.each(SCHEMES)('every operation on the %s scheme, through the connector', (scheme) => {
  let sandbox: Sandbox;
  let connector: Connector;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 1, speed: 0, startTime: START });
    connector = new Connector(sandbox.connectorConfig({ scheme }), { retryBaseMs: 5 });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it.each(ENDPOINTS)('%s', async (id) => {
    const { args, check } = CASES[id](sandbox.farm, scheme);
    const data = await connector.call(id, args);
    check(data);
    const [record] = sandbox.requests.recent().slice(-1);
    expect(record).toMatchObject({ operation: id, outcome: 200 });
    // Paths several schemes share are read with the current names first, so only the path is scheme-specific.
    if (knownPathDisagreement(id, scheme)) expect(record!.path).not.toBe(contractPath(id, scheme));
    else expect(record!.path).toBe(contractPath(id, scheme));
  });
});

describe('the envelope of every operation, from raw signed requests', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 1, speed: 0, startTime: START });
  });
  afterAll(() => sandbox.close());

  it.each(ENDPOINTS)('%s', async (id) => {
    // On the current dialect the wire names are the names the cases use.
    const { args, check } = CASES[id](sandbox.farm, 'current');
    const body = args as Record<string, never>;
    const path = contractPath(id, 'current');
    const response = await postSigned(sandbox, path, body, { languageFlag: '1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const envelope = (await response.body.json()) as Row;
    expect(Object.keys(envelope)).toEqual(['version', 'result', 'message', 'code', 'data', 'serverTime', 'requestId']);
    expectFields(envelope, { version: 'string', result: 'boolean', message: 'string', code: 'number', serverTime: 'number', requestId: 'string' });
    expect(envelope).toMatchObject({ version: '2.0.0', result: true, message: 'success', code: 200 });
    expect(Math.abs((envelope.serverTime as number) - Date.now())).toBeLessThan(60_000);
    check(envelope.data);
  });

  it('answers every documented variant path too', async () => {
    const variants = ENDPOINTS.flatMap((id) => DIALECTS.flatMap((dialect) => endpointOf(id)![dialect].variants.map((variant) => ({ id, path: variant.path }))));
    expect(variants.length).toBeGreaterThan(0);
    for (const { id, path } of variants) {
      const { args } = CASES[id](sandbox.farm, 'current');
      const body = args as Record<string, never>;
      const response = await postSigned(sandbox, path, body);
      const envelope = (await response.body.json()) as Row;
      expect(envelope.code, `${id} at ${path}: ${String(envelope.message)}`).toBe(200);
    }
  });
});

/** One request signed as the SDK signs it, sent straight to the sandbox (no connector in between). */
function postSigned(sandbox: Sandbox, path: string, body: Record<string, never>, extraHeaders: Record<string, string> = {}) {
  const headers = signRequest({
    accessId: sandbox.accessId,
    accessKey: sandbox.accessKey,
    platform: '2',
    host: sandbox.domain,
    path,
    body,
    timestamp: Date.now() / 1000,
  });
  return request(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json', ...extraHeaders },
    body: JSON.stringify(body),
  });
}
