import type { OperationId } from '../client/operations.js';
import { getLoginLog, getRenderLog, getTaskOperationLog } from './catalog/logs.js';
import { getUserProfile, getUserSettings, listPlatforms, updateUserSettings } from './catalog/account.js';
import {
  addRenderEnv,
  deleteRenderEnv,
  getRenderEnv,
  getSupportedPlugins,
  getSupportedSoftware,
  setDefaultRenderEnv,
  updateRenderEnv,
} from './catalog/environments.js';
import { restartFailedFrames, restartFrames, restartFramesByNumber } from './catalog/frames-restart.js';
import { stopTaskFrames } from './catalog/frames-stop.js';
import { getAllTaskFrames, getFrameStats, getFrameThumbnail, getTaskFrames, getTaskProgress } from './catalog/frames.js';
import { editTaskHardwareConfig, listHardwareConfigs, listPackNodes } from './catalog/hardware.js';
import { addProjectLabel, addTaskLabel, deleteProjectLabel, deleteTaskLabel, listProjectLabels, listProjects } from './catalog/labels.js';
import { createTask, submitTask, uploadTaskJson } from './catalog/submit.js';
import {
  abandonTask,
  deleteTask,
  fullSpeedRender,
  setTaskOvertimeStop,
  startTask,
  stopTask,
  updateTaskLimit,
  updateTaskPriority,
} from './catalog/task-control.js';
import { getAnalysisErrorDetail, getSubtaskIds, getTaskInfo, getTaskList } from './catalog/tasks.js';
import { getRaysyncUserKey, getTransferBid, getTransferConfig, getTransferServerInfo, listOutputFiles } from './catalog/transfer.js';
import { configureRenderEnv } from './catalog/workflows/configure-env.js';
import { jobStatusSummary } from './catalog/workflows/job-status.js';
import { resubmitFailures } from './catalog/workflows/resubmit.js';
import { triageFailures } from './catalog/workflows/triage.js';
import { waitForTasks } from './catalog/workflows/wait.js';
import type { AnyTool, ApiTool } from './define.js';

/** The workflow tools: one call instead of many, for the three uses the server exists for. */
const WORKFLOW_TOOLS = [jobStatusSummary, waitForTasks, triageFailures, resubmitFailures, configureRenderEnv];

/**
 * One tool per catalog operation, keyed by it: an operation without its tool (or a tool under another operation's
 * name) does not compile. The order is the order of tools/list.
 */
const API_TOOLS: { [Id in OperationId]: ApiTool<Id> } = {
  get_task_list: getTaskList,
  get_task_info: getTaskInfo,
  get_subtask_ids: getSubtaskIds,
  stop_task: stopTask,
  start_task: startTask,
  abandon_task: abandonTask,
  delete_task: deleteTask,
  set_task_overtime_stop: setTaskOvertimeStop,
  full_speed_render: fullSpeedRender,
  update_task_priority: updateTaskPriority,
  update_task_limit: updateTaskLimit,
  create_task: createTask,
  upload_task_json: uploadTaskJson,
  submit_task: submitTask,
  get_analysis_error_detail: getAnalysisErrorDetail,
  get_task_frames: getTaskFrames,
  get_all_task_frames: getAllTaskFrames,
  get_frame_stats: getFrameStats,
  restart_failed_frames: restartFailedFrames,
  restart_frames: restartFrames,
  restart_frames_by_number: restartFramesByNumber,
  stop_task_frames: stopTaskFrames,
  get_task_progress: getTaskProgress,
  get_frame_thumbnail: getFrameThumbnail,
  get_task_operation_log: getTaskOperationLog,
  get_login_log: getLoginLog,
  get_render_log: getRenderLog,
  list_platforms: listPlatforms,
  get_user_profile: getUserProfile,
  get_user_settings: getUserSettings,
  update_user_settings: updateUserSettings,
  get_transfer_bid: getTransferBid,
  get_transfer_config: getTransferConfig,
  get_transfer_server_info: getTransferServerInfo,
  get_raysync_user_key: getRaysyncUserKey,
  list_output_files: listOutputFiles,
  list_hardware_configs: listHardwareConfigs,
  list_pack_nodes: listPackNodes,
  edit_task_hardware_config: editTaskHardwareConfig,
  list_project_labels: listProjectLabels,
  list_projects: listProjects,
  add_project_label: addProjectLabel,
  delete_project_label: deleteProjectLabel,
  add_task_label: addTaskLabel,
  delete_task_label: deleteTaskLabel,
  get_supported_software: getSupportedSoftware,
  get_supported_plugins: getSupportedPlugins,
  get_render_env: getRenderEnv,
  add_render_env: addRenderEnv,
  update_render_env: updateRenderEnv,
  delete_render_env: deleteRenderEnv,
  set_default_render_env: setDefaultRenderEnv,
};

/** Every tool the server can expose, in tools/list order: the workflows first, then one per catalog operation. */
export const ALL_TOOLS: readonly AnyTool[] = [...WORKFLOW_TOOLS, ...Object.values(API_TOOLS)];
