/**
 * The operation catalog: every documented interface of the render-farm API (../shared/docs/api-catalog.md §4,
 * 48 operations) plus the four the current SDK adds. Each entry becomes one MCP tool of the same name.
 *
 * Paths: `path` is the current scheme, from the current official SDK (rayvision_api 3.0.4, sdk-reference §2) or,
 * for the two interfaces missing from its GitHub code, seed 001. `classic` and `dayan` name where each path comes
 * from in a comment next to it (classic: seeds 000/002/003, or the SDK's pre-2.3.0 constants.py as quoted in
 * sdk-reference §2; dayan: seed 004), or are `assumed(...)`: a path no document gives for that dialect, sent on
 * faith and listed by test/dialects.test.ts. Wire parameter names follow the current SDK (the SDK wins for the
 * wire format; the seeds describe meaning), with per-scheme names where the classic protocol differs.
 */

export const SCHEMES = ['current', 'classic', 'dayan'] as const;
export type Scheme = (typeof SCHEMES)[number];

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
  /** Allowed values on the dialects that document a narrower set than the others (the API keeps to them). */
  allowedIn?: Partial<Record<Scheme, readonly (number | string)[]>>;
  /** Name in another scheme, where it differs from the current name; `null` = not sent in that scheme. */
  names?: Partial<Record<Scheme, string | null>>;
}

export interface Operation {
  id: string;
  title: string;
  safety: Safety;
  /** Whether a failed attempt may be sent again without risk (reads only). */
  retrySafe: boolean;
  paths: Readonly<Record<Scheme, string>>;
  /** Why the path of a dialect is an assumption, for each dialect whose path no document gives. */
  assumptions: Readonly<Partial<Record<Scheme, string>>>;
  /** Other paths the platform documents for the same interface (served by the sandbox as well). */
  variants: readonly string[];
  /** Wire parameters keyed by their current name. */
  params: Readonly<Record<string, WireParam>>;
  /** SDK-only helpers: built from these real operations, never from an invented endpoint. */
  composedOf?: readonly string[];
  /** The answer holds credentials that are redacted unless secrets are revealed. */
  returnsSecrets?: boolean;
}

/** A dialect path no document gives: sent on faith (the current path unless another is named). */
interface Assumed {
  assumed: string;
  path?: string;
}

const assumed = (reason: string, path?: string): Assumed => (path === undefined ? { assumed: reason } : { assumed: reason, path });

/** Every endpoint says where its classic and Dayan paths come from, so a new one cannot fall back silently. */
interface EndpointSpec {
  title: string;
  safety: Safety;
  path: string;
  classic: string | Assumed;
  dayan: string | Assumed;
  variants?: readonly string[];
  params?: Readonly<Record<string, WireParam>>;
  returnsSecrets?: boolean;
  composedOf?: never;
}

/** An SDK-only helper: no endpoint of its own. */
interface ComposedSpec {
  title: string;
  safety: Safety;
  composedOf: readonly string[];
  path?: never;
}

type OperationSpec = EndpointSpec | ComposedSpec;

const R = '/api/render';
const RT = '/api/rendering/task/renderingTask';

/** Seed 004 (the only Dayan document) does not give this interface. */
const NOT_IN_004 = 'seed 004 does not document it; the current path is sent';
/** Only seed 001, the current documents, gives it. */
const ONLY_001 = 'only seed 001 (current documents) gives it; the current path is sent';
/** Added to the SDK after its 2.3.0 switch to the current paths, so no classic document has it. */
const NEWER = (since: string) => `added in ${since}, after the classic scheme; the current path is sent`;

type ParamOptions = Omit<WireParam, 'type'>;
type Empty = Record<never, never>;
// `const` keeps each parameter's literal shape (required, allowed values), which BodyOf below reads.
const int = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'int' as const, ...extra });
const str = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'string' as const, ...extra });
const ints = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'int[]' as const, ...extra });
const strs = <const E extends ParamOptions = Empty>(extra: E = {} as E) => ({ type: 'string[]' as const, ...extra });
const req = { required: true } as const;
const paging = { pageNum: int(req), pageSize: int(req) } as const;
/** A log's date bounds: required, "" meaning unbounded (seed 001; the SDK sends ""). */
const dateRange = { startDate: str({ required: true, allowEmpty: true }), endDate: str({ required: true, allowEmpty: true }) } as const;
/** Classic task-batch operations name the id list `taskParam` (seeds 002/003); the SDK since 2.3.0 sends `taskIds`. */
const taskBatch = { taskIds: ints({ required: true, names: { classic: 'taskParam' } }) } as const;

const SPECS = {
  // ── account ────────────────────────────────────────────────────────────────
  // zone: the SDK sends 1 when the domain contains "renderbus", else 2; seeds 002/003 require it.
  list_platforms: {
    title: 'List render platforms',
    safety: 'read',
    path: `${R}/common/queryPlatforms`,
    classic: `${R}/common/queryPlatforms`, // 000, 002, 003: the same path
    dayan: assumed(NOT_IN_004),
    params: { zone: int({ required: true, allowed: [1, 2] }) },
  },
  // Seed 004 calls /setUp/queryUserProfile the "old path" but gives no other: dayan uses it.
  get_user_profile: {
    title: 'Get account profile',
    safety: 'read',
    path: `${R}/setUp/queryUserProfile`,
    classic: `${R}/user/queryUserProfile`, // 000, 002, 003
    dayan: `${R}/setUp/queryUserProfile`, // 004, as its "old path"
  },
  get_user_settings: {
    title: 'Get account settings',
    safety: 'read',
    path: `${R}/setUp/queryUserSetting`,
    classic: `${R}/user/queryUserSetting`, // 000, 002, 003
    dayan: '/api/rendering/user/client/queryUserSetting', // 004
  },
  // Wire: the SDK sends `taskOverTimeSec` (seconds); classic documents `taskOverTime` with no unit, while 000 says
  // seconds: we send seconds under the classic name too.
  update_user_settings: {
    title: 'Update account task timeout',
    safety: 'write',
    path: `${R}/setUp/updateUserSetting`,
    classic: `${R}/user/updateUserSetting`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { taskOverTimeSec: int({ required: true, names: { classic: 'taskOverTime' } }) },
  },

  // ── transfer ───────────────────────────────────────────────────────────────
  get_transfer_bid: {
    title: 'Get transfer bucket ids',
    safety: 'read',
    path: `${R}/transfer/getBid`,
    classic: `${R}/task/getTransferBid`, // 000, 002, 003
    dayan: '/api/rendering/task/plugin/getPluginTransferBid', // 004
  },
  get_transfer_config: {
    title: 'Get transfer configuration',
    safety: 'read',
    path: `${R}/transfer/getConfig`,
    classic: `${R}/task/getTransferConfig`, // sdk-reference §2 old ≤2.2.0: SDK 2.1.0-2.2.0 constants.py (no classic seed has it)
    dayan: `${R}/transfer/getConfig`, // 004: the current path
    returnsSecrets: true,
  },
  // Seed 000 writes the classic path without the leading slash (a typo). Wire: the SDK sends `zone` = 1 when the
  // domain does NOT contain "renderbus" (inverted since SDK 2.0.0); the tool follows the SDK's default.
  get_transfer_server_info: {
    title: 'Get RaySync server info',
    safety: 'read',
    path: `${R}/transfer/getServerInfo`,
    classic: `${R}/task/getTransferServerMsg`, // 000
    dayan: assumed(NOT_IN_004),
    params: { zone: int({ allowed: [1, 2] }) },
  },
  // The current docs keep /user/getRaySyncUserKey; the SDK moved it under /transfer.
  get_raysync_user_key: {
    title: 'Get RaySync user key',
    safety: 'read',
    path: `${R}/transfer/getRaySyncUserKey`,
    classic: `${R}/user/getRaySyncUserKey`, // 000
    dayan: assumed(NOT_IN_004),
    variants: [`${R}/user/getRaySyncUserKey`],
    returnsSecrets: true,
  },
  // tree_path "N, default /" (seeds 001, 004); the SDK always sends it, and "/" whenever a task id is given.
  list_output_files: {
    title: 'Browse output files',
    safety: 'read',
    path: `${R}/file/operate/getOutputUserDirFile`,
    classic: assumed(NEWER('SDK 2.6.0')),
    dayan: `${R}/file/operate/getOutputUserDirFile`, // 004: the current path
    params: { treePath: str(), taskId: int() },
  },

  // ── hardware ───────────────────────────────────────────────────────────────
  // Wire: the SDK sends `cloneTask` as the string "false" and task ids as strings.
  list_hardware_configs: {
    title: 'List hardware configurations',
    safety: 'read',
    path: `${R}/hardwareConfig/list`,
    classic: assumed(NEWER('the 2024 SDK')),
    dayan: assumed(NOT_IN_004),
    params: { cloneTask: str({ allowed: ['false', 'true'] }), taskIds: strs() },
  },
  // In the docs (seed 001) but not in the SDK's GitHub code.
  list_pack_nodes: {
    title: 'List reserved machine plans',
    safety: 'read',
    path: `${R}/submit/getUserPackNodeInfo`,
    classic: assumed(ONLY_001),
    dayan: assumed(NOT_IN_004),
  },
  // Seed 001 documents string ids and a list-valued `hardwareConfigId`; not in the SDK's GitHub code.
  edit_task_hardware_config: {
    title: 'Change task hardware',
    safety: 'costly',
    path: `${R}/handle/editTaskHardwareConfig`,
    classic: assumed(ONLY_001),
    dayan: assumed(NOT_IN_004),
    params: {
      taskIds: strs(req),
      hardwareConfigId: strs(req),
      model: str(req),
      gpuNum: str({ required: true, allowEmpty: true }),
      ram: str(req),
    },
  },

  // ── logs ───────────────────────────────────────────────────────────────────
  // Wire: a body `platform` overrides the header of that name in the signature (SDK `task_record`). startDate and
  // endDate are "Y" (seed 001 "Get task operation log", "Get login logs"); the SDK sends "" for no bound.
  get_task_operation_log: {
    title: 'Task operation log',
    safety: 'read',
    path: `${R}/handle/operate/sdk/taskRecord`,
    classic: assumed(NEWER('SDK 3.0.4')),
    dayan: assumed(NOT_IN_004),
    params: { platform: int(req), ...paging, ...dateRange },
  },
  get_login_log: {
    title: 'Login history',
    safety: 'read',
    path: `${R}/handle/operate/sdk/loginRecord`,
    classic: assumed(NEWER('SDK 3.0.4')),
    dayan: assumed(NOT_IN_004),
    params: { ...paging, ...dateRange },
  },
  // Added to the SDK in 2024 (zh docs only). `id` is a frame id.
  get_render_log: {
    title: 'Frame render log',
    safety: 'read',
    path: `${R}/handle/showLog`,
    classic: assumed(NEWER('the 2024 SDK')),
    dayan: assumed(NOT_IN_004),
    params: { renderingType: str(), ...paging, id: int(req) },
  },

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

  // ── frames ─────────────────────────────────────────────────────────────────
  get_task_frames: {
    title: 'List task frames',
    safety: 'read',
    path: `${R}/handle/queryTaskFrames`,
    classic: `${R}/task/queryTaskFrames`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { taskId: int(req), pageNum: int(), pageSize: int(), searchKeyword: str() },
  },
  // SDK helper `get_all_frames`: get_task_frames page by page until a page comes back empty.
  get_all_task_frames: {
    title: 'List all task frames',
    safety: 'read',
    composedOf: ['get_task_frames'],
  },
  get_frame_stats: {
    title: 'Account frame overview',
    safety: 'read',
    path: `${R}/handle/queryAllFrameStats`,
    classic: `${R}/task/queryAllFrameStats`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
  },
  // Wire: current and dayan send `taskIds` (+ optional `status`, omitted = failed frames; seed 004 makes it
  // required for dayan, with the states 1, 2, 3, 4, 5, 11 only); classic sends `taskParam` and knows no `status`.
  restart_failed_frames: {
    title: 'Resubmit failed frames',
    safety: 'costly',
    path: `${R}/handle/recommitTasks`,
    classic: `${R}/task/restartFailedFrames`, // 000, 002, 003
    dayan: `${RT}/recommitFailFrame`, // 004
    params: {
      taskIds: ints({ required: true, names: { classic: 'taskParam' } }),
      status: ints({ required: ['dayan'], names: { classic: null }, allowedIn: { dayan: [1, 2, 3, 4, 5, 11] } }),
    },
  },
  // Wire: `taskId` (003 and the SDK; 002's `taskIds` is a typo), `selectAll` 1 = all frames, 0 = only `ids`: "N"
  // in seed 001 (the SDK defaults it to 1), required on the classic interface (seed 003). The tools send it always.
  restart_frames: {
    title: 'Resubmit chosen frames',
    safety: 'costly',
    path: `${R}/handle/recommitTaskFrames`,
    classic: `${R}/task/restartFrame`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { taskId: int(req), selectAll: int({ required: ['classic'], allowed: [0, 1] }), ids: ints(), status: ints({ names: { classic: null } }) },
  },
  // SDK helper `get_custome_frames`: map frame numbers to frame ids through all frames, then restart_frames.
  restart_frames_by_number: {
    title: 'Resubmit frames by number',
    safety: 'costly',
    composedOf: ['restart_frames', 'get_task_frames'],
  },
  // Added in SDK 2.6.0 (zh docs only); the same arguments as restart_frames, selectAll defaulting to 1 (sdk-reference
  // §4 query.py stop_frame). The SDK's frame_number_to_stop maps frame numbers to ids, then sends selectAll 0.
  stop_task_frames: {
    title: 'Stop chosen frames',
    safety: 'write',
    path: `${R}/handle/stopTaskFrames`,
    classic: assumed(NEWER('SDK 2.6.0')),
    dayan: assumed(NOT_IN_004),
    params: { taskId: int(req), selectAll: int({ allowed: [0, 1] }), ids: ints(), status: ints() },
  },
  get_task_progress: {
    title: 'Live render progress',
    safety: 'read',
    path: `${R}/handle/loadTaskProcessImg`,
    classic: `${R}/task/loadTaskProcessImg`, // 000, 002
    dayan: assumed(NOT_IN_004),
    params: { taskId: int(req), frameType: int({ allowed: [2, 5] }) },
  },
  // frame_status "N, default 4" (seed 001), required on the classic interface (seed 002); the API sends 4 always.
  get_frame_thumbnail: {
    title: 'Frame thumbnail',
    safety: 'read',
    path: `${R}/handle/loadingFrameThumbnail`,
    classic: `${R}/task/loadingFrameThumbnail`, // 000, 002
    dayan: assumed(NOT_IN_004),
    params: { id: int(req), frameStatus: int({ required: ['classic'] }) },
  },

  // ── labels (projects and task labels) ──────────────────────────────────────
  add_project_label: {
    title: 'Create project',
    safety: 'write',
    path: `${R}/project/add`,
    classic: `${R}/common/addLabel`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { newName: str(req), status: int({ allowed: [0, 1] }) },
  },
  delete_project_label: {
    title: 'Delete project',
    safety: 'destructive',
    path: `${R}/project/delete`,
    classic: `${R}/common/deleteLabel`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { delName: str(req) },
  },
  list_project_labels: {
    title: 'List projects',
    safety: 'read',
    path: `${R}/project/getList`,
    classic: `${R}/common/getLabelList`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
  },
  // flag "N, default 0" (seed 001 "Get the project name(Control by flag)"); the tool sends it always.
  list_projects: {
    title: 'List projects by scope',
    safety: 'read',
    path: `${R}/project/list`,
    classic: assumed(NEWER('SDK 2.4.5')),
    dayan: assumed(NOT_IN_004),
    params: { flag: int({ allowed: [0, 1, 2] }) },
  },
  add_task_label: {
    title: 'Label tasks',
    safety: 'write',
    path: `${R}/handle/addTaskLabel`,
    classic: `${R}/task/addTaskLabel`, // 000
    dayan: assumed(NOT_IN_004),
    params: { label: str(req), taskIds: ints(req) },
  },
  // Wire: SDK 3.0.4 sends `taskIds` + `labelNames` (+ `labelIds`: [], which signs to nothing); the classic
  // interface (seed 000) deletes by `labelIds`. Seed 001's /api/render/task/deleteTaskLabel is served too.
  delete_task_label: {
    title: 'Remove task labels',
    safety: 'destructive',
    path: `${R}/handle/deleteTaskLabel`,
    classic: `${R}/task/deleteTaskLabel`, // 000
    dayan: assumed(NOT_IN_004),
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
    safety: 'read',
    path: `${R}/plugin/querySoftwareList`,
    classic: `${R}/common/querySupportedSoftware`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
  },
  // Wire: the SDK sends `cgId` and `osName` "windows"|"linux"; classic sends `cgId` only.
  get_supported_plugins: {
    title: 'Software versions and plugins',
    safety: 'read',
    path: `${R}/plugin/querySoftwareDetail`,
    classic: `${R}/common/querySupportedPlugin`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: {
      cgId: int(req),
      osName: str({ required: ['current', 'dayan'], allowed: ['windows', 'linux'], names: { classic: null } }),
    },
  },
  add_render_env: {
    title: 'Create render environment',
    safety: 'write',
    path: `${R}/plugin/addUserPluginConfig`,
    classic: `${R}/common/addRenderEnv`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: renderEnvParams(),
  },
  update_render_env: {
    title: 'Update render environment',
    safety: 'write',
    path: `${R}/plugin/editUserPluginConfig`,
    classic: `${R}/common/updateRenderEnv`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: renderEnvParams(),
  },
  delete_render_env: {
    title: 'Delete render environment',
    safety: 'destructive',
    path: `${R}/plugin/deleteUserPluginConfig`,
    classic: `${R}/common/deleteRenderEnv`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { editName: str(req) },
  },
  set_default_render_env: {
    title: 'Set default render environment',
    safety: 'write',
    path: `${R}/plugin/setDefaultUserPluginConfig`,
    classic: `${R}/common/setDefaultRenderEnv`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: { editName: str(req) },
  },
  // Wire: the SDK sends `cgId` as a string (a bug against its own schema); we send an integer. `osName` 0 Linux,
  // 1 Windows; the SDK defaults to 1, which hides Linux environments, so the tool omits it unless asked.
  get_render_env: {
    title: 'List render environments',
    safety: 'read',
    path: `${R}/plugin/getUserPluginConfig`,
    classic: `${R}/common/getRenderEnv`, // 000, 002, 003
    dayan: assumed(NOT_IN_004),
    params: {
      cgId: int({ required: ['classic'] }),
      cgIds: ints({ names: { classic: null } }),
      osName: int({ allowed: [0, 1], names: { classic: null } }),
    },
  },
} satisfies Record<string, OperationSpec>;

function renderEnvParams() {
  return {
    cgId: int(req),
    cgName: str(req),
    cgVersion: str(req),
    renderLayerType: int(),
    editName: str(req),
    renderSystem: int({ required: true, allowed: [0, 1] }),
    pluginIds: ints({ required: true, allowEmpty: true }),
    projectPath: str({ names: { classic: null } }),
  } as const;
}

export type OperationId = keyof typeof SPECS;

type Specs = typeof SPECS;

/** Operations with an endpoint of their own (the others are composed from them). */
export type EndpointId = { [Id in OperationId]: Specs[Id] extends { composedOf: readonly string[] } ? never : Id }[OperationId];

type ParamsOf<Id extends OperationId> = Specs[Id] extends { params: infer P } ? P : Empty;
type ValueOf<P> = P extends { allowed: readonly (infer A)[] }
  ? A
  : P extends { type: 'int' }
    ? number
    : P extends { type: 'string' }
      ? string
      : P extends { type: 'int[]' }
        ? readonly number[]
        : readonly string[];
type RequiredKeys<P> = { [K in keyof P]: P[K] extends { required: true } ? K : never }[keyof P];
type Flat<T> = T extends infer U ? { [K in keyof U]: U[K] } : never;

/**
 * The request body of an operation, from its catalog entry: the current wire names, with the values and allowed
 * values the catalog gives, required where every scheme requires them. A key the catalog does not list is a compile
 * error. What only some schemes require is optional here: the farm API (src/client/api) owns those rules.
 */
export type BodyOf<Id extends OperationId> = Id extends OperationId
  ? [keyof ParamsOf<Id>] extends [never]
    ? { readonly [key: string]: never }
    : Flat<
        { -readonly [K in RequiredKeys<ParamsOf<Id>>]: ValueOf<ParamsOf<Id>[K]> } & {
          -readonly [K in Exclude<keyof ParamsOf<Id>, RequiredKeys<ParamsOf<Id>>>]?: ValueOf<ParamsOf<Id>[K]> | undefined;
        }
      >
  : never;

/** The arguments after the id: the body may be left out when nothing in it is required. */
export type BodyArgs<Id extends OperationId> = Empty extends BodyOf<Id> ? [body?: BodyOf<Id>] : [body: BodyOf<Id>];

const pathOf = (dialect: string | Assumed, current: string) => (typeof dialect === 'string' ? dialect : (dialect.path ?? current));

function build(id: string, spec: OperationSpec, specs: Record<string, OperationSpec>): Operation {
  // A composed operation reports the paths of the real operation it is built on first.
  const base = (spec.composedOf ? specs[spec.composedOf[0]!]! : spec) as EndpointSpec;
  const current = base.path;
  const assumptions: Partial<Record<Scheme, string>> = {};
  if (!spec.composedOf) {
    if (typeof base.classic !== 'string') assumptions.classic = base.classic.assumed;
    if (typeof base.dayan !== 'string') assumptions.dayan = base.dayan.assumed;
  }
  return {
    id,
    title: spec.title,
    safety: spec.safety,
    retrySafe: spec.safety === 'read',
    paths: { current, classic: pathOf(base.classic, current), dayan: pathOf(base.dayan, current) },
    assumptions,
    variants: (spec.composedOf ? undefined : spec.variants) ?? [],
    params: spec.composedOf ? {} : (spec.params ?? {}),
    ...(spec.composedOf ? { composedOf: spec.composedOf } : {}),
    ...(!spec.composedOf && spec.returnsSecrets ? { returnsSecrets: true } : {}),
  };
}

export const OPERATIONS: Readonly<Record<OperationId, Operation>> = Object.fromEntries(
  Object.entries(SPECS).map(([id, spec]) => [id, build(id, spec, SPECS)]),
) as Record<OperationId, Operation>;

export const OPERATION_IDS = Object.keys(OPERATIONS) as OperationId[];

export function isOperationId(id: string): id is OperationId {
  return Object.hasOwn(OPERATIONS, id);
}

/** Whether `param` must be present in `scheme`. */
export function isRequired(param: WireParam, scheme: Scheme): boolean {
  return param.required === true || (Array.isArray(param.required) && param.required.includes(scheme));
}

/** The values a parameter may take in `scheme`; undefined when any value goes. */
export function allowedValues(param: WireParam, scheme: Scheme): readonly (number | string)[] | undefined {
  return param.allowedIn?.[scheme] ?? param.allowed;
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
