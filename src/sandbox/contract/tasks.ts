/** Wire contract: task operations (see wire.ts for the citation format). */
import {
  DAYAN_KWARGS,
  DAYAN_UNDOCUMENTED,
  NEWER_THAN_CLASSIC,
  R,
  REQUIRED,
  RT,
  sdkArgumentOnly,
  composed,
  endpoint,
  int,
  ints,
  sdk,
  seed,
  str,
  strs,
  type Composed,
  type Endpoint,
  type WireParam,
} from './wire.js';

/**
 * The classic task-batch interfaces name the id list `taskParam` (seeds 002/003; the SDK docs 000/001/004 call the
 * argument `task_param_list`). Note for reconciliation: the SDK's own code, which is not among the project's
 * documents, sent `taskIds` to these classic paths from 0.4.4 to 2.2.0.
 */
const classicTaskParam = (section: string) => ({ taskParam: ints(seed('002', section), { required: true, as: 'taskIds' }) });
const taskIds = (source: string) => ({ taskIds: ints(sdk(source), REQUIRED) });

/** Task user level: "optional 50 and 60, default is 50" (seeds 000, 001, 004 "Create task ID"). */
const LEVELS = [50, 60] as const;

/** The current SDK's createTask body; every argument is "Not required" (count defaults to 1, the level to 50). */
const createTaskParams: Record<string, WireParam> = {
  count: int(sdk('§4 task.py create_task')),
  taskUserLevel: int(sdk('§4 task.py create_task'), { allowed: LEVELS }),
  outUserId: int(sdk('§4 task.py create_task')),
  labels: strs(sdk('§4 task.py create_task')),
  cloneOriginalId: int(sdk('§4 task.py create_task')),
  artist: str(sdk('§4 task.py create_task')),
};

export const TASKS = {
  create_task: endpoint({
    current: { path: `${R}/submit/createTask`, source: sdk('§2 url.py'), params: createTaskParams },
    // Seeds 002/003 give the wire names count and outUserId; seed 000 documents task_user_level and labels for the
    // same classic path as SDK arguments only.
    classic: {
      path: `${R}/task/createTask`,
      source: seed('002', 'Create task ID'),
      params: {
        count: int(seed('002', 'Create task ID')),
        outUserId: int(seed('002', 'Create task ID')),
        taskUserLevel: int(sdkArgumentOnly(seed('000', 'Create task ID'), 'task_user_level'), { allowed: LEVELS }),
        labels: strs(sdkArgumentOnly(seed('000', 'Create task ID'), 'labels')),
      },
    },
    // Seed 004 gives the classic path.
    dayan: { path: `${R}/task/createTask`, source: seed('004', '创建任务号'), namesAssumed: DAYAN_KWARGS },
  }),
  // file_name is optional, default "task.json" (seeds 001/004); the SDK allows the four names below.
  upload_task_json: endpoint({
    current: {
      path: `${R}/submit/taskJsonFile`,
      source: sdk('§2 url.py'),
      params: {
        taskId: int(sdk('§4 transmit.py upload_json_content'), REQUIRED),
        fileName: str(sdk('§4 transmit.py upload_json_content'), { allowed: ['task.json', 'upload.json', 'asset.json', 'tips.json'] }),
        content: str(sdk('§4 transmit.py upload_json_content'), REQUIRED),
      },
    },
    classic: {
      path: `${R}/task/taskJsonFile`,
      source: sdk('§2 old ≤2.2.0 (task/taskJsonFile)'),
      namesAssumed: "no classic document gives its parameters; the current SDK's names are assumed",
    },
    dayan: { path: `${R}/submit/taskJsonFile`, source: seed('004', '上传任务配置文件'), namesAssumed: DAYAN_KWARGS },
  }),
  // `producer` exists only in the newer docs (001, 004). Seed 000 adds asset-isolation arguments for the classic
  // path, with no wire names and unused by the current SDK: left out.
  submit_task: endpoint({
    current: {
      path: `${R}/submit/task`,
      source: sdk('§2 url.py'),
      params: { taskId: int(sdk('§4 task.py submit_task'), REQUIRED), producer: str(sdk('§4 task.py submit_task')) },
    },
    classic: { path: `${R}/task/submitTask`, source: seed('002', 'Submit task'), params: { taskId: int(seed('002', 'Submit task'), REQUIRED) } },
    dayan: { path: '/api/rendering/task/plugin/pluginSubmitTask', source: seed('004', '提交任务'), namesAssumed: DAYAN_KWARGS },
  }),
  // Current: `code` and/or `codes` (at least one, checked by the farm), `language` 0 Chinese (default) / 1 English.
  // `codes` is a list (its name; the SDK sends one), though seed 001 types it String. Classic: `code` is mandatory.
  get_analysis_error_detail: endpoint({
    current: {
      path: `${R}/submit/queryAnalyseErrorDetail`,
      source: sdk('§2 url.py'),
      params: {
        code: str(sdk('§4 query.py error_detail')),
        codes: strs(sdk('§4 query.py error_detail')),
        language: int(sdk('§4 query.py error_detail'), { allowed: [0, 1] }),
      },
    },
    classic: {
      path: `${R}/common/queryErrorDetail`,
      source: seed('002', 'Obtain analysis error code'),
      params: {
        code: str(seed('002', 'Obtain analysis error code'), REQUIRED),
        language: int(seed('002', 'Obtain analysis error code'), { allowed: [0, 1] }),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // The SDK added /v2 in 2024; the docs keep the path without it. Paging defaults to 1/1 (seed 001); seeds 002/003
  // make both mandatory on the classic interface. recycleFlag 1 lists the recycle bin (seed 001), 0 the tasks.
  get_task_list: endpoint({
    current: {
      path: `${R}/handle/getTaskList/v2`,
      source: sdk('§2 url.py'),
      variants: [{ path: `${R}/handle/getTaskList`, source: seed('001', 'Obtain the task list') }],
      params: {
        pageNum: int(sdk('§4 query.py get_task_list')),
        pageSize: int(sdk('§4 query.py get_task_list')),
        statusList: ints(sdk('§4 query.py get_task_list')),
        searchKeyword: str(sdk('§4 query.py get_task_list')),
        startTime: str(sdk('§4 query.py get_task_list')),
        endTime: str(sdk('§4 query.py get_task_list')),
        recycleFlag: int(sdk('§4 query.py get_task_list'), { allowed: [0, 1] }),
      },
    },
    classic: {
      path: `${R}/task/getTaskList`,
      source: seed('002', 'Obtain the task list'),
      params: {
        pageNum: int(seed('002', 'Obtain the task list'), REQUIRED),
        pageSize: int(seed('002', 'Obtain the task list'), REQUIRED),
        statusList: ints(seed('002', 'Obtain the task list')),
        searchKeyword: str(sdkArgumentOnly(seed('000', 'Obtain the task list'), 'search_keyword')),
        startTime: str(sdkArgumentOnly(seed('000', 'Obtain the task list'), 'start_time')),
        endTime: str(sdkArgumentOnly(seed('000', 'Obtain the task list'), 'end_time')),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Seed 001 marks task_ids_list "N", but the call is meaningless without it (api-catalog #18): required.
  get_task_info: endpoint({
    current: {
      path: `${R}/handle/queryTaskInfo/v2`,
      source: sdk('§2 url.py'),
      variants: [{ path: `${R}/handle/queryTaskInfo`, source: seed('001', 'Obtain the task details') }],
      params: taskIds('§4 query.py task_info'),
    },
    classic: {
      path: `${R}/task/queryTaskInfo`,
      source: seed('002', 'Obtain Obtain the task details'),
      params: { taskIds: ints(seed('002', 'Obtain Obtain the task details'), REQUIRED) },
    },
    dayan: { path: `${RT}/queryTaskInfo`, source: seed('004', '获取任务详情'), namesAssumed: DAYAN_KWARGS },
  }),
  // No path in any document (seeds 001/004 leave "Interface path" empty).
  get_subtask_ids: composed(['get_task_info'], sdk('§4 query.py helpers (get_small_task_id); seed 001 "Get all subtask numbers of the task"')),
  // The SDK uses the rendering/task family; the current docs show /handle/stopTask (served too).
  stop_task: endpoint({
    current: {
      path: `${RT}/stopTask`,
      source: sdk('§2 url.py'),
      variants: [{ path: `${R}/handle/stopTask`, source: seed('001', 'Stop task') }],
      params: taskIds('§4 task.py stop_task'),
    },
    classic: { path: `${R}/task/stopTask`, source: seed('002', 'Stop task'), params: classicTaskParam('Stop task') },
    dayan: { path: `${RT}/stopTask`, source: seed('004', '停止任务'), namesAssumed: DAYAN_KWARGS },
  }),
  start_task: endpoint({
    current: {
      path: `${RT}/startTask`,
      source: sdk('§2 url.py'),
      variants: [{ path: `${R}/handle/startTask`, source: seed('001', 'Start task') }],
      params: taskIds('§4 task.py start_task'),
    },
    classic: { path: `${R}/task/startTask`, source: seed('002', 'Start task'), params: classicTaskParam('Start task') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Classic calls it abortTask; it is the "abandon" operation (status 35), not a stop.
  abandon_task: endpoint({
    current: { path: `${R}/handle/abandonTask`, source: sdk('§2 url.py'), params: taskIds('§4 task.py abort_task') },
    classic: { path: `${R}/task/abortTask`, source: seed('002', 'Abandon task'), params: classicTaskParam('Abandon task') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  delete_task: endpoint({
    current: { path: `${R}/handle/deleteTask`, source: sdk('§2 url.py'), params: taskIds('§4 task.py delete_task') },
    classic: { path: `${R}/task/deleteTask`, source: seed('002', 'Delete task'), params: classicTaskParam('Delete task') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // overTime in seconds; both required (seeds 001, 002).
  set_task_overtime_stop: endpoint({
    current: {
      path: `${R}/handle/setTaskOverTimeStop`,
      source: sdk('§2 url.py'),
      params: { ...taskIds('§4 task.py set_task_overtime_top'), overTime: int(sdk('§4 task.py set_task_overtime_top'), REQUIRED) },
    },
    classic: {
      path: `${R}/task/setOverTimeStop`,
      source: seed('002', 'Task Setting Of Over Time Stop'),
      params: {
        taskIds: ints(seed('002', 'Task Setting Of Over Time Stop'), REQUIRED),
        overTime: int(seed('002', 'Task Setting Of Over Time Stop'), REQUIRED),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  full_speed_render: endpoint({
    current: { path: `${R}/handle/fullSpeedRendering`, source: sdk('§2 url.py'), params: taskIds('§4 task.py full_speed') },
    classic: {
      path: `${R}/task/fullSpeed`,
      source: seed('000', 'Full Speed Render'),
      params: { taskIds: ints(sdkArgumentOnly(seed('000', 'Full Speed Render'), 'task_id_list'), REQUIRED) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // In no seed; the SDK signature has no defaults. The old SDK used the same path (sdk-reference §2).
  update_task_priority: endpoint({
    current: {
      path: `${RT}/updateTaskUserLevel`,
      source: sdk('§2 url.py'),
      params: { taskId: int(sdk('§4 task.py update_priority'), REQUIRED), taskUserLevel: int(sdk('§4 task.py update_priority'), REQUIRED) },
    },
    classic: {
      path: `${RT}/updateTaskUserLevel`,
      source: sdk('§2 old ≤2.2.0'),
      namesAssumed: "sdk-reference gives the old path but not its parameters; the current SDK's names are assumed",
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // SDK 3.0.4 (2025); in no seed.
  update_task_limit: endpoint({
    current: {
      path: `${R}/handle/updateTaskLimit`,
      source: sdk('§2 url.py (2025)'),
      params: { taskId: int(sdk('§4 task.py update_task_limit'), REQUIRED), taskLimit: int(sdk('§4 task.py update_task_limit'), REQUIRED) },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
} satisfies Record<string, Endpoint | Composed>;
