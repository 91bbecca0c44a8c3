import type { BodyOf } from '../operations.js';
import type { FarmLink } from './link.js';
import { pageOf, type Page, type Paged } from './paging.js';

/** An entry of the task operation log (seed 001; the SDK's task_record). */
export interface OperationRecord {
  userName?: string | null;
  taskType?: string | null;
  buttonName?: string | null;
  /** JSON text: `["2W1732707","2W1732709"]`. */
  taskIds?: string | null;
  channel?: string | number | null;
  createTime?: string | number | null;
  details?: string | null;
  operateSource?: number | null;
}

export interface LoginRecord {
  userName?: string | null;
  userUa?: string | null;
  loginType?: string | null;
  loginStatus?: number | string | null;
  loginStaDesc?: string | number | null;
  loginTime?: string | number | null;
  loginIp?: string | null;
  /** The seed example's key for loginIp. */
  ip?: string | null;
}

export type LogAnswers = {
  get_task_operation_log: Paged<OperationRecord> | null;
  get_login_log: Paged<LoginRecord> | null;
  /** A paged list of lines or line records, a list, or plain text: logLines reads all three. */
  get_render_log: unknown;
};

export interface LogQuery {
  page: number;
  pageSize: number;
  /** Instants (epoch ms), sent on the farm's clock. */
  after?: number | undefined;
  before?: number | undefined;
}

/** A log record with its time read from the farm's clock: an instant (epoch ms). */
export type Timed<R, K extends keyof R> = Omit<R, K> & { [key in K]?: number };

export class LogsApi {
  constructor(private readonly link: FarmLink) {}

  /**
   * Who did what to which tasks. Wire: a body `platform` replaces the signed header of that name (SDK task_record),
   * so the configured platform is sent unless another is asked for; the SDK sends the dates as "" when not given,
   * which we copy since the docs mark them required.
   */
  async taskOperations(query: LogQuery & { platform?: number | undefined }): Promise<Page<Timed<OperationRecord, 'createTime'>>> {
    const page = pageOf(
      await this.link.send('get_task_operation_log', {
        platform: query.platform ?? Number(this.link.platform),
        pageNum: query.page,
        pageSize: query.pageSize,
        ...this.dateRange(query),
      }),
    );
    return { ...page, items: page.items.map((record) => ({ ...record, createTime: this.link.clock.instant(record.createTime) })) };
  }

  async logins(query: LogQuery): Promise<Page<Timed<LoginRecord, 'loginTime'>>> {
    const page = pageOf(await this.link.send('get_login_log', { pageNum: query.page, pageSize: query.pageSize, ...this.dateRange(query) }));
    return { ...page, items: page.items.map((record) => ({ ...record, loginTime: this.link.clock.instant(record.loginTime) })) };
  }

  /**
   * One page of a frame's render log, as lines. `id` is a frame id. The times the farm writes in the lines on its
   * clock are given in UTC (`[2026-12-01T10:07:47Z]`), like every other time the server shows.
   */
  async renderLog(body: BodyOf<'get_render_log'>): Promise<{ lines: string[]; total?: number }> {
    const { lines, total } = logLines(await this.link.send('get_render_log', body));
    const clock = this.link.clock;
    return { lines: lines.map((line) => clock.inUtc(line)), ...(total !== undefined ? { total } : {}) };
  }

  /** Wire: `startDate`/`endDate` on the farm's clock; "" when not given, as the SDK sends them. */
  private dateRange(query: LogQuery): { startDate: string; endDate: string } {
    const clock = this.link.clock;
    return { startDate: query.after === undefined ? '' : clock.format(query.after), endDate: query.before === undefined ? '' : clock.format(query.before) };
  }
}

/** The render log comes as a paged list of lines (or line records), a list, or plain text: read all three. */
export function logLines(data: unknown): { lines: string[]; total?: number } {
  if (data === null || data === undefined) return { lines: [] };
  if (typeof data === 'string') return { lines: splitLines(data) };
  if (Array.isArray(data)) return { lines: data.flatMap(lineOf) };
  if (typeof data === 'object') {
    const record = data as Record<string, unknown>;
    if (Array.isArray(record['items'])) {
      const total = typeof record['total'] === 'number' ? record['total'] : undefined;
      return { lines: record['items'].flatMap(lineOf), ...(total !== undefined ? { total } : {}) };
    }
    return { lines: lineOf(record) };
  }
  return { lines: [String(data)] };
}

const TEXT_KEYS = ['content', 'line', 'log', 'logContent', 'message', 'text', 'msg'];

function lineOf(entry: unknown): string[] {
  if (typeof entry === 'string') return splitLines(entry);
  if (entry && typeof entry === 'object') {
    for (const key of TEXT_KEYS) {
      const value = (entry as Record<string, unknown>)[key];
      if (typeof value === 'string') return splitLines(value);
    }
  }
  return entry === null || entry === undefined ? [] : [JSON.stringify(entry)];
}

const MAX_LINE = 400;

function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line));
}
