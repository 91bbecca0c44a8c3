import type { OperationId } from '../../client/operations.js';
import type { EndpointId } from '../contract/index.js';
import { FarmError, type FarmRequest } from '../types.js';
import { HARDWARE_CONFIGS } from './account.js';
import * as actions from './actions.js';
import type { ActionContext } from './actions.js';
import { DEFAULT_CG_ID, ERROR_CODES, SOFTWARE } from './catalogue.js';
import { softwareVersions } from './environments.js';
import type { Farm } from './index.js';
import { frameStats, taskFrames, taskList } from './listing.js';
import { renderLog } from './logs.js';
import { outputFiles, progress, thumbnail } from './outputs.js';
import { intArg } from './paging.js';
import { taskRecord } from './records.js';
import { createTasks, submitTask, uploadTaskJson } from './submit.js';

type Handler = (farm: Farm, ctx: ActionContext, request: FarmRequest) => unknown;

const ids = (args: Record<string, unknown>, name = 'taskIds') => (args[name] as number[] | undefined) ?? [];

/**
 * One handler per operation with an endpoint in the wire contract (a missing one, or one for an SDK-only helper, does
 * not compile); arguments arrive under their current wire names, already checked.
 */
export const HANDLERS: Readonly<Partial<Record<OperationId, Handler>>> = {
  // ── account ──
  list_platforms: (farm, { args }) => farm.account.platforms(args.zone as number),
  get_user_profile: (farm, { now }) => {
    farm.store.syncAll(now);
    return farm.account.profile(farm.store.spent);
  },
  get_user_settings: (farm) => ({ ...farm.account.settings }),
  update_user_settings: (farm, { args }) => void farm.account.updateSettings(args.taskOverTimeSec as number),

  // ── transfer ──
  get_transfer_bid: (farm) => farm.transfer.bid(),
  get_transfer_config: (farm) => farm.transfer.config(),
  get_transfer_server_info: (farm, { args }) => farm.transfer.serverInfo(args.zone as number | undefined),
  get_raysync_user_key: (farm, { now }) => farm.transfer.raySyncUserKey(now),
  list_output_files: (farm, { args, now }) => {
    if (typeof args.taskId !== 'number') farm.store.syncAll(now);
    return outputFiles(farm.store, args, now);
  },

  // ── hardware ──
  // `current` marks the configuration of the first task given; without task ids nothing is current.
  list_hardware_configs: (farm, { args }) => {
    const first = ids(args)
      .map(Number)
      .map((id) => farm.store.task(id))
      .find((task) => task !== undefined);
    return HARDWARE_CONFIGS.map(({ notSupportCgId, status, ...config }) => ({
      ...config,
      current: first?.hardwareConfigId === config.id,
      notSupportCgId: [...notSupportCgId],
      status,
    }));
  },
  list_pack_nodes: (farm) => farm.account.packNodes(),
  edit_task_hardware_config: (_farm, ctx) => void actions.editHardware(ctx, ctx.args),

  // ── logs ──
  get_task_operation_log: (farm, { args }) => farm.log.list(args, intArg(args, 'pageNum', 1), intArg(args, 'pageSize', 10)),
  get_login_log: (farm, { args }) => farm.account.loginRecords(args, intArg(args, 'pageNum', 1), intArg(args, 'pageSize', 10)),
  get_render_log: (farm, { args, now }) => {
    const found = farm.store.frame(args.id as number, now);
    if (!found) throw new FarmError(404, `frame ${String(args.id)} does not exist`);
    return renderLog(found.task, found.frame, now, intArg(args, 'pageNum', 1), intArg(args, 'pageSize', 100));
  },

  // ── tasks ──
  create_task: (_farm, ctx) => createTasks(ctx, ctx.args),
  upload_task_json: (_farm, ctx) => void uploadTaskJson(ctx, ctx.args),
  submit_task: (_farm, ctx) => void submitTask(ctx, ctx.args),
  get_analysis_error_detail: (_farm, { args }) => errorDetails(args),
  get_task_list: (farm, ctx) => taskList(farm, ctx),
  get_task_info: (farm, { args, now }) => {
    const found = ids(args)
      .map((id) => farm.store.task(id))
      .filter((task) => task !== undefined);
    const items = [...new Set(found)].map((task) => taskRecord(farm.store.sync(task, now), farm.store, farm.labels, now));
    return { pageCount: items.length ? 1 : 0, pageNum: 1, total: items.length, size: 100, items };
  },
  stop_task: (_farm, ctx) => void actions.stopTasks(ctx, ids(ctx.args)),
  start_task: (_farm, ctx) => void actions.startTasks(ctx, ids(ctx.args)),
  abandon_task: (_farm, ctx) => void actions.abandonTasks(ctx, ids(ctx.args)),
  delete_task: (_farm, ctx) => void actions.deleteTasks(ctx, ids(ctx.args)),
  set_task_overtime_stop: (_farm, ctx) => actions.setOvertimeStop(ctx, ids(ctx.args), ctx.args.overTime as number),
  full_speed_render: (_farm, ctx) => actions.fullSpeed(ctx, ids(ctx.args)),
  update_task_priority: (_farm, ctx) => void actions.updatePriority(ctx, ctx.args.taskId as number, ctx.args.taskUserLevel as number),
  update_task_limit: (_farm, ctx) => void actions.updateLimit(ctx, ctx.args.taskId as number, ctx.args.taskLimit as number),

  // ── frames ──
  get_task_frames: (farm, ctx) => taskFrames(farm, ctx),
  get_frame_stats: (farm, { now }) => frameStats(farm, now),
  restart_failed_frames: (_farm, ctx) => void actions.restartFailed(ctx, ids(ctx.args), ctx.args.status as number[] | undefined),
  restart_frames: (_farm, ctx) => void actions.restartFrames(ctx, ctx.args),
  stop_task_frames: (_farm, ctx) => void actions.stopChosenFrames(ctx, ctx.args),
  get_task_progress: (farm, { args, now }) => progress(farm.store, args.taskId as number, args.frameType as number | undefined, now),
  get_frame_thumbnail: (farm, { args, now }) => thumbnail(farm.store, args.id as number, args.frameStatus as number, now),

  // ── labels ──
  add_project_label: (farm, { args }) => void farm.labels.addProject(String(args.newName), (args.status as number | undefined) ?? 1),
  delete_project_label: (farm, { args }) => void farm.labels.deleteProject(String(args.delName)),
  list_project_labels: (farm) => farm.labels.projectList(),
  list_projects: (farm, { args }) => farm.labels.projectList(args.flag as number),
  add_task_label: (_farm, ctx) => void actions.addTaskLabel(ctx, String(ctx.args.label), ids(ctx.args)),
  delete_task_label: (_farm, ctx) => void actions.deleteTaskLabel(ctx, ctx.args),

  // ── environments ──
  get_supported_software: () => ({ isAutoCommit: 2, renderInfoList: SOFTWARE.map((app) => ({ ...app })), defaultCgId: DEFAULT_CG_ID }),
  get_supported_plugins: (_farm, { args }) => softwareVersions(args.cgId as number, args.osName as string | undefined),
  add_render_env: (farm, { args }) => farm.envs.add(args),
  update_render_env: (farm, { args }) => void farm.envs.update(args),
  delete_render_env: (farm, { args }) => void farm.envs.delete(String(args.editName)),
  set_default_render_env: (farm, { args }) => void farm.envs.setDefault(String(args.editName)),
  get_render_env: (farm, { args }) => farm.envs.list(args),
} satisfies Record<EndpointId, Handler>;

/**
 * Error-code explanations (seed 001's CodeInfo shape). `language` 0 Chinese (the documented default), 1 English;
 * codes the catalogue does not know are left out, as a lookup would.
 */
function errorDetails(args: Record<string, unknown>): Record<string, unknown>[] {
  const wanted = [args.code, ...((args.codes as unknown[] | undefined) ?? [])].filter((code) => code !== undefined).map((code) => String(code).trim());
  if (wanted.length === 0) throw new FarmError(601, 'parameter code or codes can not be empty');
  const english = args.language === 1;
  return [...new Set(wanted)].flatMap((code) => {
    const index = ERROR_CODES.findIndex((entry) => String(entry.code) === code);
    if (index < 0) return [];
    const entry = ERROR_CODES[index]!;
    return [
      {
        id: index + 1,
        code: String(entry.code),
        type: entry.type,
        languageFlag: english ? 1 : 0,
        desDescriptionCn: english ? entry.en : entry.zh,
        desSolutionCn: english ? entry.enSolution : entry.zhSolution,
        solutionPath: `https://www.renderbus.com/support-new/error-code/${entry.code}`,
        isRepair: entry.isRepair,
        isDelete: 1,
        isOpen: entry.type,
        lastModifyAdmin: '',
        updateTime: 1_534_387_709_000 + index * 86_400_000,
      },
    ];
  });
}
