import { expect } from 'vitest';
import { type Cases, expectFields, find, PAGED, type Row, type Spec } from './checks.js';

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

/** Submission, lists and details, start, stop and priorities (src/client/operations/tasks.ts). */
export const TASK_CASES = {
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
} satisfies Cases;
