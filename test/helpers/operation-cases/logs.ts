import { expect } from 'vitest';
import { type Cases, expectFields, find, PAGED, type Row } from './checks.js';

/** Render logs, task operation and login history (src/client/operations/logs.ts). */
export const LOG_CASES = {
  get_task_operation_log: () => ({
    args: { platform: 2, pageNum: 1, pageSize: 5, startDate: '', endDate: '' },
    check: (data) => {
      expectFields(data, PAGED);
      for (const item of (data as Row).items as Row[]) {
        expectFields(item, {
          userName: 'string',
          taskType: 'string',
          buttonName: 'string',
          taskIds: 'string',
          channel: 'string',
          createTime: 'string',
          details: 'string',
          operateSource: 'number',
          requestURI: 'string',
          requestParam: 'string',
        });
        expect(item.createTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
    },
  }),
  // The dates are required (seed 001); the SDK sends them as "" when not given.
  get_login_log: () => ({
    args: { pageNum: 1, pageSize: 5, startDate: '', endDate: '' },
    check: (data) => {
      expectFields(data, PAGED);
      expect(((data as Row).items as Row[]).length).toBe(5);
      for (const item of (data as Row).items as Row[])
        expectFields(item, {
          id: 'number',
          userId: 'number',
          userName: 'string',
          userUa: 'string',
          traceId: 'string',
          loginType: 'string',
          loginStaDesc: 'string',
          loginTime: 'number',
          loginIp: 'string',
        });
    },
  }),
  get_render_log: (farm) => {
    const task = find.simple(farm, 30);
    const frame = find.frame(farm, task.id as number, 5);
    return {
      args: { renderingType: 'render', pageNum: 1, pageSize: 200, id: frame.id },
      check: (data) => {
        expectFields(data, PAGED);
        const lines = (data as Row).items as string[];
        expect(lines.every((line) => typeof line === 'string')).toBe(true);
        expect(lines.some((line) => /^ERROR \d+: \S/.test(line))).toBe(true);
      },
    };
  },
} satisfies Cases;
