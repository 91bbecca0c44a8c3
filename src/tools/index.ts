import type { AnyTool } from './define.js';
import { FRAME_TOOLS } from './frames.js';
import { LOG_TOOLS } from './logs.js';
import { TASK_TOOLS } from './tasks.js';

/** Every tool the server can expose, in tools/list order. */
export const ALL_TOOLS: readonly AnyTool[] = [...TASK_TOOLS, ...FRAME_TOOLS, ...LOG_TOOLS];
