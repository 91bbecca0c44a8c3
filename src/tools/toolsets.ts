/**
 * Toolsets: the groups RAYVISION_TOOLSETS / --toolsets enables, each with what it holds. Every tool names its
 * toolset in its definition (src/tools/catalog); resources follow the toolset of the tool that shows the same thing.
 */
export const TOOLSET_DESCRIPTIONS = {
  account: 'profile, balance, account settings and render platforms',
  tasks: 'task lists and details, submission, start, stop, priorities, status summaries and waiting',
  frames: 'frames, their progress and thumbnails, resubmission, and triage of failures',
  labels: 'projects and task labels',
  environments: 'supported software and plugins, and your render environments',
  transfer: 'transfer ids, RaySync settings and keys, output files',
  hardware: 'hardware configurations and reserved machines',
  logs: 'render logs, task operation and login history',
} as const;

export type Toolset = keyof typeof TOOLSET_DESCRIPTIONS;

/** Toolset names in the order --help and the README list them. */
export const TOOLSETS = Object.keys(TOOLSET_DESCRIPTIONS) as readonly Toolset[];
