/** Wire contract: frame operations (see wire.ts for the citation format). */
import {
  DAYAN_UNDOCUMENTED,
  NEWER_THAN_CLASSIC,
  R,
  REQUIRED,
  RT,
  composed,
  endpoint,
  int,
  ints,
  sdk,
  seed,
  str,
  type Composed,
  type Endpoint,
} from './wire.js';

/** Frame states recommitFailFrame takes: 1 waiting, 2 started, 3 stopped, 4 done, 5 failed, 11 timed out (seed 004). */
const RECOMMIT_STATES = [1, 2, 3, 4, 5, 11] as const;

/**
 * recommitTaskFrames and stopTaskFrames take the same body: a task, `selectAll` (1 every frame, 0 only `ids`) and
 * `status`. Seed 001 marks every argument "N" and says `status` "only takes effect when just taskId is passed", so
 * only the task is required; the SDK sends selectAll=1 unless told otherwise.
 */
const chosenFrames = (source: string) => ({
  taskId: int(sdk(source), REQUIRED),
  selectAll: int(sdk(source), { allowed: [0, 1] }),
  ids: ints(sdk(source)),
  status: ints(sdk(source)),
});

export const FRAMES = {
  get_task_frames: endpoint({
    current: {
      path: `${R}/handle/queryTaskFrames`,
      source: sdk('§2 url.py'),
      params: {
        taskId: int(sdk('§4 query.py task_frames'), REQUIRED),
        pageNum: int(sdk('§4 query.py task_frames')),
        pageSize: int(sdk('§4 query.py task_frames')),
        searchKeyword: str(sdk('§4 query.py task_frames')),
      },
    },
    classic: {
      path: `${R}/task/queryTaskFrames`,
      source: seed('002', 'Obtain the task rendering frame details'),
      params: {
        taskId: int(seed('002', 'Obtain the task rendering frame details'), REQUIRED),
        searchKeyword: str(seed('002', 'Obtain the task rendering frame details')),
        pageNum: int(seed('002', 'Obtain the task rendering frame details')),
        pageSize: int(seed('002', 'Obtain the task rendering frame details')),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Pages through get_task_frames until a page comes back empty (at most 100 frames a page).
  get_all_task_frames: composed(['get_task_frames'], sdk('§3 Pagination (get_all_frames); seed 001 "Gets the page frame details for the specified task"')),
  get_frame_stats: endpoint({
    current: { path: `${R}/handle/queryAllFrameStats`, source: sdk('§2 url.py') },
    classic: { path: `${R}/task/queryAllFrameStats`, source: seed('002', 'Obtain the overview of task rendering frames') },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Current: `status` optional (omitted = failed frames, seed 001). Classic: `taskParam`, no `status`. Dayan: both
  // required (seed 004); its wire names come from a real request in seed 001's operation-log example
  // (requestURI .../recommitFailFrame, requestParam [{"status":[5],"taskIds":[...]}]).
  restart_failed_frames: endpoint({
    current: {
      path: `${R}/handle/recommitTasks`,
      source: sdk('§2 url.py'),
      params: { taskIds: ints(sdk('§4 query.py restart_failed_frames'), REQUIRED), status: ints(sdk('§4 query.py restart_failed_frames')) },
    },
    classic: {
      path: `${R}/task/restartFailedFrames`,
      source: seed('002', 'Re-submit the failed frames'),
      params: { taskParam: ints(seed('002', 'Re-submit the failed frames'), { required: true, as: 'taskIds' }) },
    },
    dayan: {
      path: `${RT}/recommitFailFrame`,
      source: seed('004', '重提帧'),
      params: {
        taskIds: ints(seed('001', 'Get task operation log'), REQUIRED),
        status: ints(seed('001', 'Get task operation log'), { required: true, allowed: RECOMMIT_STATES }),
      },
    },
  }),
  // Classic: `taskId` per seed 003 (seed 002 writes `taskIds` but types it Integer and passes one number: a typo);
  // no `status`; `selectAll` required there, as nothing else says which frames.
  restart_frames: endpoint({
    current: { path: `${R}/handle/recommitTaskFrames`, source: sdk('§2 url.py'), params: chosenFrames('§4 query.py restart_frame') },
    classic: {
      path: `${R}/task/restartFrame`,
      source: seed('002', 'Re-submit the specified frames'),
      params: {
        taskId: int(seed('003', '重提任务指定帧'), REQUIRED),
        selectAll: int(seed('003', '重提任务指定帧'), { required: true, allowed: [0, 1] }),
        ids: ints(seed('003', '重提任务指定帧')),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Maps frame numbers to frame ids through every frame of the task, then restart_frames with selectAll 0.
  restart_frames_by_number: composed(
    ['restart_frames', 'get_task_frames'],
    sdk('§4 query.py helpers (get_custome_frames); seed 001 "Re-submit the specified frames based on the frame number"'),
  ),
  // SDK 2.6.0 (zh docs only): the same arguments as restart_frame.
  stop_task_frames: endpoint({
    current: { path: `${R}/handle/stopTaskFrames`, source: sdk('§2 url.py (2.6.0)'), params: chosenFrames('§4 query.py stop_frame') },
    classic: { asCurrent: NEWER_THAN_CLASSIC },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // frameType 2 photon, 5 main image; omitted, the farm answers for the current stage.
  get_task_progress: endpoint({
    current: {
      path: `${R}/handle/loadTaskProcessImg`,
      source: sdk('§2 url.py'),
      params: {
        taskId: int(sdk('§4 query.py get_task_processing_img'), REQUIRED),
        frameType: int(sdk('§4 query.py get_task_processing_img'), { allowed: [2, 5] }),
      },
    },
    classic: {
      path: `${R}/task/loadTaskProcessImg`,
      source: seed('002', 'Task Progress'),
      params: {
        taskId: int(seed('002', 'Task Progress'), REQUIRED),
        frameType: int(seed('002', 'Task Progress'), { allowed: [2, 5] }),
      },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
  // Seed 002 makes frameStatus required on the classic interface; seed 001 marks it "N" (the SDK defaults it to 4).
  get_frame_thumbnail: endpoint({
    current: {
      path: `${R}/handle/loadingFrameThumbnail`,
      source: sdk('§2 url.py'),
      params: { id: int(sdk('§4 query.py get_frame_thumbnall'), REQUIRED), frameStatus: int(sdk('§4 query.py get_frame_thumbnall')) },
    },
    classic: {
      path: `${R}/task/loadingFrameThumbnail`,
      source: seed('002', 'Task Thumbnail'),
      params: { id: int(seed('002', 'Task Thumbnail'), REQUIRED), frameStatus: int(seed('002', 'Task Thumbnail'), REQUIRED) },
    },
    dayan: { asCurrent: DAYAN_UNDOCUMENTED },
  }),
} satisfies Record<string, Endpoint | Composed>;
