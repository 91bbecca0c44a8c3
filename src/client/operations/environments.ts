import { assumed, int, ints, NOT_IN_004, R, renderEnvParams, req, str, type OperationSpec } from './spec.js';

export const ENVIRONMENTS = {
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
