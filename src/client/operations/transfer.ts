import { assumed, int, NEWER, NOT_IN_004, R, str, type OperationSpec } from './spec.js';

export const TRANSFER = {
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
} satisfies Record<string, OperationSpec>;
