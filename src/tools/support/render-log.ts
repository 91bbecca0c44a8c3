import type { ToolContext } from '../define.js';
import { farmText } from './sanitize.js';

/** `ERROR 15000: 3ds Max hangs` (the form the farm writes for a failed frame), and other error-looking lines. */
const ERROR_LINE = /\b(?:ERROR|FATAL)\b|\b[Ee]rror:/;
const ERROR_CODE = /\bERROR\s+([A-Za-z0-9_-]{1,20}):/;

export type ErrorLine = {
  line: string;
  code?: string;
  /** The line before a coded error: the software's own words about it. */
  context?: string;
};

export function errorLines(lines: readonly string[]): ErrorLine[] {
  const found: ErrorLine[] = [];
  lines.forEach((line, i) => {
    if (!ERROR_LINE.test(line)) return;
    const code = ERROR_CODE.exec(line)?.[1];
    const before = i > 0 ? lines[i - 1]! : undefined;
    const context = code && before && !ERROR_LINE.test(before) ? before.trim() : undefined;
    found.push({ line: line.trim(), ...(code ? { code } : {}), ...(context ? { context } : {}) });
  });
  return found;
}

export interface RenderLogPage {
  lines: string[];
  /** Lines in the whole log. */
  total: number;
  errors: ErrorLine[];
  /** Where errors beyond this page were found, when they were. */
  errorSource?: string;
}

/**
 * One page of a frame's render log and the error lines in it. A failed frame's error is written near the end of its
 * log: when asked for the first page of a longer log, the last page is read too so the error is never hidden.
 */
export async function readRenderLog(
  ctx: ToolContext,
  request: { frameId: number; page: number; pageSize: number; renderingType: string },
): Promise<RenderLogPage> {
  const read = (pageNum: number) => ctx.api.logs.renderLog({ renderingType: request.renderingType, pageNum, pageSize: request.pageSize, id: request.frameId });
  const { lines: raw, total: reported } = await read(request.page);
  // Log lines are the farm's (and the scene's) own words: escaped here, once, for every tool that shows them.
  const lines = raw.map((line) => farmText(line));
  const total = reported ?? lines.length;
  let errors = errorLines(lines);
  let errorSource: string | undefined;
  const lastPage = Math.ceil(total / request.pageSize);
  if (request.page === 1 && lastPage > 1) {
    const tail = errorLines((await read(lastPage)).lines.map((line) => farmText(line)));
    if (tail.length) {
      errors = [...errors, ...tail.filter((entry) => !errors.some((e) => e.line === entry.line))];
      errorSource = `found on page ${lastPage}, the last`;
    }
  }
  return { lines, total, errors, ...(errorSource ? { errorSource } : {}) };
}
