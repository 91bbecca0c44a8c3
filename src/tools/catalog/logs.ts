import { z } from 'zod';
import type { Paged } from '../../client/types.js';
import { defineTool } from '../define.js';
import { blocks, compact, isoTime, pageFooter, plural, remaining, tsv } from '../support/format.js';
import { dateTime, frameId, item, page, pageSize } from '../support/schema.js';

const toolset = 'logs';

interface OperationRecord {
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

interface LoginRecord {
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

const OPERATE_SOURCE: Record<number, string> = { 1: 'main_account', 2: 'sub_account', 3: 'temporary_authorization', 4: 'dingtalk_sub_account' };

const after = dateTime.optional().describe('From (2026-11-20 18:00)');
const before = dateTime.optional().describe('Until');

/** `["2W1732707","2W1732709"]` → `2W1732707,2W1732709`; anything else is shown as it is. */
function taskList(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed.join(',') || undefined;
  } catch {
    // not JSON: keep the text
  }
  return text;
}

/** Epoch ms, a numeric string of epoch ms, or `yyyy-MM-dd HH:mm:ss` (China time) → ISO. */
function anyTime(value: string | number | null | undefined): string | undefined {
  if (typeof value === 'string' && /^\d{10,13}$/.test(value)) return isoTime(Number(value));
  return isoTime(value);
}

export const getTaskOperationLog = defineTool({
  toolset,
  operation: 'get_task_operation_log',
  description: 'Who did what to which tasks, and when (audit log).',
  input: {
    page,
    page_size: pageSize(20),
    after,
    before,
    platform: z.number().int().min(1).max(9999).optional().describe('Default: configured one'),
  },
  output: { entries: z.array(item({ time: z.string().optional() })), total: z.number(), more: z.number() },
  handler: async (args, ctx) => {
    // Wire: a body `platform` replaces the signed header of that name (SDK task_record); the SDK sends the dates as
    // "" when not given, which we copy since the docs mark them required.
    const data = await ctx.call<Paged<OperationRecord> | null>('get_task_operation_log', {
      platform: args.platform ?? Number(ctx.connector.config.platform),
      pageNum: args.page,
      pageSize: args.page_size,
      startDate: args.after ?? '',
      endDate: args.before ?? '',
    });
    const items = data?.items ?? [];
    const total = data?.total ?? items.length;
    const entries = items.map((record) =>
      compact({
        time: anyTime(record.createTime),
        user: record.userName ?? undefined,
        action: record.buttonName?.replace(/^btn_/, '') || undefined,
        tasks: taskList(record.taskIds),
        details: record.details ?? undefined,
        source: record.operateSource ? (OPERATE_SOURCE[record.operateSource] ?? `source_${record.operateSource}`) : undefined,
        module: record.taskType ?? undefined,
      }),
    );
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: items.length });
    return {
      text: blocks(
        `${plural(total, 'task operation')}${args.after || args.before ? ` between ${args.after ?? 'the start'} and ${args.before ?? 'now'}` : ''}.`,
        entries.length ? tsv(['time', 'user', 'action', 'tasks', 'details', 'source'], entries.map((e) => [e.time, e.user, e.action, e.tasks, e.details, e.source])) : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length }),
      ),
      structured: { entries, total, more },
    };
  },
});

/** `Chrome 128 on Windows` from a browser user agent; other clients by their first product token. */
export function shortUserAgent(ua: string | null | undefined): string | undefined {
  if (!ua) return undefined;
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad|iOS/.test(ua) ? 'iOS' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : undefined;
  const browser = [/Edg\/(\d+)/, /Firefox\/(\d+)/, /Chrome\/(\d+)/, /Version\/(\d+).*Safari/]
    .map((pattern, i) => {
      const match = pattern.exec(ua);
      return match ? `${['Edge', 'Firefox', 'Chrome', 'Safari'][i]} ${match[1]}` : undefined;
    })
    .find(Boolean);
  if (browser) return os ? `${browser} on ${os}` : browser;
  const product = ua.split(/[\s;]/)[0]!.slice(0, 40);
  return os ? `${product} on ${os}` : product;
}

export const getLoginLog = defineTool({
  toolset,
  operation: 'get_login_log',
  description: 'Account login history: time, result, method, IP, client.',
  input: { page, page_size: pageSize(20), after, before },
  output: { logins: z.array(item({ time: z.string().optional(), ok: z.boolean() })), total: z.number(), more: z.number() },
  handler: async (args, ctx) => {
    const data = await ctx.call<Paged<LoginRecord> | null>('get_login_log', {
      pageNum: args.page,
      pageSize: args.page_size,
      startDate: args.after ?? '',
      endDate: args.before ?? '',
    });
    const items = data?.items ?? [];
    const total = data?.total ?? items.length;
    // Session ids (traceId), user ids and full user agents are left out: they add nothing a person acts on.
    const logins = items.map((record) => {
      // loginStatus is typed int but the example sends "804"; 200 is success, anything else a failure.
      const ok = Number(record.loginStatus) === 200;
      return compact({
        time: anyTime(record.loginTime),
        ok,
        result: ok ? 'ok' : `failed${record.loginStaDesc ? `: ${record.loginStaDesc}` : record.loginStatus ? ` (${record.loginStatus})` : ''}`,
        user: record.userName ?? undefined,
        method: record.loginType ?? undefined,
        ip: record.loginIp ?? record.ip ?? undefined,
        client: shortUserAgent(record.userUa),
      });
    });
    const failed = logins.filter((login) => !login.ok).length;
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: items.length });
    return {
      text: blocks(
        `${plural(total, 'login')}${failed ? ` (${failed} failed on this page)` : ''}.`,
        logins.length ? tsv(['time', 'result', 'user', 'method', 'ip', 'client'], logins.map((l) => [l.time, l.result, l.user, l.method, l.ip, l.client])) : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length }),
      ),
      structured: { logins, total, more },
    };
  },
});

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

const errorText = (e: ErrorLine) => (e.context ? `${e.line}\n  preceded by: ${e.context}` : e.line);

export const getRenderLog = defineTool({
  toolset,
  operation: 'get_render_log',
  description: 'Render log of a frame, paged by lines; error lines and codes come first.',
  input: {
    frame_id: frameId,
    page,
    page_size: pageSize(200, 1000).describe('Lines per page'),
    rendering_type: z.string().trim().min(1).max(40).default('render').describe('Log kind'),
  },
  output: {
    frame_id: z.number(),
    errors: z.array(item({ line: z.string() })),
    lines: z.array(z.string()),
    total: z.number(),
    more: z.number(),
  },
  handler: async (args, ctx) => {
    const fetch = async (pageNum: number) =>
      logLines(await ctx.call('get_render_log', { renderingType: args.rendering_type, pageNum, pageSize: args.page_size, id: args.frame_id }));
    const { lines, total: reported } = await fetch(args.page);
    const total = reported ?? lines.length;
    let errors = errorLines(lines);
    let errorSource: string | undefined;
    // A failed frame's error is written near the end of its log: when asked for the first page of a longer log,
    // read the last page too so that the error is never hidden behind paging.
    const lastPage = Math.ceil(total / args.page_size);
    if (args.page === 1 && lastPage > 1) {
      const tail = errorLines((await fetch(lastPage)).lines);
      if (tail.length) {
        errors = [...errors, ...tail.filter((entry) => !errors.some((e) => e.line === entry.line))];
        errorSource = `found on page ${lastPage}, the last`;
      }
    }
    const codes = [...new Set(errors.map((e) => e.code).filter((code): code is string => code !== undefined))];
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: lines.length });
    return {
      text: blocks(
        lines.length || total ? `Render log of frame ${args.frame_id}: ${plural(total, 'line')}.` : `Frame ${args.frame_id} has no render log yet.`,
        errors.length ? `Errors${errorSource ? ` (${errorSource})` : ''}:\n${errors.map(errorText).join('\n')}` : undefined,
        codes.length ? `Explain with get_analysis_error_detail codes=${JSON.stringify(codes)}.` : undefined,
        lines.length ? `Log:\n${lines.join('\n')}` : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: lines.length }),
      ),
      structured: { frame_id: args.frame_id, errors, lines, total, more },
    };
  },
});

export const LOG_TOOLS = [getTaskOperationLog, getLoginLog, getRenderLog];
