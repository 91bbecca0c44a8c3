import { assumed, NEWER, NOT_IN_004, ONLY_001, R, req, str, strs, type OperationSpec } from './spec.js';

export const HARDWARE = {
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
} satisfies Record<string, OperationSpec>;
