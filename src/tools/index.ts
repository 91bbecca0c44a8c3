import type { AnyTool } from './define.js';
import { FRAME_TOOLS } from './frames.js';
import { LOG_TOOLS } from './logs.js';
import { TASK_TOOLS } from './tasks.js';
import { ACCOUNT_TOOLS } from './account.js';
import { TRANSFER_TOOLS } from './transfer.js';
import { HARDWARE_TOOLS } from './hardware.js';
import { LABEL_TOOLS } from './labels.js';
import { ENVIRONMENT_TOOLS } from './environments.js';
import { WORKFLOW_TOOLS } from './workflows/index.js';

/** Every tool the server can expose, in tools/list order. */
export const ALL_TOOLS: readonly AnyTool[] = [...WORKFLOW_TOOLS, ...TASK_TOOLS, ...FRAME_TOOLS, ...LOG_TOOLS, ...ACCOUNT_TOOLS, ...TRANSFER_TOOLS, ...HARDWARE_TOOLS, ...LABEL_TOOLS, ...ENVIRONMENT_TOOLS];
