import { assumed, int, NOT_IN_004, R, type OperationSpec } from './spec.js';

export const ACCOUNT = {
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
} satisfies Record<string, OperationSpec>;
