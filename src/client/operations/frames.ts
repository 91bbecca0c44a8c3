import { assumed, int, ints, NEWER, NOT_IN_004, R, req, RT, str, type OperationSpec } from './spec.js';

export const FRAMES = {
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
} satisfies Record<string, OperationSpec>;
