import type { AnyTool } from './define.js';
import { FRAME_TOOLS } from './catalog/frames.js';
import { LOG_TOOLS } from './catalog/logs.js';
import { TASK_TOOLS } from './catalog/tasks.js';
import { ACCOUNT_TOOLS } from './catalog/account.js';
import { TRANSFER_TOOLS } from './catalog/transfer.js';
import { HARDWARE_TOOLS } from './catalog/hardware.js';
import { LABEL_TOOLS } from './catalog/labels.js';
import { ENVIRONMENT_TOOLS } from './catalog/environments.js';
import { WORKFLOW_TOOLS } from './catalog/workflows/index.js';

/** Every tool the server can expose, in tools/list order. */
export const ALL_TOOLS: readonly AnyTool[] = [...WORKFLOW_TOOLS, ...TASK_TOOLS, ...FRAME_TOOLS, ...LOG_TOOLS, ...ACCOUNT_TOOLS, ...TRANSFER_TOOLS, ...HARDWARE_TOOLS, ...LABEL_TOOLS, ...ENVIRONMENT_TOOLS];
