import type { FarmLink } from './link.js';

/** A hardware configuration as the farm returns it (seed 001). */
export interface HardwareConfig {
  id: number;
  type?: number | null;
  model?: string | null;
  ram?: string | null;
  gpuNum?: string | number | null;
  platform?: number | null;
  current?: boolean | string | null;
  notSupportCgId?: number[] | null;
  status?: number | null;
}

/** A reserved-machine plan (seed 001). */
export interface PackNode {
  packNodeId?: number | null;
  packName?: string | null;
}

export type HardwareAnswers = {
  list_hardware_configs: HardwareConfig[] | null;
  list_pack_nodes: PackNode[] | null;
  edit_task_hardware_config: unknown;
};

/** The configuration a task moves to, as list_hardware_configs describes it. */
export interface HardwareChoice {
  taskIds: readonly number[];
  configId: number;
  model: string;
  /** "" on CPU configurations. */
  gpuNum: string;
  ram: string;
}

export class HardwareApi {
  constructor(private readonly link: FarmLink) {}

  /**
   * The platform's machine configurations; given task ids, `current` marks theirs. Wire: the SDK sends `cloneTask`
   * as the string "false" and the task ids as strings (operators/user.py).
   */
  async configs(taskIds?: readonly number[]): Promise<HardwareConfig[]> {
    const data = await this.link.send('list_hardware_configs', { cloneTask: 'false', taskIds: taskIds?.map(String) });
    return (data ?? []).filter((c) => c && typeof c.id === 'number');
  }

  async packNodes(): Promise<PackNode[]> {
    return (await this.link.send('list_pack_nodes')) ?? [];
  }

  /** Seed 001: ids and the configuration id travel as strings, the configuration id as a list. */
  moveTasks(choice: HardwareChoice) {
    return this.link.send('edit_task_hardware_config', {
      taskIds: choice.taskIds.map(String),
      hardwareConfigId: [String(choice.configId)],
      model: choice.model,
      gpuNum: choice.gpuNum,
      ram: choice.ram,
    });
  }
}
