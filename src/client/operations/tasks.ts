import { assumed, int, ints, NEWER, NOT_IN_004, R, req, RT, str, strs, taskBatch, type OperationSpec } from './spec.js';

export const TASKS = {
  // ── tasks ──────────────────────────────────────────────────────────────────
  // Seed 004 gives the classic path for dayan. count "Not required, Default 1" and task_user_level "Not required,
  // optional 50 and 60, default is 50" (seeds 000, 001, 004); the API sends both always, as the SDK does. The classic
  // path takes task_user_level and labels too: seed 000 documents them there (the SDK ≤2.2.0 sent them), seed 002
  // only count and outUserId; clone_original_id and artist came later (seed 001).
  create_task: {
    title: 'Reserve task ids',
    safety: 'write',
    path: `${R}/submit/createTask`,
    classic: `${R}/task/createTask`, // 000, 002, 003
    dayan: `${R}/task/createTask`, // 004: the classic path
    params: {
      count: int(),
      taskUserLevel: int({ allowed: [50, 60] }),
      outUserId: int(),
      labels: strs(),
      cloneOriginalId: int({ names: { classic: null } }),
      artist: str({ names: { classic: null } }),
    },
  },
  upload_task_json: {
    title: 'Upload task JSON file',
    safety: 'write',
    path: `${R}/submit/taskJsonFile`,
    classic: `${R}/task/taskJsonFile`, // sdk-reference §2 old ≤2.2.0 constants.py (no classic seed has it)
    dayan: `${R}/submit/taskJsonFile`, // 004: the current path
    // file_name "N, default task.json" (seeds 001, 004); the API sends it always, as the SDK does.
    params: {
      taskId: int(req),
      fileName: str({ allowed: ['task.json', 'upload.json', 'asset.json', 'tips.json'] }),
      content: str(req),
    },
  },
  // `producer` is documented only in seeds 001 and 004: not sent on the classic path (000, 002, 003 give taskId only).
  submit_task: {
    title: 'Submit task for rendering',
    safety: 'costly',
    path: `${R}/submit/task`,
    classic: `${R}/task/submitTask`, // 000, 002, 003
    dayan: '/api/rendering/task/plugin/pluginSubmitTask', // 004
    params: { taskId: int(req), producer: str({ names: { classic: null } }) },
  },
  // Wire: the SDK sends `language` always, and `code` (string) and/or `codes` (list of strings); classic knows `code`
  // only, "Mandatory" there (seeds 002, 003), so the API asks code by code.
  get_analysis_error_detail: {
    title: 'Explain error codes',
    safety: 'read',
    path: `${R}/submit/queryAnalyseErrorDetail`,
    classic: `${R}/common/queryErrorDetail`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { code: str({ required: ['classic'] }), codes: strs({ names: { classic: null } }), language: int({ allowed: [0, 1] }) },
  },
  // The SDK added /v2 in 2024; the docs still show the path without it (served too). pageNum and pageSize are
  // "Mandatory" on the classic interface (seeds 002, 003); the API sends them always.
  get_task_list: {
    title: 'List tasks',
    safety: 'read',
    path: `${R}/handle/getTaskList/v2`,
    classic: `${R}/task/getTaskList`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    variants: [`${R}/handle/getTaskList`],
    params: {
      pageNum: int({ required: ['classic'] }),
      pageSize: int({ required: ['classic'] }),
      statusList: ints(),
      searchKeyword: str(),
      startTime: str(),
      endTime: str(),
      recycleFlag: int({ allowed: [0, 1], names: { classic: null } }),
    },
  },
  get_task_info: {
    title: 'Get task details',
    safety: 'read',
    path: `${R}/handle/queryTaskInfo/v2`,
    classic: `${R}/task/queryTaskInfo`, // 000, 002, 003
    dayan: `${RT}/queryTaskInfo`, // 004
    variants: [`${R}/handle/queryTaskInfo`],
    params: { taskIds: ints(req) },
  },
  // SDK helper `get_small_task_id`: get_task_info, then `respRenderingTaskList[].id`.
  get_subtask_ids: {
    title: 'List child task ids',
    safety: 'read',
    composedOf: ['get_task_info'],
  },
  // The SDK uses the rendering/task family; the current docs show /handle/stopTask (served too).
  stop_task: {
    title: 'Stop tasks',
    safety: 'write',
    path: `${RT}/stopTask`,
    classic: `${R}/task/stopTask`, // 000, 002, 003
    dayan: `${RT}/stopTask`, // 004
    variants: [`${R}/handle/stopTask`],
    params: taskBatch,
  },
  start_task: {
    title: 'Start tasks',
    safety: 'costly',
    path: `${RT}/startTask`,
    classic: `${R}/task/startTask`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    variants: [`${R}/handle/startTask`],
    params: taskBatch,
  },
  // Classic calls it abortTask; it is the "abandon" operation (status 35), not a stop.
  abandon_task: {
    title: 'Abandon tasks',
    safety: 'destructive',
    path: `${R}/handle/abandonTask`,
    classic: `${R}/task/abortTask`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: taskBatch,
  },
  delete_task: {
    title: 'Delete tasks',
    safety: 'destructive',
    path: `${R}/handle/deleteTask`,
    classic: `${R}/task/deleteTask`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: taskBatch,
  },
  set_task_overtime_stop: {
    title: 'Set task timeout stop',
    safety: 'write',
    path: `${R}/handle/setTaskOverTimeStop`,
    classic: `${R}/task/setOverTimeStop`, // 000, 002
    dayan: assumed(NOT_IN_004),
    params: { taskIds: ints(req), overTime: int(req) },
  },
  // Seed 000 gives only SDK argument names for the classic path; we send the SDK's `taskIds` there too.
  full_speed_render: {
    title: 'Render at full speed',
    safety: 'costly',
    path: `${R}/handle/fullSpeedRendering`,
    classic: `${R}/task/fullSpeed`, // 000
    dayan: assumed(NOT_IN_004),
    params: { taskIds: ints(req) },
  },
  // Undocumented in the seeds; SDK `update_priority`.
  update_task_priority: {
    title: 'Change task priority',
    safety: 'write',
    path: `${RT}/updateTaskUserLevel`,
    classic: `${RT}/updateTaskUserLevel`, // SDK ≤2.2.0 constants.py (sdk-reference §2): the current path
    dayan: assumed(NOT_IN_004),
    params: { taskId: int(req), taskUserLevel: int(req) },
  },
  // Undocumented in the seeds; SDK 3.0.4 `update_task_limit`.
  update_task_limit: {
    title: 'Change task node limit',
    safety: 'write',
    path: `${R}/handle/updateTaskLimit`,
    classic: assumed(NEWER('SDK 3.0.4')),
    dayan: assumed(NOT_IN_004),
    params: { taskId: int(req), taskLimit: int(req) },
  },
} satisfies Record<string, OperationSpec>;
