import { assumed, dateRange, int, NEWER, NOT_IN_004, paging, R, req, str, type OperationSpec } from './spec.js';

export const LOGS = {
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
} satisfies Record<string, OperationSpec>;
