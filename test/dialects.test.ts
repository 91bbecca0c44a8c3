import { describe, expect, it } from 'vitest';
import { OPERATIONS, OPERATION_IDS } from '../src/client/operations.js';

/**
 * The classic and Dayan paths no document gives (src/client/operations.ts, `assumed(...)`), written out so that a
 * new assumption cannot slip in unmarked: adding one to the catalog fails here until it is listed.
 */
const ASSUMED = {
  classic: [
    'list_output_files',
    'list_hardware_configs',
    'list_pack_nodes',
    'edit_task_hardware_config',
    'get_task_operation_log',
    'get_login_log',
    'get_render_log',
    'update_task_limit',
    'stop_task_frames',
    'list_projects',
  ],
  // Seed 004 documents 11 interfaces; every other Dayan path is the current one, sent on faith.
  dayan: [
    'list_platforms',
    'update_user_settings',
    'get_transfer_server_info',
    'get_raysync_user_key',
    'list_hardware_configs',
    'list_pack_nodes',
    'edit_task_hardware_config',
    'get_task_operation_log',
    'get_login_log',
    'get_render_log',
    'get_analysis_error_detail',
    'get_task_list',
    'start_task',
    'abandon_task',
    'delete_task',
    'set_task_overtime_stop',
    'full_speed_render',
    'update_task_priority',
    'update_task_limit',
    'get_task_frames',
    'get_frame_stats',
    'restart_frames',
    'stop_task_frames',
    'get_task_progress',
    'get_frame_thumbnail',
    'add_project_label',
    'delete_project_label',
    'list_project_labels',
    'list_projects',
    'add_task_label',
    'delete_task_label',
    'get_supported_software',
    'get_supported_plugins',
    'add_render_env',
    'update_render_env',
    'delete_render_env',
    'set_default_render_env',
    'get_render_env',
  ],
} as const;

const ENDPOINTS = OPERATION_IDS.filter((id) => !OPERATIONS[id].composedOf);

describe('dialect paths', () => {
  it.each(['classic', 'dayan'] as const)('lists every %s path that is an assumption', (scheme) => {
    expect(ENDPOINTS.filter((id) => OPERATIONS[id].assumptions[scheme] !== undefined)).toEqual(ASSUMED[scheme]);
  });

  it('gives each assumption its reason, and none for the current paths (the SDK and seed 001)', () => {
    for (const id of ENDPOINTS) {
      const { assumptions } = OPERATIONS[id];
      for (const reason of Object.values(assumptions)) expect(reason, id).toMatch(/\w{3,}.*\w{3,}/);
      expect(assumptions.current, id).toBeUndefined();
    }
  });

  it('documents 39 classic and 11 Dayan paths', () => {
    expect(ENDPOINTS.length - ASSUMED.classic.length).toBe(39);
    expect(ENDPOINTS.length - ASSUMED.dayan.length).toBe(11);
  });
});
