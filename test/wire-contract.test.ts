import { describe, expect, it } from 'vitest';
import { OPERATION_IDS } from '../src/client/operations.js';
import { CONTRACT, DIALECTS, endpointOf, isComposed, type Dialect } from '../src/sandbox/contract/index.js';
import { buildRoutes } from '../src/sandbox/routes.js';
import { assumedPaths, catalogDiff } from './helpers/wire-contract.js';
import { KNOWN_DISAGREEMENTS } from './helpers/wire-disagreements.js';

/**
 * The client's catalog against the sandbox's wire contract, which is transcribed from the documents on its own:
 * a wrong path or parameter name in either one shows up here as a line of the diff.
 */
describe('the client catalog against the wire contract', () => {
  it('agrees on every path, variant, composition and wire name, apart from the known disagreements', () => {
    expect(catalogDiff().sort()).toEqual([...KNOWN_DISAGREEMENTS].sort());
  });

  it('covers exactly the catalog operations', () => {
    expect(Object.keys(CONTRACT).sort()).toEqual([...OPERATION_IDS].sort());
  });
});

describe('the wire contract', () => {
  it('gives every path to one operation only, so every request routes to one operation', () => {
    expect(() => buildRoutes()).not.toThrow();
    const routes = buildRoutes();
    for (const id of OPERATION_IDS) {
      const endpoint = endpointOf(id);
      for (const dialect of DIALECTS) if (endpoint) expect(routes.get(endpoint[dialect].path)?.operation, `${id} ${dialect}`).toBe(id);
    }
  });

  it('writes paths as absolute /api paths and cites a source for every variant', () => {
    for (const id of OPERATION_IDS) {
      const endpoint = endpointOf(id);
      if (!endpoint) continue;
      for (const dialect of DIALECTS) {
        for (const path of [endpoint[dialect].path, ...endpoint[dialect].variants.map((variant) => variant.path)]) {
          expect(path, `${id} ${dialect}`).toMatch(/^\/api\/render(ing)?\/[A-Za-z/]+[A-Za-z0-9]$/);
        }
        for (const variant of endpoint[dialect].variants) expect(variant.source, `${id} ${dialect} ${variant.path}`).toMatch(/^(seed \d{3} "|sdk-reference §)/);
      }
    }
  });

  it('hands the farm only names it knows: every renamed parameter maps to a current-dialect name', () => {
    for (const id of OPERATION_IDS) {
      const endpoint = endpointOf(id);
      if (!endpoint) continue;
      const current = Object.keys(endpoint.current.params);
      for (const dialect of DIALECTS) {
        for (const [name, param] of Object.entries(endpoint[dialect].params)) {
          expect(current, `${id} ${dialect} ${name}`).toContain(param.as ?? name);
          if (param.allowEmpty) expect(param.required, `${id} ${dialect} ${name}: only a required parameter may be empty`).toBe(true);
        }
      }
    }
  });

  it('builds every SDK-only helper from operations with an endpoint', () => {
    for (const id of OPERATION_IDS) {
      const contract = CONTRACT[id];
      if (!isComposed(contract)) continue;
      expect(contract.composedOf.length, id).toBeGreaterThan(0);
      for (const part of contract.composedOf) expect(endpointOf(part), `${id} is built from ${part}`).toBeDefined();
    }
  });
});

/** Operation ids whose whole dialect (path and names) is assumed to be the current one. */
/** `operation name` for every parameter whose name is assumed on a dialect whose path is documented. */
function assumedNames(dialect: Dialect): string[] {
  return OPERATION_IDS.flatMap((id) => {
    const wire = endpointOf(id)?.[dialect];
    if (!wire || 'assumed' in wire.source) return [];
    return Object.entries(wire.params)
      .filter(([, param]) => 'assumed' in param.source)
      .map(([name]) => `${id} ${name}`);
  });
}

/**
 * Every path and name no document gives, written out: a new assumption fails this test until it is added here,
 * so none slips in unmarked (the contract's types already force each one to carry a source or a reason).
 */
describe('the assumptions of the wire contract', () => {
  it('assumes no path or name of the current dialect', () => {
    expect(assumedPaths('current')).toEqual([]);
    expect(assumedNames('current')).toEqual([]);
  });

  it('assumes 10 classic paths: interfaces added after the classic scheme', () => {
    expect(assumedPaths('classic')).toEqual([
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
    ]);
  });

  it('assumes 13 classic names where a document gives the classic path but only SDK arguments or nothing', () => {
    expect(assumedNames('classic')).toEqual([
      'create_task taskUserLevel',
      'create_task labels',
      'upload_task_json taskId',
      'upload_task_json fileName',
      'upload_task_json content',
      'get_task_list searchKeyword',
      'get_task_list startTime',
      'get_task_list endTime',
      'full_speed_render taskIds',
      'update_task_priority taskId',
      'update_task_priority taskUserLevel',
      'add_task_label label',
      'add_task_label taskIds',
    ]);
  });

  it('assumes 38 Dayan paths: every interface seed 004 does not document', () => {
    expect(assumedPaths('dayan')).toEqual([
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
    ]);
  });

  it('assumes 15 Dayan names: seed 004 documents SDK keyword arguments, not wire names', () => {
    expect(assumedNames('dayan')).toEqual([
      'list_output_files treePath',
      'list_output_files taskId',
      'create_task count',
      'create_task taskUserLevel',
      'create_task outUserId',
      'create_task labels',
      'create_task cloneOriginalId',
      'create_task artist',
      'upload_task_json taskId',
      'upload_task_json fileName',
      'upload_task_json content',
      'submit_task taskId',
      'submit_task producer',
      'get_task_info taskIds',
      'stop_task taskIds',
    ]);
  });

  it('gives a reason for every assumption and a citation for everything else', () => {
    for (const id of OPERATION_IDS) {
      const endpoint = endpointOf(id);
      if (!endpoint) continue;
      for (const dialect of DIALECTS) {
        const sources = [endpoint[dialect].source, ...Object.values(endpoint[dialect].params).map((param) => param.source)];
        for (const source of sources) {
          if ('assumed' in source) expect(source.assumed.length, `${id} ${dialect}`).toBeGreaterThan(40);
          else expect(source.doc, `${id} ${dialect}`).toMatch(/^(seed \d{3} "[^"]+"|sdk-reference §\d)/);
        }
      }
    }
  });
});
