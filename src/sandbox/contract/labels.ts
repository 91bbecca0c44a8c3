/** Wire contract: project labels and task labels (see wire.ts for the citation format). */
import { DAYAN_UNDOCUMENTED, NEWER_THAN_CLASSIC, R, REQUIRED, sdkArgumentOnly, endpoint, int, ints, sdk, seed, str, strs, type Endpoint } from './wire.js';

export const LABELS = {
  // status 0 on, 1 off, default 1 (seed 001). Seeds 002/003 type it String but their example sends the number 0,
  // as the SDK does (`int(status)`).
  add_project_label: endpoint({
    current: {
      path: `${R}/project/add`,
      source: sdk('§2 url.py'),
      params: { newName: str(sdk('§4 tag.py add_label'), REQUIRED), status: int(sdk('§4 tag.py add_label'), { allowed: [0, 1] }) },
    },
    classic: {
      path: `${R}/common/addLabel`,
      source: seed('002', 'Add a custom label'),
      params: { newName: str(seed('002', 'Add a custom label'), REQUIRED), status: int(seed('002', 'Add a custom label'), { allowed: [0, 1] }) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  delete_project_label: endpoint({
    current: { path: `${R}/project/delete`, source: sdk('§2 url.py'), params: { delName: str(sdk('§4 tag.py delete_label'), REQUIRED) } },
    classic: {
      path: `${R}/common/deleteLabel`,
      source: seed('002', 'Delete custom label'),
      params: { delName: str(seed('002', 'Delete custom label'), REQUIRED) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  list_project_labels: endpoint({
    current: { path: `${R}/project/getList`, source: sdk('§2 url.py') },
    classic: { path: `${R}/common/getLabelList`, source: seed('002', 'Obtain custom label') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // flag 0 this account (default, seed 001), 1 with the main account, 2 everything under the main account.
  list_projects: endpoint({
    current: { path: `${R}/project/list`, source: sdk('§2 url.py (2.4.5)'), params: { flag: int(sdk('§4 tag.py get_list'), { allowed: [0, 1, 2] }) } },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  add_task_label: endpoint({
    current: {
      path: `${R}/handle/addTaskLabel`,
      source: sdk('§2 url.py'),
      params: { label: str(sdk('§4 tag.py add_task_tag'), REQUIRED), taskIds: ints(sdk('§4 tag.py add_task_tag'), REQUIRED) },
    },
    classic: {
      path: `${R}/task/addTaskLabel`,
      source: seed('000', 'Add a task label'),
      params: {
        label: str(sdkArgumentOnly(seed('000', 'Add a task label'), 'tag'), REQUIRED),
        taskIds: ints(sdkArgumentOnly(seed('000', 'Add a task label'), 'task_ids'), REQUIRED),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // SDK 3.0.4 deletes by task ids + label names and still sends `labelIds: []` (which signs to nothing); before 2025
  // it sent only `labelIds`, as the classic interface takes (seed 000: tag_ids). Seed 001 keeps the path under
  // /task, which sdk-reference §2 calls a typo (served too).
  delete_task_label: endpoint({
    current: {
      path: `${R}/handle/deleteTaskLabel`,
      source: sdk('§2 url.py'),
      variants: [{ path: `${R}/task/deleteTaskLabel`, source: seed('001', 'Delete task label') }],
      params: {
        taskIds: ints(sdk('§4 tag.py delete_task_tag'), REQUIRED),
        labelNames: strs(sdk('§4 tag.py delete_task_tag'), REQUIRED),
        labelIds: ints(sdk('§4 tag.py delete_task_tag')),
      },
    },
    classic: {
      path: `${R}/task/deleteTaskLabel`,
      source: seed('000', 'Delete task label'),
      params: { labelIds: ints(sdk('§4 tag.py delete_task_tag (before 2025: labelIds only)'), REQUIRED) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
} satisfies Record<string, Endpoint>;
