import { expect } from 'vitest';
import { type Cases, expectFields, find, PAGED, type Row, type Spec } from './checks.js';

const FRAME: Spec = {
  id: 'number',
  userId: 'number?',
  framePrice: 'number?',
  feeType: 'number?',
  platform: 'number?',
  frameIndex: 'string',
  frameBlock: 'string',
  frameStatus: 'number',
  feeAmount: 'number?',
  couponFee: 'number?',
  startTime: 'number',
  endTime: 'number',
  frameExecuteTime: 'number',
  frameStatusText: 'string',
  arrearsFee: 'number?',
  taskId: 'number',
  frameType: 'number',
  recommitFlag: 'number',
  taskOverTime: 'number',
  gopName: 'string?',
  frameRam: 'number?',
  munuTaskId: 'string',
  nodeId: 'string',
};

/** Frames, their progress and thumbnails, resubmission (src/client/operations/frames.ts). */
export const FRAME_CASES = {
  get_task_frames: (farm) => {
    const task = find.simple(farm, 30);
    return {
      args: { taskId: task.id, pageNum: 1, pageSize: 3 },
      check: (data) => {
        expectFields(data, PAGED);
        expect((data as Row).total).toBe(task.totalFrames);
        for (const frame of (data as Row).items as Row[]) {
          expectFields(frame, FRAME);
          expect(frame.taskId).toBe(task.id);
          expect(frame.frameStatusText).toBe(`task_frame_status_${String(frame.frameStatus)}`);
        }
      },
    };
  },
  get_frame_stats: () => ({
    args: {},
    check: (data) => {
      expectFields(data, {
        executingFramesTotal: 'number',
        doneFramesTotal: 'number',
        failedFramesTotal: 'number',
        waitingFramesTotal: 'number',
        abandonFramesTotal: 'number',
        totalFrames: 'number',
      });
      const stats = data as Record<string, number>;
      expect(stats.executingFramesTotal! + stats.doneFramesTotal! + stats.failedFramesTotal! + stats.waitingFramesTotal! + stats.abandonFramesTotal!).toBe(
        stats.totalFrames,
      );
    },
  }),
  restart_failed_frames: (farm) => {
    const task = find.task(farm, (candidate) => candidate.taskStatus === 30 && candidate.respRenderingTaskList === null && candidate.failedFrames !== 0);
    return {
      args: { taskIds: [task.id], status: [5] },
      check: () => expect(farm.taskInfo(task.id as number)).toMatchObject({ taskStatus: 0, failedFrames: 0 }),
    };
  },
  restart_frames: (farm) => {
    const task = find.simple(farm, 25);
    const frame = find.frame(farm, task.id as number, 4);
    return {
      args: { taskId: task.id, selectAll: 0, ids: [frame.id] },
      check: () => expect(farm.taskFrames(task.id as number).find((f) => f.id === frame.id)).toMatchObject({ frameStatus: 1, recommitFlag: 1 }),
    };
  },
  stop_task_frames: (farm) => {
    const task = find.task(
      farm,
      (candidate) => candidate.taskStatus === 5 && candidate.respRenderingTaskList === null && (candidate.waitingCount as number) > 0,
    );
    const frame = find.frame(farm, task.id as number, 1);
    return {
      args: { taskId: task.id, selectAll: 0, ids: [frame.id] },
      check: () => expect(farm.taskFrames(task.id as number).find((f) => f.id === frame.id)?.frameStatus).toBe(3),
    };
  },
  get_task_progress: (farm) => {
    const task = find.task(farm, (candidate) => candidate.cgId === 2001 && candidate.respRenderingTaskList !== null && candidate.taskStatus === 25);
    return {
      args: { taskId: task.id, frameType: 5 },
      check: (data) => {
        expectFields(data, {
          width: 'number',
          height: 'number',
          block: 'number',
          isRenderPhoton: 'boolean',
          currentTaskType: 'string',
          sceneName: 'string',
          startTime: 'string?',
          grabInfo: 'array',
        });
        const blocks = ((data as Row).grabInfo as Row[][]).flat();
        expect(blocks.length).toBe((data as Row).block);
        for (const block of blocks)
          expectFields(block, {
            startTime: 'string',
            endTime: 'string',
            frameStatus: 'string',
            feeAmount: 'string',
            couponFee: 'string',
            frameIndex: 'string',
            framePercent: 'string',
            frameUsed: 'string',
            frameEst: 'string',
            grabUrl: 'string',
          });
      },
    };
  },
  get_frame_thumbnail: (farm) => {
    const task = find.simple(farm, 25);
    const frame = find.frame(farm, task.id as number, 4);
    return {
      args: { id: frame.id, frameStatus: 4 },
      check: (data) =>
        expect(data).toEqual([expect.stringMatching(new RegExp(`^small_pic\\\\.+\\\\Render_${String(frame.id)}_renderbus_\\d{4}\\[-\\]\\.jpg$`))]),
    };
  },
} satisfies Cases;
