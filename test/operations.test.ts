import { describe, expect, it } from 'vitest';
import { OPERATIONS, OPERATION_IDS, SCHEMES } from '../src/client/operations.js';
import { buildRoutes } from '../src/sandbox/routes.js';

// The 48 operations of ../shared/docs/api-catalog.md §4 and the four the current SDK adds.
const CATALOG_48 = `list_platforms get_user_profile get_user_settings update_user_settings get_transfer_bid get_transfer_config
get_transfer_server_info get_raysync_user_key list_hardware_configs list_pack_nodes get_task_operation_log get_login_log
create_task upload_task_json submit_task get_analysis_error_detail get_task_list get_task_info get_subtask_ids stop_task
start_task abandon_task delete_task set_task_overtime_stop full_speed_render edit_task_hardware_config get_task_frames
get_all_task_frames get_frame_stats restart_failed_frames restart_frames restart_frames_by_number get_task_progress
get_frame_thumbnail add_project_label delete_project_label list_project_labels list_projects add_task_label
delete_task_label get_supported_software get_supported_plugins add_render_env update_render_env delete_render_env
set_default_render_env get_render_env list_output_files`.split(/\s+/);
const SDK_ADDITIONS = ['stop_task_frames', 'get_render_log', 'update_task_priority', 'update_task_limit'];

describe('operation catalog', () => {
  it('has exactly the 48 catalog operations plus the 4 SDK additions', () => {
    expect(CATALOG_48).toHaveLength(48);
    expect([...OPERATION_IDS].sort()).toEqual([...CATALOG_48, ...SDK_ADDITIONS].sort());
    expect(new Set(OPERATION_IDS).size).toBe(52);
  });

  it('gives every operation a safety class and a path in every scheme starting with /', () => {
    for (const id of OPERATION_IDS) {
      const op = OPERATIONS[id];
      expect(['read', 'write', 'costly', 'destructive'], id).toContain(op.safety);
      for (const scheme of SCHEMES) expect(op.paths[scheme], `${id} ${scheme}`).toMatch(/^\/api\/render(ing)?\//);
      expect(op.retrySafe, id).toBe(op.safety === 'read');
    }
  });

  it('uses the current SDK paths (sdk-reference §2) for the current scheme', () => {
    expect(OPERATIONS.get_task_list.paths.current).toBe('/api/render/handle/getTaskList/v2');
    expect(OPERATIONS.get_task_info.paths.current).toBe('/api/render/handle/queryTaskInfo/v2');
    expect(OPERATIONS.stop_task.paths.current).toBe('/api/rendering/task/renderingTask/stopTask');
    expect(OPERATIONS.restart_failed_frames.paths.dayan).toBe('/api/rendering/task/renderingTask/recommitFailFrame');
    expect(OPERATIONS.get_transfer_server_info.paths.classic).toBe('/api/render/task/getTransferServerMsg');
  });

  it('composes the SDK-only helpers from real operations', () => {
    expect(OPERATIONS.get_subtask_ids.composedOf).toEqual(['get_task_info']);
    expect(OPERATIONS.get_all_task_frames.composedOf).toEqual(['get_task_frames']);
    expect(OPERATIONS.restart_frames_by_number.composedOf).toContain('restart_frames');
    const composed = OPERATION_IDS.filter((id) => OPERATIONS[id].composedOf);
    expect(composed).toHaveLength(3);
  });

  it('marks exactly the five destructive tools of the safety design as destructive', () => {
    const destructive = OPERATION_IDS.filter((id) => OPERATIONS[id].safety === 'destructive').sort();
    expect(destructive).toEqual(['abandon_task', 'delete_project_label', 'delete_render_env', 'delete_task', 'delete_task_label']);
    const costly = OPERATION_IDS.filter((id) => OPERATIONS[id].safety === 'costly').sort();
    expect(costly).toEqual([
      'edit_task_hardware_config',
      'full_speed_render',
      'restart_failed_frames',
      'restart_frames',
      'restart_frames_by_number',
      'start_task',
      'submit_task',
    ]);
  });

  it('never lets two operations claim the same path', () => {
    expect(() => buildRoutes()).not.toThrow();
    expect(buildRoutes().size).toBeGreaterThan(49);
  });
});
