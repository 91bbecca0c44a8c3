import type { AnyTool } from './define.js';
import { TASK_TOOLS } from './tasks.js';

/** Every tool the server can expose, in tools/list order. */
export const ALL_TOOLS: readonly AnyTool[] = [...TASK_TOOLS];
