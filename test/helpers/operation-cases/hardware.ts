import { expect } from 'vitest';
import { type Cases, expectFields, find, type Row } from './checks.js';

/** Hardware configurations and reserved machines (src/client/operations/hardware.ts). */
export const HARDWARE_CASES = {
  list_hardware_configs: (farm) => {
    const task = find.simple(farm, 25);
    return {
      args: { cloneTask: 'false', taskIds: [String(task.id)] },
      check: (data) => {
        for (const config of data as Row[])
          expectFields(config, {
            id: 'number',
            type: 'number',
            model: 'string',
            gpuNum: 'string?',
            ram: 'string',
            platform: 'number',
            current: 'boolean',
            notSupportCgId: 'array',
            status: 'number',
          });
        expect((data as Row[]).filter((config) => config.current)).toHaveLength(1);
      },
    };
  },
  list_pack_nodes: () => ({
    args: {},
    check: (data) =>
      expect(data).toEqual([
        { packNodeId: 809, packName: 'plan1' },
        { packNodeId: 811, packName: 'plan2' },
      ]),
  }),
  edit_task_hardware_config: (farm) => {
    const task = find.simple(farm, 10);
    return {
      args: { taskIds: [String(task.id)], hardwareConfigId: ['339'], model: '2080Ti', gpuNum: '', ram: '64GB' },
      check: (data) => {
        expect(data).toBeNull();
        const configs = farm.call('list_hardware_configs', { taskIds: [String(task.id)] }) as Row[];
        expect(configs.find((config) => config.current)?.id).toBe(339);
      },
    };
  },
} satisfies Cases;
