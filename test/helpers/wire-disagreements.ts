/**
 * Where the client's catalog (src/client/operations.ts) and the wire contract (src/sandbox/contract/, transcribed
 * from the documents) disagree today, as catalogDiff() words it. Each group cites the document the contract
 * follows. They are listed so the suite stays green until the catalog is reconciled; fixing one makes the diff
 * test fail until its lines are removed here, and a new disagreement fails it until it is understood.
 */
export const KNOWN_DISAGREEMENTS: readonly string[] = [
  // Paths: sdk-reference §2's "old ≤2.2.0" column gives classic paths for both; the catalog falls back to current.
  'get_transfer_config classic path: catalog /api/render/transfer/getConfig, contract /api/render/task/getTransferConfig',
  'upload_task_json classic path: catalog /api/render/submit/taskJsonFile, contract /api/render/task/taskJsonFile',

  // Names. Seed 000 "Create task ID" documents task_user_level and labels for the classic path (catalog: not sent).
  'create_task classic taskUserLevel: in the contract, not sent by the catalog',
  'create_task classic labels: in the contract, not sent by the catalog',
  // `producer` is in seeds 001/004 only; no classic document (000/002/003 "Submit task") has it.
  'submit_task classic producer: sent by the catalog, not in the contract',

  // Required-ness: the documents call these optional, with a default the SDK sends.
  // count "Not required, Default 1", task_user_level "Not required ... default is 50" (seeds 000/001/004).
  'create_task current count required: catalog true, contract false',
  'create_task current taskUserLevel required: catalog true, contract false',
  'create_task classic count required: catalog true, contract false',
  'create_task dayan count required: catalog true, contract false',
  'create_task dayan taskUserLevel required: catalog true, contract false',
  // file_name N, default "task.json" (seed 001 "Upload the task profile", seed 004 上传任务配置文件).
  'upload_task_json current fileName required: catalog true, contract false',
  'upload_task_json classic fileName required: catalog true, contract false',
  'upload_task_json dayan fileName required: catalog true, contract false',
  // tree_path N, default "/" (seed 001 "Gets the user storage file structure", seed 004 获取用户存储文件结构).
  'list_output_files current treePath required: catalog true, contract false',
  'list_output_files classic treePath required: catalog true, contract false',
  'list_output_files dayan treePath required: catalog true, contract false',
  // select_all N (seed 001 "Re-submit the specified frames": status "only takes effect when just taskId is passed");
  // stopTaskFrames takes the same arguments, select_all defaulting to 1 (sdk-reference §4 query.py stop_frame).
  'restart_frames current selectAll required: catalog true, contract false',
  'restart_frames dayan selectAll required: catalog true, contract false',
  'stop_task_frames current selectAll required: catalog true, contract false',
  'stop_task_frames classic selectAll required: catalog true, contract false',
  'stop_task_frames dayan selectAll required: catalog true, contract false',
  // frame_status N, default 4 (seed 001 "Task thumbnail"); required on the classic interface (seed 002).
  'get_frame_thumbnail current frameStatus required: catalog true, contract false',
  'get_frame_thumbnail dayan frameStatus required: catalog true, contract false',
  // flag N, default 0 (seed 001 "Get the project name(Control by flag)").
  'list_projects current flag required: catalog true, contract false',
  'list_projects classic flag required: catalog true, contract false',
  'list_projects dayan flag required: catalog true, contract false',

  // Required-ness: the documents mark these required; the catalog has them optional.
  // Seed 001 "Get task operation log" / "Get login logs": startDate, endDate Y (the SDK and the tools send "").
  'get_task_operation_log current startDate required: catalog false, contract true',
  'get_task_operation_log current endDate required: catalog false, contract true',
  'get_task_operation_log classic startDate required: catalog false, contract true',
  'get_task_operation_log classic endDate required: catalog false, contract true',
  'get_task_operation_log dayan startDate required: catalog false, contract true',
  'get_task_operation_log dayan endDate required: catalog false, contract true',
  'get_login_log current startDate required: catalog false, contract true',
  'get_login_log current endDate required: catalog false, contract true',
  'get_login_log classic startDate required: catalog false, contract true',
  'get_login_log classic endDate required: catalog false, contract true',
  'get_login_log dayan startDate required: catalog false, contract true',
  'get_login_log dayan endDate required: catalog false, contract true',
  // Seeds 002/003 "Obtain the task list" (pageNum, pageSize "Mandatory") and "Obtain analysis error code" (code
  // "Mandatory") on the classic interfaces.
  'get_task_list classic pageNum required: catalog false, contract true',
  'get_task_list classic pageSize required: catalog false, contract true',
  'get_analysis_error_detail classic code required: catalog false, contract true',

  // Allowed values the documents enumerate: task_user_level "optional 50 and 60" (seeds 000/001/004 "Create task
  // ID"); recommitFailFrame states 1, 2, 3, 4, 5, 11 (seed 004 重提帧).
  'create_task current taskUserLevel allowed: catalog any, contract [50, 60]',
  'create_task dayan taskUserLevel allowed: catalog any, contract [50, 60]',
  'restart_failed_frames dayan status allowed: catalog any, contract [1, 2, 3, 4, 5, 11]',
];
