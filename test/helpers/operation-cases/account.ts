import { expect } from 'vitest';
import { type Cases, expectFields, type Row } from './checks.js';

/** Profile, settings and render platforms (src/client/operations/account.ts). */
export const ACCOUNT_CASES = {
  list_platforms: () => ({
    args: { zone: 2 },
    check: (data) => {
      expect(Array.isArray(data)).toBe(true);
      for (const platform of data as Row[])
        expectFields(platform, { platform: 'number', name: 'string', type: 'number', status: 'number', taskPrefix: 'string', isShow: 'number' });
    },
  }),
  get_user_profile: () => ({
    args: {},
    check: (data) =>
      expectFields(data, {
        userId: 'number',
        userName: 'string',
        platform: 'number',
        zone: 'number',
        rmbbalance: 'number',
        coupon: 'number',
        cpuPrice: 'number',
        pictureLever: 'string?',
        studentEndTime: 'number?',
      }),
  }),
  get_user_settings: () => ({
    args: {},
    check: (data) =>
      expectFields(data, {
        infoStatus: 'number?',
        singleNodeRenderFrames: 'string',
        maxIgnoreMapFlag: 'string',
        autoCommit: 'string',
        downloadDisable: 'number',
        taskOverTime: 'number',
        taskOverTimeSec: 'number',
      }),
  }),
  update_user_settings: () => ({ args: { taskOverTimeSec: 7200 }, check: (data) => expect(data).toBeNull() }),
} satisfies Cases;
