import { z } from 'zod';
import { defineTool } from '../define.js';
import { blocks, compact, isoTime, pageFooter, plural, remaining, tsv } from '../support/format.js';
import { readRenderLog, type ErrorLine } from '../support/render-log.js';
import { farmData } from '../support/sanitize.js';
import { dateTime, dateTimeUntil, frameId, item, page, pageSize } from '../support/schema.js';

const toolset = 'logs';

const OPERATE_SOURCE: Record<number, string> = { 1: 'main_account', 2: 'sub_account', 3: 'temporary_authorization', 4: 'dingtalk_sub_account' };

const after = dateTime.optional();
const before = dateTimeUntil.optional();

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

export const getTaskOperationLog = defineTool({
  toolset,
  operation: 'get_task_operation_log',
  description: 'Who did what to which tasks, and when (audit log).',
  input: () => ({
    page,
    page_size: pageSize(20),
    after,
    before,
    platform: z.number().int().min(1).max(9999).optional().describe('Default: configured one'),
  }),
  output: () => ({ entries: z.array(item({ time: z.string().optional() })), total: z.number(), more: z.number() }),
  handler: async (args, ctx) => {
    const query = { page: args.page, pageSize: args.page_size, after: args.after, before: args.before, platform: args.platform };
    const { items, total } = await ctx.api.logs.taskOperations(query);
    const entries = items.map((record) =>
      compact({
        time: isoTime(record.createTime),
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
        `${plural(total, 'task operation')}${args.after !== undefined || args.before !== undefined ? ` between ${isoTime(args.after) ?? 'the start'} and ${isoTime(args.before) ?? 'now'}` : ''}.`,
        entries.length
          ? tsv(
              ['time', 'user', 'action', 'tasks', 'details', 'source'],
              entries.map((e) => [e.time, e.user, e.action, e.tasks, e.details, e.source]),
            )
          : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length }),
      ),
      structured: { entries, total, more },
    };
  },
});

/** `Chrome 128 on Windows` from a browser user agent; other clients by their first product token. */
export function shortUserAgent(ua: string | null | undefined): string | undefined {
  if (!ua) return undefined;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /iPhone|iPad|iOS/.test(ua)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined;
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
  input: () => ({ page, page_size: pageSize(20), after, before }),
  output: () => ({ logins: z.array(item({ time: z.string().optional(), ok: z.boolean() })), total: z.number(), more: z.number() }),
  handler: async (args, ctx) => {
    const { items, total } = await ctx.api.logs.logins({ page: args.page, pageSize: args.page_size, after: args.after, before: args.before });
    // Session ids (traceId), user ids and full user agents are left out: they add nothing a person acts on.
    const logins = items.map((record) => {
      // loginStatus is typed int but the example sends "804"; 200 is success, anything else a failure.
      const ok = Number(record.loginStatus) === 200;
      return compact({
        time: isoTime(record.loginTime),
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
        logins.length
          ? tsv(
              ['time', 'result', 'user', 'method', 'ip', 'client'],
              logins.map((l) => [l.time, l.result, l.user, l.method, l.ip, l.client]),
            )
          : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: items.length }),
      ),
      structured: { logins, total, more },
    };
  },
});

const errorText = (e: ErrorLine) => (e.context ? `${e.line}\n  preceded by: ${e.context}` : e.line);

export const getRenderLog = defineTool({
  toolset,
  operation: 'get_render_log',
  description: 'Render log of a frame, paged by lines; error lines and codes come first.',
  input: () => ({
    frame_id: frameId,
    page,
    page_size: pageSize(200, 1000).describe('Lines per page'),
    rendering_type: z.string().trim().min(1).max(40).default('render').describe('Log kind'),
  }),
  output: () => ({
    frame_id: z.number(),
    errors: z.array(item({ line: z.string() })),
    lines: z.array(z.string()),
    total: z.number(),
    more: z.number(),
  }),
  handler: async (args, ctx) => {
    const request = { frameId: args.frame_id, page: args.page, pageSize: args.page_size, renderingType: args.rendering_type };
    const { lines, total, errors, errorSource } = await readRenderLog(ctx, request);
    const codes = [...new Set(errors.map((e) => e.code).filter((code): code is string => code !== undefined))];
    const more = remaining({ page: args.page, pageSize: args.page_size, total, shown: lines.length });
    return {
      text: blocks(
        lines.length || total ? `Render log of frame ${args.frame_id}: ${plural(total, 'line')}.` : `Frame ${args.frame_id} has no render log yet.`,
        errors.length ? `Errors${errorSource ? ` (${errorSource})` : ''}:\n${farmData(errors.map(errorText).join('\n'))}` : undefined,
        codes.length ? `Explain with get_analysis_error_detail codes=${JSON.stringify(codes)}.` : undefined,
        lines.length ? `Log:\n${farmData(lines.join('\n'))}` : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total, shown: lines.length }),
      ),
      structured: { frame_id: args.frame_id, errors, lines, total, more },
    };
  },
});
