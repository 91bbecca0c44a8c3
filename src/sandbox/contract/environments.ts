/** Wire contract: software, plugins and render environments (see wire.ts for the citation format). */
import { DAYAN_UNDOCUMENTED, R, REQUIRED, endpoint, int, ints, sdk, seed, str, type Endpoint, type WireParam } from './wire.js';

/**
 * A render environment's body, flat (seed 002; the SDK wraps the same fields in one dict). `renderSystem` 0 Linux,
 * 1 Windows; `pluginIds` may be empty (seed 002's update example sends []); `projectPath` only in seed 001.
 */
function renderEnv(source: string, withProjectPath: boolean): Record<string, WireParam> {
  return {
    cgId: int(source, REQUIRED),
    cgName: str(source, REQUIRED),
    cgVersion: str(source, REQUIRED),
    renderLayerType: int(source),
    editName: str(source, REQUIRED),
    renderSystem: int(source, { required: true, allowed: [0, 1] }),
    pluginIds: ints(source, { required: true, allowEmpty: true }),
    ...(withProjectPath ? { projectPath: str(source) } : {}),
  };
}

const editName = (source: string) => ({ editName: str(source, REQUIRED) });

export const ENVIRONMENTS = {
  get_supported_software: endpoint({
    current: { path: `${R}/plugin/querySoftwareList`, source: sdk('§2 url.py') },
    classic: { path: `${R}/common/querySupportedSoftware`, source: seed('002', 'Obtain the supported rendering software') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // The SDK maps the software name to `cgId` and sends `osName` "windows" or "linux"; classic takes `cgId` only.
  get_supported_plugins: endpoint({
    current: {
      path: `${R}/plugin/querySoftwareDetail`,
      source: sdk('§2 url.py'),
      params: {
        cgId: int(sdk('§4 query.py supported_plugin'), REQUIRED),
        osName: str(sdk('§4 query.py supported_plugin'), { required: true, allowed: ['windows', 'linux'] }),
      },
    },
    classic: {
      path: `${R}/common/querySupportedPlugin`,
      source: seed('002', 'Obtain supported rendering software plugins'),
      params: { cgId: int(seed('002', 'Obtain supported rendering software plugins'), REQUIRED) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  add_render_env: endpoint({
    current: {
      path: `${R}/plugin/addUserPluginConfig`,
      source: sdk('§2 url.py'),
      params: renderEnv(seed('001', 'New user rendering environment configuration'), true),
    },
    classic: {
      path: `${R}/common/addRenderEnv`,
      source: seed('002', 'New user rendering environment configuration'),
      params: renderEnv(seed('002', 'New user rendering environment configuration'), false),
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  update_render_env: endpoint({
    current: {
      path: `${R}/plugin/editUserPluginConfig`,
      source: sdk('§2 url.py'),
      params: renderEnv(seed('001', 'Adjust user render environment configuration'), true),
    },
    classic: {
      path: `${R}/common/updateRenderEnv`,
      source: seed('002', 'Adjust user render environment configuration'),
      params: renderEnv(seed('002', 'Adjust user render environment configuration'), false),
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  delete_render_env: endpoint({
    current: { path: `${R}/plugin/deleteUserPluginConfig`, source: sdk('§2 url.py'), params: editName(sdk('§4 env.py delete_render_env')) },
    classic: {
      path: `${R}/common/deleteRenderEnv`,
      source: seed('002', 'Delete user render environment configuration'),
      params: editName(seed('002', 'Delete user render environment configuration')),
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  set_default_render_env: endpoint({
    current: { path: `${R}/plugin/setDefaultUserPluginConfig`, source: sdk('§2 url.py'), params: editName(sdk('§4 env.py set_default_render_env')) },
    classic: {
      path: `${R}/common/setDefaultRenderEnv`,
      source: seed('002', 'Set up default render environment configuration'),
      params: editName(seed('002', 'Set up default render environment configuration')),
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Current: any of cgId / cgIds, osName 0 Linux / 1 Windows (the SDK sends cgId as a string, a bug against its own
  // schema: an integer here). Classic: cgId only.
  get_render_env: endpoint({
    current: {
      path: `${R}/plugin/getUserPluginConfig`,
      source: sdk('§2 url.py'),
      params: {
        cgId: int(sdk('§4 env.py get_render_env')),
        cgIds: ints(sdk('§4 env.py get_render_env')),
        osName: int(sdk('§4 env.py get_render_env'), { allowed: [0, 1] }),
      },
    },
    classic: {
      path: `${R}/common/getRenderEnv`,
      source: seed('002', 'Obtain user render environment configuration'),
      params: { cgId: int(seed('002', 'Obtain user render environment configuration'), REQUIRED) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
} satisfies Record<string, Endpoint>;
