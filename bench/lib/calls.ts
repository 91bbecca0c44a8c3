import type { FarmSample } from '../farm-child.js';

export interface ToolCallSpec {
  name: string;
  args: Record<string, unknown>;
}

/** The main read tools, with arguments that hit real data in the seeded farm. */
export function readCalls(sample: FarmSample): ToolCallSpec[] {
  return [
    { name: 'get_task_list', args: { page_size: 20 } },
    { name: 'get_task_info', args: { task_ids: [sample.finished] } },
    { name: 'get_task_frames', args: { task_id: sample.failedLeaf, page_size: 50 } },
    { name: 'get_frame_stats', args: {} },
    { name: 'get_user_profile', args: {} },
    { name: 'get_render_log', args: { frame_id: sample.failedFrame } },
  ];
}

/** Runs `total` jobs with at most `inFlight` at once; `job(i)` gets the job's index. */
export async function pool(total: number, inFlight: number, job: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
}
