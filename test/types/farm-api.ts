/**
 * Compile-time checks of the farm API, compiled by test/typecheck.test.ts (and by `npm run typecheck`). Each
 * `@ts-expect-error` marks a line that must NOT compile: if the error disappears, the unused directive is itself an
 * error and the test fails.
 */
import type { FarmApi } from '../../src/client/api/index.js';
import type { FarmLink } from '../../src/client/api/link.js';
import type { BodyOf } from '../../src/client/operations.js';
import type { ApiTool } from '../../src/tools/define.js';
import type { getTaskInfo } from '../../src/tools/catalog/tasks.js';

export async function requestBodies(api: FarmApi, link: FarmLink): Promise<void> {
  await api.tasks.stop({ taskIds: [1] });
  // @ts-expect-error stop_task takes `taskIds`: an unknown key does not compile
  await api.tasks.stop({ taskIds: [1], taskId: 1 });
  // @ts-expect-error a misspelt key
  await api.tasks.list({ pageNum: 1, pageSize: 10, statusLst: [5] });
  // @ts-expect-error a key every dialect requires (taskUserLevel) left out
  await api.tasks.setPriority({ taskId: 1 });
  // @ts-expect-error a value the catalog does not allow (selectAll is 0 or 1)
  await api.frames.restart({ taskId: 1, selectAll: 2 });
  // @ts-expect-error a number where the wire takes strings (the SDK sends hardware task ids as strings)
  await link.send('list_hardware_configs', { taskIds: [1] });
  // @ts-expect-error an operation without parameters takes no body
  await link.send('get_frame_stats', { pageNum: 1 });
  // @ts-expect-error a composed operation has no endpoint of its own
  await link.send('get_subtask_ids', {});
  // @ts-expect-error a body is required where a key is
  await link.send('stop_task');
}

export function answers(data: Awaited<ReturnType<FarmLink['send']>>, platforms: Awaited<ReturnType<FarmApi['account']['platforms']>>): void {
  void data;
  // @ts-expect-error answers are typed: a platform has no `title`
  void platforms.platforms[0]?.title;
}

export const zone: BodyOf<'list_platforms'> = { zone: 1 };
// @ts-expect-error zone is 1 or 2 (list_platforms' allowed values)
export const badZone: BodyOf<'list_platforms'> = { zone: 3 };

// @ts-expect-error the tool index keys tools by operation: get_task_info's tool cannot stand for get_task_list
export const misfiled: ApiTool<'get_task_list'> = {} as typeof getTaskInfo;
