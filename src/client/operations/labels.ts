import { assumed, int, ints, NEWER, NOT_IN_004, R, req, str, strs, type OperationSpec } from './spec.js';

export const LABELS = {
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
} satisfies Record<string, OperationSpec>;
