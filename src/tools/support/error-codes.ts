import type { ErrorCodeInfo } from '../../client/api/index.js';
import type { ToolContext } from '../define.js';
import { compact } from './format.js';

/** An error code as get_analysis_error_detail, triage_failures and the task resource explain it. */
export type ErrorDetail = {
  code: string;
  severity?: string;
  description?: string;
  solution?: string;
  link?: string;
  repairable?: string;
  blocks_submission?: string;
};

/** The farm's explanations of error codes, one per code (in the server's language unless another is given). */
export async function explainErrorCodes(ctx: ToolContext, codes: readonly string[], language?: 0 | 1): Promise<ErrorDetail[]> {
  const records = await ctx.api.tasks.explainErrorCodes(codes, language);
  return uniqueBy(records.map(describeErrorCode), (e) => `${e.code}`);
}

function describeErrorCode(record: ErrorCodeInfo): ErrorDetail {
  const yesNo = (flag: number | undefined) => (flag === 1 ? 'yes' : flag === 0 ? 'no' : undefined);
  return compact({
    code: String(record.code),
    // type 0: a warning that can be ignored; 1: an error that cannot.
    severity: record.type === 1 ? 'error' : record.type === 0 ? 'warning' : undefined,
    description: oneLine(record.desDescriptionCn),
    solution: oneLine(record.desSolutionCn),
    link: record.solutionPath ?? undefined,
    repairable: yesNo(record.isRepair),
    blocks_submission: yesNo(record.isOpen),
  });
}

/** The farm writes numbered steps on separate lines; a `key: value` line needs them on one. */
const oneLine = (text: string | null | undefined) => text?.replace(/\s*\n\s*/g, ' ').trim() || undefined;

function uniqueBy<T>(list: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const entry of list) if (!seen.has(key(entry))) seen.set(key(entry), entry);
  return [...seen.values()];
}
