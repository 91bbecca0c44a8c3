/** Wire contract: account, transfer, hardware and log operations (see wire.ts for the citation format). */
import { DAYAN_KWARGS, DAYAN_UNDOCUMENTED, NEWER_THAN_CLASSIC, R, REQUIRED, endpoint, int, sdk, seed, str, strs, type Endpoint } from './wire.js';

// `zone`: 1 domestic (China), 2 foreign (seed 002 "Obtain the platform list").
const ZONES = [1, 2] as const;

export const ACCOUNT = {
  // ── account ────────────────────────────────────────────────────────────────────────────────────────────────
  // Seeds 002/003 make `zone` mandatory; the SDK always sends it (1 when the domain contains "renderbus"). The path
  // is the same in both schemes, so the protocol's rule is taken for the current dialect too.
  list_platforms: endpoint({
    current: {
      path: `${R}/common/queryPlatforms`,
      source: sdk('§2 url.py'),
      params: { zone: int(sdk('§4 query.py platforms'), { required: true, allowed: ZONES }) },
    },
    classic: {
      path: `${R}/common/queryPlatforms`,
      source: seed('002', 'Obtain the platform list'),
      params: { zone: int(seed('002', 'Obtain the platform list'), { required: true, allowed: ZONES }) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  get_user_profile: endpoint({
    current: { path: `${R}/setUp/queryUserProfile`, source: sdk('§2 url.py') },
    classic: { path: `${R}/user/queryUserProfile`, source: seed('002', 'Obtain the user information') },
    // Seed 004 calls it the "old interface path" (旧接口路径) and gives no other.
    dayan: { path: `${R}/setUp/queryUserProfile`, source: seed('004', '获取用户详情') },
  }),
  get_user_settings: endpoint({
    current: { path: `${R}/setUp/queryUserSetting`, source: sdk('§2 url.py') },
    classic: { path: `${R}/user/queryUserSetting`, source: seed('002', 'Obtain user settings') },
    dayan: { path: '/api/rendering/user/client/queryUserSetting', source: seed('004', '获取用户设置') },
  }),
  // Seconds on the current dialect (seed 001: unit second). Classic names it `taskOverTime` with no unit.
  update_user_settings: endpoint({
    current: {
      path: `${R}/setUp/updateUserSetting`,
      source: sdk('§2 url.py'),
      params: { taskOverTimeSec: int(sdk('§4 user.py update_user_settings'), REQUIRED) },
    },
    classic: {
      path: `${R}/user/updateUserSetting`,
      source: seed('002', 'Update user settings'),
      params: { taskOverTime: int(seed('002', 'Update user settings'), { required: true, as: 'taskOverTimeSec' }) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),

  // ── transfer ───────────────────────────────────────────────────────────────────────────────────────────────
  get_transfer_bid: endpoint({
    current: { path: `${R}/transfer/getBid`, source: sdk('§2 url.py') },
    classic: { path: `${R}/task/getTransferBid`, source: seed('002', 'Obtain user transfer BID') },
    dayan: { path: '/api/rendering/task/plugin/getPluginTransferBid', source: seed('004', '获取用户传输BID') },
  }),
  // The old SDK added it in 2.1.0, still under /task (sdk-reference §2 old column).
  get_transfer_config: endpoint({
    current: { path: `${R}/transfer/getConfig`, source: sdk('§2 url.py') },
    classic: { path: `${R}/task/getTransferConfig`, source: sdk('§2 old ≤2.2.0 (task/getTransferConfig, 2.1.0)') },
    dayan: { path: `${R}/transfer/getConfig`, source: seed('004', '获取传输配置') },
  }),
  // Seeds 000/001 list no parameters; the SDK sends `zone` (1 when the domain does NOT contain "renderbus", inverted
  // since 2.0.0; 0.4.4, on the classic path, sent it the other way round).
  get_transfer_server_info: endpoint({
    current: {
      path: `${R}/transfer/getServerInfo`,
      source: sdk('§2 url.py'),
      params: { zone: int(sdk('§4 query.py get_transfer_server_msg'), { allowed: ZONES }) },
    },
    // Seed 000 writes the path without its leading slash; sdk-reference §2 has it under /api/render/.
    classic: {
      path: `${R}/task/getTransferServerMsg`,
      source: sdk('§2 old ≤2.2.0; seed 000 "Get Raysync transmission message"'),
      params: { zone: int(sdk('§4 query.py get_transfer_server_msg (0.4.4)'), { allowed: ZONES }) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // The SDK moved it under /transfer; the docs keep /user (served too).
  get_raysync_user_key: endpoint({
    current: {
      path: `${R}/transfer/getRaySyncUserKey`,
      source: sdk('§2 url.py'),
      variants: [{ path: `${R}/user/getRaySyncUserKey`, source: seed('001', 'Get Raysync authentication key') }],
    },
    classic: { path: `${R}/user/getRaySyncUserKey`, source: seed('000', 'Get Raysync authentication key') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Both arguments optional (seeds 001/004: N; tree_path defaults to "/"); the SDK always sends treePath.
  list_output_files: endpoint({
    current: {
      path: `${R}/file/operate/getOutputUserDirFile`,
      source: sdk('§2 url.py'),
      params: {
        treePath: str(sdk('§4 transmit.py get_output_files')),
        taskId: int(sdk('§4 transmit.py get_output_files')),
      },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { path: `${R}/file/operate/getOutputUserDirFile`, source: seed('004', '获取用户存储文件结构'), namesAssumed: DAYAN_KWARGS },
  }),

  // ── hardware ───────────────────────────────────────────────────────────────────────────────────────────────
  // The SDK sends `cloneTask` as the string "false" (a boolean as text, sdk-reference §1) and task ids as strings.
  list_hardware_configs: endpoint({
    current: {
      path: `${R}/hardwareConfig/list`,
      source: sdk('§2 url.py'),
      params: {
        cloneTask: str(sdk('§4 user.py get_hardware_config'), { allowed: ['false', 'true'] }),
        taskIds: strs(sdk('§4 user.py get_hardware_config')),
      },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Docs only (not in the SDK's GitHub code, sdk-reference §2).
  list_pack_nodes: endpoint({
    current: { path: `${R}/submit/getUserPackNodeInfo`, source: seed('001', 'Get Pack Node Info') },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Docs only; seed 001's table gives the wire names, all required, ids as strings; gpuNum is "" on CPU platforms.
  edit_task_hardware_config: endpoint({
    current: {
      path: `${R}/handle/editTaskHardwareConfig`,
      source: seed('001', 'Edit hardware configuration information'),
      params: {
        taskIds: strs(seed('001', 'Edit hardware configuration information'), REQUIRED),
        hardwareConfigId: strs(seed('001', 'Edit hardware configuration information'), REQUIRED),
        model: str(seed('001', 'Edit hardware configuration information'), REQUIRED),
        gpuNum: str(seed('001', 'Edit hardware configuration information'), { required: true, allowEmpty: true }),
        ram: str(seed('001', 'Edit hardware configuration information'), REQUIRED),
      },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),

  // ── logs ───────────────────────────────────────────────────────────────────────────────────────────────────
  // Seed 001 marks all five required; the SDK sends the dates as "" when not given. A body `platform` overrides the
  // signed header of that name (sdk-reference §1).
  get_task_operation_log: endpoint({
    current: {
      path: `${R}/handle/operate/sdk/taskRecord`,
      source: sdk('§2 url.py'),
      params: {
        platform: int(seed('001', 'Get task operation log'), REQUIRED),
        pageNum: int(seed('001', 'Get task operation log'), REQUIRED),
        pageSize: int(seed('001', 'Get task operation log'), REQUIRED),
        startDate: str(seed('001', 'Get task operation log'), { required: true, allowEmpty: true }),
        endDate: str(seed('001', 'Get task operation log'), { required: true, allowEmpty: true }),
      },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  get_login_log: endpoint({
    current: {
      path: `${R}/handle/operate/sdk/loginRecord`,
      source: sdk('§2 url.py'),
      params: {
        pageNum: int(seed('001', 'Get login logs'), REQUIRED),
        pageSize: int(seed('001', 'Get login logs'), REQUIRED),
        startDate: str(seed('001', 'Get login logs'), { required: true, allowEmpty: true }),
        endDate: str(seed('001', 'Get login logs'), { required: true, allowEmpty: true }),
      },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // In no seed (zh docs only). Required-ness from the SDK's signature: renderingType defaults to "render"; the page
  // and the frame id (`id`) have no default.
  get_render_log: endpoint({
    current: {
      path: `${R}/handle/showLog`,
      source: sdk('§2 url.py (2024)'),
      params: {
        renderingType: str(sdk('§4 query.py get_render_log')),
        pageNum: int(sdk('§4 query.py get_render_log'), REQUIRED),
        pageSize: int(sdk('§4 query.py get_render_log'), REQUIRED),
        id: int(sdk('§4 query.py get_render_log'), REQUIRED),
      },
    },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
} satisfies Record<string, Endpoint>;
