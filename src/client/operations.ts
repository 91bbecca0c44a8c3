/**
 * The operation catalog: every documented interface of the render-farm API (../shared/docs/api-catalog.md §4,
 * 48 operations) plus the four the current SDK adds. Each entry becomes one MCP tool of the same name.
 *
 * Paths: `current` = the current official SDK (rayvision_api 3.0.4, sdk-reference §2); `classic` = seeds
 * 000/002/003, falling back to `current` where the classic documents have no such interface; `dayan` = seed 004
 * where it gives a path, otherwise `current`. Wire parameter names follow the current SDK (the SDK wins for the
 * wire format; the seeds describe meaning), with per-scheme names where the classic protocol differs.
 */

export const SCHEMES = ['current', 'classic', 'dayan'] as const;
export type Scheme = (typeof SCHEMES)[number];

export const TOOLSETS = ['account', 'tasks', 'frames', 'labels', 'environments', 'transfer', 'hardware', 'logs'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** read: no change; write: changes state, no cost; costly: starts or speeds up billable rendering; destructive: loses work or data. */
export type Safety = 'read' | 'write' | 'costly' | 'destructive';

export type WireType = 'int' | 'string' | 'int[]' | 'string[]';

export interface WireParam {
  type: WireType;
  /** Required in every scheme (`true`) or only in the listed ones. */
  required?: boolean | readonly Scheme[];
  /** A required string or list that may legitimately be empty (e.g. `gpuNum` on CPU platforms). */
  allowEmpty?: boolean;
  /** Allowed values; anything else is answered with 600 PARAMETER_INVALID by the farm. */
  allowed?: readonly (number | string)[];
  /** Name in another scheme, where it differs from the current name; `null` = not sent in that scheme. */
  names?: Partial<Record<Scheme, string | null>>;
}

export interface Operation {
  id: string;
  title: string;
  toolset: Toolset;
  safety: Safety;
  /** Whether a failed attempt may be sent again without risk (reads only). */
  retrySafe: boolean;
  paths: Readonly<Record<Scheme, string>>;
  /** Other paths the platform documents for the same interface (served by the sandbox as well). */
  variants: readonly string[];
  /** Wire parameters keyed by their current name. */
  params: Readonly<Record<string, WireParam>>;
  /** SDK-only helpers: built from these real operations, never from an invented endpoint. */
  composedOf?: readonly string[];
  /** The answer holds credentials that are redacted unless secrets are revealed. */
  returnsSecrets?: boolean;
}

interface OperationSpec {
  title: string;
  toolset: Toolset;
  safety: Safety;
  path?: string;
  classic?: string;
  dayan?: string;
  variants?: readonly string[];
  params?: Readonly<Record<string, WireParam>>;
  composedOf?: readonly string[];
  returnsSecrets?: boolean;
}

const R = '/api/render';
const RT = '/api/rendering/task/renderingTask';

const int = (extra: Omit<WireParam, 'type'> = {}): WireParam => ({ type: 'int', ...extra });
const str = (extra: Omit<WireParam, 'type'> = {}): WireParam => ({ type: 'string', ...extra });
const ints = (extra: Omit<WireParam, 'type'> = {}): WireParam => ({ type: 'int[]', ...extra });
const strs = (extra: Omit<WireParam, 'type'> = {}): WireParam => ({ type: 'string[]', ...extra });
const req = { required: true } as const;
const paging = { pageNum: int(req), pageSize: int(req) } as const;
/** Classic task-batch operations name the id list `taskParam` (seeds 002/003); the SDK since 2.3.0 sends `taskIds`. */
const taskBatch = { taskIds: ints({ required: true, names: { classic: 'taskParam' } }) } as const;

const SPECS = {
  // ── account ────────────────────────────────────────────────────────────────
  // zone: the SDK sends 1 when the domain contains "renderbus", else 2; seeds 002/003 require it.
  list_platforms: {
    title: 'List render platforms',
    toolset: 'account',
    safety: 'read',
    path: `${R}/common/queryPlatforms`,
    params: { zone: int({ required: true, allowed: [1, 2] }) },
  },
  // Seed 004 calls /setUp/queryUserProfile the "old path" but gives no other: dayan uses it.
  get_user_profile: {
    title: 'Get account profile',
    toolset: 'account',
    safety: 'read',
    path: `${R}/setUp/queryUserProfile`,
    classic: `${R}/user/queryUserProfile`,
    dayan: `${R}/setUp/queryUserProfile`,
  },
  get_user_settings: {
    title: 'Get account settings',
    toolset: 'account',
    safety: 'read',
    path: `${R}/setUp/queryUserSetting`,
    classic: `${R}/user/queryUserSetting`,
    dayan: '/api/rendering/user/client/queryUserSetting',
  },
  // Wire: the SDK sends `taskOverTimeSec` (seconds); classic documents `taskOverTime` with no unit, while 000 says
  // seconds: we send seconds under the classic name too.
  update_user_settings: {
    title: 'Update account task timeout',
    toolset: 'account',
    safety: 'write',
    path: `${R}/setUp/updateUserSetting`,
    classic: `${R}/user/updateUserSetting`,
    params: { taskOverTimeSec: int({ required: true, names: { classic: 'taskOverTime' } }) },
  },

  // ── transfer ───────────────────────────────────────────────────────────────
  get_transfer_bid: {
    title: 'Get transfer bucket ids',
    toolset: 'transfer',
    safety: 'read',
    path: `${R}/transfer/getBid`,
    classic: `${R}/task/getTransferBid`,
    dayan: '/api/rendering/task/plugin/getPluginTransferBid',
  },
  // No classic path exists (added in SDK 2.1.0); seed 004 uses the current path.
  get_transfer_config: {
    title: 'Get transfer configuration',
    toolset: 'transfer',
    safety: 'read',
    path: `${R}/transfer/getConfig`,
    returnsSecrets: true,
  },
  // Seed 000 writes the classic path without the leading slash (a typo). Wire: the SDK sends `zone` = 1 when the
  // domain does NOT contain "renderbus" (inverted since SDK 2.0.0); the tool follows the SDK's default.
  get_transfer_server_info: {
    title: 'Get RaySync server info',
    toolset: 'transfer',
    safety: 'read',
    path: `${R}/transfer/getServerInfo`,
    classic: `${R}/task/getTransferServerMsg`,
    params: { zone: int({ allowed: [1, 2] }) },
  },
  // The current docs keep /user/getRaySyncUserKey; the SDK moved it under /transfer.
  get_raysync_user_key: {
    title: 'Get RaySync user key',
    toolset: 'transfer',
    safety: 'read',
    path: `${R}/transfer/getRaySyncUserKey`,
    classic: `${R}/user/getRaySyncUserKey`,
    variants: [`${R}/user/getRaySyncUserKey`],
    returnsSecrets: true,
  },
  list_output_files: {
    title: 'Browse output files',
    toolset: 'transfer',
    safety: 'read',
    path: `${R}/file/operate/getOutputUserDirFile`,
    params: { treePath: str({ required: true, allowEmpty: true }), taskId: int() },
  },

  // ── hardware ───────────────────────────────────────────────────────────────
  // Wire: the SDK sends `cloneTask` as the string "false" and task ids as strings.
  list_hardware_configs: {
    title: 'List hardware configurations',
    toolset: 'hardware',
    safety: 'read',
    path: `${R}/hardwareConfig/list`,
    params: { cloneTask: str({ allowed: ['false', 'true'] }), taskIds: strs() },
  },
  // In the docs (seed 001) but not in the SDK's GitHub code.
  list_pack_nodes: {
    title: 'List reserved machine plans',
    toolset: 'hardware',
    safety: 'read',
    path: `${R}/submit/getUserPackNodeInfo`,
  },
  // Seed 001 documents string ids and a list-valued `hardwareConfigId`; not in the SDK's GitHub code.
  edit_task_hardware_config: {
    title: 'Change task hardware',
    toolset: 'hardware',
    safety: 'costly',
    path: `${R}/handle/editTaskHardwareConfig`,
    params: {
      taskIds: strs(req),
      hardwareConfigId: strs(req),
      model: str(req),
      gpuNum: str({ required: true, allowEmpty: true }),
      ram: str(req),
    },
  },

  // ── logs ───────────────────────────────────────────────────────────────────
  // Wire: a body `platform` overrides the header of that name in the signature (SDK `task_record`).
  get_task_operation_log: {
    title: 'Task operation log',
    toolset: 'logs',
    safety: 'read',
    path: `${R}/handle/operate/sdk/taskRecord`,
    params: { platform: int(req), ...paging, startDate: str(), endDate: str() },
  },
  get_login_log: {
    title: 'Login history',
    toolset: 'logs',
    safety: 'read',
    path: `${R}/handle/operate/sdk/loginRecord`,
    params: { ...paging, startDate: str(), endDate: str() },
  },
  // Added to the SDK in 2024 (zh docs only). `id` is a frame id.
  get_render_log: {
    title: 'Frame render log',
    toolset: 'logs',
    safety: 'read',
    path: `${R}/handle/showLog`,
    params: { renderingType: str(), ...paging, id: int(req) },
  },

  // ── tasks ──────────────────────────────────────────────────────────────────
  // Seed 004 gives the classic path for dayan.
  create_task: {
    title: 'Reserve task ids',
    toolset: 'tasks',
    safety: 'write',
    path: `${R}/submit/createTask`,
    classic: `${R}/task/createTask`,
    dayan: `${R}/task/createTask`,
    params: {
      count: int(req),
      taskUserLevel: int({ required: ['current', 'dayan'], names: { classic: null } }),
      outUserId: int(),
      labels: strs({ names: { classic: null } }),
      cloneOriginalId: int({ names: { classic: null } }),
      artist: str({ names: { classic: null } }),
    },
  },
  upload_task_json: {
    title: 'Upload task JSON file',
    toolset: 'tasks',
    safety: 'write',
    path: `${R}/submit/taskJsonFile`,
    params: {
      taskId: int(req),
      fileName: str({ required: true, allowed: ['task.json', 'upload.json', 'asset.json', 'tips.json'] }),
      content: str(req),
    },
  },
  submit_task: {
    title: 'Submit task for rendering',
    toolset: 'tasks',
    safety: 'costly',
    path: `${R}/submit/task`,
    classic: `${R}/task/submitTask`,
    dayan: '/api/rendering/task/plugin/pluginSubmitTask',
    params: { taskId: int(req), producer: str() },
  },
  // Wire: the SDK sends `language` always, and `code` (string) and/or `codes` (list of strings); classic knows `code`.
  get_analysis_error_detail: {
    title: 'Explain error codes',
    toolset: 'tasks',
    safety: 'read',
    path: `${R}/submit/queryAnalyseErrorDetail`,
    classic: `${R}/common/queryErrorDetail`,
    params: { code: str(), codes: strs({ names: { classic: null } }), language: int({ allowed: [0, 1] }) },
  },
  // The SDK added /v2 in 2024; the docs still show the path without it (served too).
  get_task_list: {
    title: 'List tasks',
    toolset: 'tasks',
    safety: 'read',
    path: `${R}/handle/getTaskList/v2`,
    classic: `${R}/task/getTaskList`,
    variants: [`${R}/handle/getTaskList`],
    params: {
      pageNum: int(),
      pageSize: int(),
      statusList: ints(),
      searchKeyword: str(),
      startTime: str(),
      endTime: str(),
      recycleFlag: int({ allowed: [0, 1], names: { classic: null } }),
    },
  },
  get_task_info: {
    title: 'Get task details',
    toolset: 'tasks',
    safety: 'read',
    path: `${R}/handle/queryTaskInfo/v2`,
    classic: `${R}/task/queryTaskInfo`,
    dayan: `${RT}/queryTaskInfo`,
    variants: [`${R}/handle/queryTaskInfo`],
    params: { taskIds: ints(req) },
  },
  // SDK helper `get_small_task_id`: get_task_info, then `respRenderingTaskList[].id`.
  get_subtask_ids: {
    title: 'List child task ids',
    toolset: 'tasks',
    safety: 'read',
    composedOf: ['get_task_info'],
  },
  // The SDK uses the rendering/task family; the current docs show /handle/stopTask (served too).
  stop_task: {
    title: 'Stop tasks',
    toolset: 'tasks',
    safety: 'write',
    path: `${RT}/stopTask`,
    classic: `${R}/task/stopTask`,
    dayan: `${RT}/stopTask`,
    variants: [`${R}/handle/stopTask`],
    params: taskBatch,
  },
  start_task: {
    title: 'Start tasks',
    toolset: 'tasks',
    safety: 'costly',
    path: `${RT}/startTask`,
    classic: `${R}/task/startTask`,
    variants: [`${R}/handle/startTask`],
    params: taskBatch,
  },
  // Classic calls it abortTask; it is the "abandon" operation (status 35), not a stop.
  abandon_task: {
    title: 'Abandon tasks',
    toolset: 'tasks',
    safety: 'destructive',
    path: `${R}/handle/abandonTask`,
    classic: `${R}/task/abortTask`,
    params: taskBatch,
  },
  delete_task: {
    title: 'Delete tasks',
    toolset: 'tasks',
    safety: 'destructive',
    path: `${R}/handle/deleteTask`,
    classic: `${R}/task/deleteTask`,
    params: taskBatch,
  },
  set_task_overtime_stop: {
    title: 'Set task timeout stop',
    toolset: 'tasks',
    safety: 'write',
    path: `${R}/handle/setTaskOverTimeStop`,
    classic: `${R}/task/setOverTimeStop`,
    params: { taskIds: ints(req), overTime: int(req) },
  },
  // Seed 000 gives only SDK argument names for the classic path; we send the SDK's `taskIds` there too.
  full_speed_render: {
    title: 'Render at full speed',
    toolset: 'tasks',
    safety: 'costly',
    path: `${R}/handle/fullSpeedRendering`,
    classic: `${R}/task/fullSpeed`,
    params: { taskIds: ints(req) },
  },
  // Undocumented in the seeds; SDK `update_priority`.
  update_task_priority: {
    title: 'Change task priority',
    toolset: 'tasks',
    safety: 'write',
    path: `${RT}/updateTaskUserLevel`,
    params: { taskId: int(req), taskUserLevel: int(req) },
  },
  // Undocumented in the seeds; SDK 3.0.4 `update_task_limit`.
  update_task_limit: {
    title: 'Change task node limit',
    toolset: 'tasks',
    safety: 'write',
    path: `${R}/handle/updateTaskLimit`,
    params: { taskId: int(req), taskLimit: int(req) },
  },

  // ── frames ─────────────────────────────────────────────────────────────────
  get_task_frames: {
    title: 'List task frames',
    toolset: 'frames',
    safety: 'read',
    path: `${R}/handle/queryTaskFrames`,
    classic: `${R}/task/queryTaskFrames`,
    params: { taskId: int(req), pageNum: int(), pageSize: int(), searchKeyword: str() },
  },
  // SDK helper `get_all_frames`: get_task_frames page by page until a page comes back empty.
  get_all_task_frames: {
    title: 'List all task frames',
    toolset: 'frames',
    safety: 'read',
    composedOf: ['get_task_frames'],
  },
  get_frame_stats: {
    title: 'Account frame overview',
    toolset: 'frames',
    safety: 'read',
    path: `${R}/handle/queryAllFrameStats`,
    classic: `${R}/task/queryAllFrameStats`,
  },
  // Wire: current and dayan send `taskIds` (+ optional `status`, omitted = failed frames; seed 004 makes it
  // required for dayan); classic sends `taskParam` and knows no `status`.
  restart_failed_frames: {
    title: 'Resubmit failed frames',
    toolset: 'frames',
    safety: 'costly',
    path: `${R}/handle/recommitTasks`,
    classic: `${R}/task/restartFailedFrames`,
    dayan: `${RT}/recommitFailFrame`,
    params: {
      taskIds: ints({ required: true, names: { classic: 'taskParam' } }),
      status: ints({ required: ['dayan'], names: { classic: null } }),
    },
  },
  // Wire: `taskId` (003 and the SDK; 002's `taskIds` is a typo), `selectAll` 1 = all frames, 0 = only `ids`.
  restart_frames: {
    title: 'Resubmit chosen frames',
    toolset: 'frames',
    safety: 'costly',
    path: `${R}/handle/recommitTaskFrames`,
    classic: `${R}/task/restartFrame`,
    params: { taskId: int(req), selectAll: int({ required: true, allowed: [0, 1] }), ids: ints(), status: ints({ names: { classic: null } }) },
  },
  // SDK helper `get_custome_frames`: map frame numbers to frame ids through all frames, then restart_frames.
  restart_frames_by_number: {
    title: 'Resubmit frames by number',
    toolset: 'frames',
    safety: 'costly',
    composedOf: ['restart_frames', 'get_task_frames'],
  },
  // Added in SDK 2.6.0 (zh docs only); same arguments as restart_frames.
  stop_task_frames: {
    title: 'Stop chosen frames',
    toolset: 'frames',
    safety: 'write',
    path: `${R}/handle/stopTaskFrames`,
    params: { taskId: int(req), selectAll: int({ required: true, allowed: [0, 1] }), ids: ints(), status: ints() },
  },
  get_task_progress: {
    title: 'Live render progress',
    toolset: 'frames',
    safety: 'read',
    path: `${R}/handle/loadTaskProcessImg`,
    classic: `${R}/task/loadTaskProcessImg`,
    params: { taskId: int(req), frameType: int({ allowed: [2, 5] }) },
  },
  get_frame_thumbnail: {
    title: 'Frame thumbnail',
    toolset: 'frames',
    safety: 'read',
    path: `${R}/handle/loadingFrameThumbnail`,
    classic: `${R}/task/loadingFrameThumbnail`,
    params: { id: int(req), frameStatus: int(req) },
  },

  // ── labels (projects and task labels) ──────────────────────────────────────
  add_project_label: {
    title: 'Create project',
    toolset: 'labels',
    safety: 'write',
    path: `${R}/project/add`,
    classic: `${R}/common/addLabel`,
    params: { newName: str(req), status: int({ allowed: [0, 1] }) },
  },
  delete_project_label: {
    title: 'Delete project',
    toolset: 'labels',
    safety: 'destructive',
    path: `${R}/project/delete`,
    classic: `${R}/common/deleteLabel`,
    params: { delName: str(req) },
  },
  list_project_labels: {
    title: 'List projects',
    toolset: 'labels',
    safety: 'read',
    path: `${R}/project/getList`,
    classic: `${R}/common/getLabelList`,
  },
  list_projects: {
    title: 'List projects by scope',
    toolset: 'labels',
    safety: 'read',
    path: `${R}/project/list`,
    params: { flag: int({ required: true, allowed: [0, 1, 2] }) },
  },
  add_task_label: {
    title: 'Label tasks',
    toolset: 'labels',
    safety: 'write',
    path: `${R}/handle/addTaskLabel`,
    classic: `${R}/task/addTaskLabel`,
    params: { label: str(req), taskIds: ints(req) },
  },
  // Wire: SDK 3.0.4 sends `taskIds` + `labelNames` (+ `labelIds`: [], which signs to nothing); the classic
  // interface (seed 000) deletes by `labelIds`. Seed 001's /api/render/task/deleteTaskLabel is served too.
  delete_task_label: {
    title: 'Remove task labels',
    toolset: 'labels',
    safety: 'destructive',
    path: `${R}/handle/deleteTaskLabel`,
    classic: `${R}/task/deleteTaskLabel`,
    variants: [`${R}/task/deleteTaskLabel`],
    params: {
      taskIds: ints({ required: ['current', 'dayan'], names: { classic: null } }),
      labelNames: strs({ required: ['current', 'dayan'], names: { classic: null } }),
      labelIds: ints({ required: ['classic'] }),
    },
  },

  // ── environments (software, plugins, render environments) ─────────────────
  get_supported_software: {
    title: 'Supported software',
    toolset: 'environments',
    safety: 'read',
    path: `${R}/plugin/querySoftwareList`,
    classic: `${R}/common/querySupportedSoftware`,
  },
  // Wire: the SDK sends `cgId` and `osName` "windows"|"linux"; classic sends `cgId` only.
  get_supported_plugins: {
    title: 'Software versions and plugins',
    toolset: 'environments',
    safety: 'read',
    path: `${R}/plugin/querySoftwareDetail`,
    classic: `${R}/common/querySupportedPlugin`,
    params: {
      cgId: int(req),
      osName: str({ required: ['current', 'dayan'], allowed: ['windows', 'linux'], names: { classic: null } }),
    },
  },
  add_render_env: {
    title: 'Create render environment',
    toolset: 'environments',
    safety: 'write',
    path: `${R}/plugin/addUserPluginConfig`,
    classic: `${R}/common/addRenderEnv`,
    params: renderEnvParams(),
  },
  update_render_env: {
    title: 'Update render environment',
    toolset: 'environments',
    safety: 'write',
    path: `${R}/plugin/editUserPluginConfig`,
    classic: `${R}/common/updateRenderEnv`,
    params: renderEnvParams(),
  },
  delete_render_env: {
    title: 'Delete render environment',
    toolset: 'environments',
    safety: 'destructive',
    path: `${R}/plugin/deleteUserPluginConfig`,
    classic: `${R}/common/deleteRenderEnv`,
    params: { editName: str(req) },
  },
  set_default_render_env: {
    title: 'Set default render environment',
    toolset: 'environments',
    safety: 'write',
    path: `${R}/plugin/setDefaultUserPluginConfig`,
    classic: `${R}/common/setDefaultRenderEnv`,
    params: { editName: str(req) },
  },
  // Wire: the SDK sends `cgId` as a string (a bug against its own schema); we send an integer. `osName` 0 Linux,
  // 1 Windows; the SDK defaults to 1, which hides Linux environments, so the tool omits it unless asked.
  get_render_env: {
    title: 'List render environments',
    toolset: 'environments',
    safety: 'read',
    path: `${R}/plugin/getUserPluginConfig`,
    classic: `${R}/common/getRenderEnv`,
    params: {
      cgId: int({ required: ['classic'] }),
      cgIds: ints({ names: { classic: null } }),
      osName: int({ allowed: [0, 1], names: { classic: null } }),
    },
  },
} satisfies Record<string, OperationSpec>;

function renderEnvParams(): Record<string, WireParam> {
  return {
    cgId: int(req),
    cgName: str(req),
    cgVersion: str(req),
    renderLayerType: int(),
    editName: str(req),
    renderSystem: int({ required: true, allowed: [0, 1] }),
    pluginIds: ints({ required: true, allowEmpty: true }),
    projectPath: str({ names: { classic: null } }),
  };
}

export type OperationId = keyof typeof SPECS;

function build(id: string, spec: OperationSpec, specs: Record<string, OperationSpec>): Operation {
  // A composed operation reports the path of the real operation it is built on first.
  const base = spec.composedOf ? specs[spec.composedOf[0]!]! : spec;
  const current = base.path!;
  return {
    id,
    title: spec.title,
    toolset: spec.toolset,
    safety: spec.safety,
    retrySafe: spec.safety === 'read',
    paths: { current, classic: base.classic ?? current, dayan: base.dayan ?? current },
    variants: spec.variants ?? [],
    params: spec.composedOf ? {} : (spec.params ?? {}),
    ...(spec.composedOf ? { composedOf: spec.composedOf } : {}),
    ...(spec.returnsSecrets ? { returnsSecrets: true } : {}),
  };
}

export const OPERATIONS: Readonly<Record<OperationId, Operation>> = Object.fromEntries(
  Object.entries(SPECS).map(([id, spec]) => [id, build(id, spec, SPECS)]),
) as Record<OperationId, Operation>;

export const OPERATION_IDS = Object.keys(OPERATIONS) as OperationId[];

export function isOperationId(id: string): id is OperationId {
  return Object.hasOwn(OPERATIONS, id);
}

export function getOperation(id: OperationId): Operation {
  return OPERATIONS[id];
}

/** Whether `param` must be present in `scheme`. */
export function isRequired(param: WireParam, scheme: Scheme): boolean {
  return param.required === true || (Array.isArray(param.required) && param.required.includes(scheme));
}

/** The name a parameter travels under in `scheme`; null when that scheme does not take it. */
export function wireName(current: string, param: WireParam, scheme: Scheme): string | null {
  const renamed = param.names?.[scheme];
  return renamed === undefined ? current : renamed;
}

/**
 * Path overrides from RAYVISION_API_PATHS, already validated: operation id → path. They apply in every scheme.
 */
export type PathOverrides = Readonly<Partial<Record<OperationId, string>>>;

export function pathFor(operation: Operation, scheme: Scheme, overrides: PathOverrides = {}): string {
  return overrides[operation.id as OperationId] ?? operation.paths[scheme];
}
