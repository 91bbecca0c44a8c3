import { z } from 'zod';
import { RefusedError, defineTool } from '../define.js';
import { blocks, bytes, compact, facts, isoTime, pageFooter, plural, redactSecrets, tsv } from '../support/format.js';
import { item, page, pageSize, taskId } from '../support/schema.js';

const toolset = 'transfer';

const REVEAL_HINT = 'Secrets are hidden; set RAYVISION_REVEAL_SECRETS=1 to show them.';

type Raw = Record<string, unknown>;
const str = (value: unknown): string | undefined => (value === null || value === undefined || value === '' ? undefined : String(value));
const num = (value: unknown): number | undefined =>
  value === null || value === undefined || value === '' || !Number.isFinite(Number(value)) ? undefined : Number(value);
const list = (value: unknown): Raw[] => (Array.isArray(value) ? value.filter((entry): entry is Raw => entry !== null && typeof entry === 'object') : []);

/** Sub-account output bids: `{userId, outputBid}` (tables also say `output_bid`). */
function subAccounts(value: unknown) {
  return list(value).map((s) => compact({ user_id: str(s['userId'] ?? s['user_id']), output_bid: str(s['outputBid'] ?? s['output_bid']) }));
}

const subAccountsText = (subs: { user_id?: string; output_bid?: string }[]) =>
  subs.length
    ? `Sub-account output bids:\n${tsv(
        ['user_id', 'output_bid'],
        subs.map((s) => [s.user_id, s.output_bid]),
      )}`
    : undefined;

/** The four bids, from either spelling the farm uses. */
function readBids(d: Raw) {
  return compact({
    input_bid: str(d['input_bid'] ?? d['inputBid']),
    output_bid: str(d['output_bid'] ?? d['outputBid']),
    config_bid: str(d['config_bid'] ?? d['configBid']),
    parent_input_bid: str(d['parent_input_bid'] ?? d['parentInputBid']),
  });
}

const bidOutput = () => ({ bids: item({}), sub_accounts: z.array(item({})).optional() });

export const getTransferBid = defineTool({
  toolset,
  operation: 'get_transfer_bid',
  description: 'Transfer bucket ids (bids) for uploads, config files and downloads.',
  input: () => ({}),
  output: bidOutput,
  handler: async (_args, ctx) => {
    // This answer uses snake_case keys (config_bid...); accept the camelCase of get_transfer_config too.
    const d = await ctx.api.transfer.bids();
    const bids = readBids(d);
    const subs = subAccounts(d['sub_user_output_bids'] ?? d['subUserOutputBids']);
    return {
      text: blocks(facts(bids) || 'The farm returned no transfer bids.', subAccountsText(subs)),
      structured: subs.length ? { bids, sub_accounts: subs } : { bids },
    };
  },
});

function engineView(e: Raw) {
  return compact({
    name: str(e['engineName']) ?? 'unnamed',
    default: num(e['isDefault']) === 1 ? true : undefined,
    automatic_line_check: num(e['automaticCheck']) === 1 ? true : undefined,
    check: str(e['checkServer']) ? `${str(e['checkServer'])}${str(e['checkPort']) ? `:${str(e['checkPort'])}` : ''}` : undefined,
    check_enabled: e['checkEnable'] === undefined || e['checkEnable'] === null ? undefined : num(e['checkEnable']) === 1,
    check_excluded_types: str(e['checkExcludType']),
    lines: list(e['respTaskEngineLines']).map((l) =>
      compact({
        name: str(l['name']),
        server: str(l['server']),
        port: str(l['port']),
        line_id: num(l['lineId']),
        default: num(l['isDefault']) === 1 ? true : undefined,
        type: num(l['type']) === 1 ? 'dedicated' : num(l['type']) === 0 ? 'general' : undefined,
      }),
    ),
    accounts: list(e['resqEngineAccounts']).map((a) => compact({ bid: str(a['bid']), name: str(a['name']), password: str(a['password']) })),
  });
}

export const getTransferConfig = defineTool({
  toolset,
  operation: 'get_transfer_config',
  description: 'Transfer bids, engines (RaySync, Aspera), lines and accounts; passwords hidden.',
  input: () => ({}),
  output: () => ({ ...bidOutput(), engines: z.array(item({})).optional(), redacted: z.boolean() }),
  handler: async (_args, ctx) => {
    // Redact the farm's answer before reading it, so no later renaming can let a password through.
    const d = redactSecrets(await ctx.api.transfer.config(), ctx.revealSecrets);
    const engines = list(d['resqEngines']).map(engineView);
    const bids = readBids(d);
    const subs = subAccounts(d['subUserOutputBids'] ?? d['sub_user_output_bids']);
    const rows = engines.map((e) => [
      e.name,
      e.default ? 'yes' : '',
      e.check ? `${e.check}${e.check_enabled ? '' : ' (off)'}` : '',
      (e.lines ?? [])
        .map((l) => `${l.name ?? 'line'} ${l.server ?? ''}${l.port ? `:${l.port}` : ''}${l.default ? ' default' : ''}${l.type ? ` ${l.type}` : ''}`.trim())
        .join('; '),
      (e.accounts ?? []).map((a) => `${a.name ?? a.bid ?? 'account'}${a.password ? ` password ${a.password}` : ''}`).join('; '),
    ]);
    const hasPassword = engines.some((e) => e.accounts?.some((a) => a.password));
    return {
      text: blocks(
        facts(bids),
        engines.length ? `Transfer engines:\n${tsv(['engine', 'default', 'check', 'lines', 'accounts'], rows)}` : 'No transfer engines configured.',
        subAccountsText(subs),
        hasPassword && !ctx.revealSecrets ? REVEAL_HINT : undefined,
      ),
      structured: { bids, ...(subs.length ? { sub_accounts: subs } : {}), ...(engines.length ? { engines } : {}), redacted: !ctx.revealSecrets },
    };
  },
});

export const getTransferServerInfo = defineTool({
  toolset,
  operation: 'get_transfer_server_info',
  description: 'RaySync transfer server address, ports and client version.',
  input: () => ({}),
  output: () => ({ info: item({}) }),
  handler: async (_args, ctx) => {
    const d = redactSecrets(await ctx.api.transfer.serverInfo(), ctx.revealSecrets);
    const t = (d['raysyncTransfer'] ?? {}) as Raw;
    const address = (host: unknown, port: unknown) => (str(host) ? `${str(host)}${str(port) ? `:${str(port)}` : ''}` : undefined);
    const raysync = compact({
      server: address(t['serverIp'], t['serverPort']),
      proxy: address(t['proxyIp'], t['proxyPort']),
      ssl_port: num(t['sslPort']),
      port: num(t['port']),
    });
    const info = compact({ client_version: str(d['clientVersion']), protocol_version: str(d['protocolVersion']), ...raysync });
    return { text: facts(info) || 'The farm returned no RaySync server info.', structured: { info } };
  },
});

export const getRaysyncUserKey = defineTool({
  toolset,
  operation: 'get_raysync_user_key',
  description: 'RaySync transfer key of this account; hidden unless RAYVISION_REVEAL_SECRETS=1.',
  input: () => ({}),
  output: () => ({ credentials: item({}), redacted: z.boolean() }),
  handler: async (_args, ctx) => {
    // raySyncUserKey, userKey and signature are redacted by name; phone and email are not shown at all.
    const d = redactSecrets(await ctx.api.transfer.raysyncKey(), ctx.revealSecrets);
    const credentials = compact({
      raysync_user_key: str(d['raySyncUserKey']),
      user_key: str(d['userKey']),
      signature: str(d['signature']),
      user_id: num(d['id']),
      user_name: str(d['userName']),
      login_time: isoTime(num(d['loginTime'])),
      platform: num(d['platform']),
      zone: num(d['zone']),
    });
    return {
      text: blocks(facts(credentials) || 'The farm returned no RaySync key.', ctx.revealSecrets ? undefined : REVEAL_HINT),
      structured: { credentials, redacted: !ctx.revealSecrets },
    };
  },
});

const treePath = z
  .string()
  .trim()
  .max(1000)
  .default('/')
  .refine((path) => !path.split('/').includes('..'), 'tree_path must not contain ".." segments; give a path from the output root such as /19097_shot12')
  .transform((path) => `/${path}`.replace(/\/{2,}/g, '/'))
  .describe('Folder path');

// Made on first use: an ICU collator costs every start a few milliseconds and megabytes, for one tool.
let collator: Intl.Collator | undefined;
const byName = (a: string, b: string) => (collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })).compare(a, b);

export const listOutputFiles = defineTool({
  toolset,
  operation: 'list_output_files',
  description: 'Folders and files in your output storage (render results), optionally of one task.',
  input: () => ({ tree_path: treePath, task_id: taskId.optional(), page, page_size: pageSize(50, 500) }),
  output: () => ({ path: z.string(), files: z.array(item({ name: z.string() })), total: z.number() }),
  handler: async (args, ctx) => {
    // Wire: with a task id the farm lists that task's output from its root; the SDK sends treePath "/" then.
    if (args.task_id !== undefined && args.tree_path !== '/') {
      throw new RefusedError(
        `list_output_files lists a task's output from its root: pass task_id or tree_path, not both (the folder paths it shows go in tree_path alone). Nothing was sent.`,
      );
    }
    const entries = (await ctx.api.transfer.outputFiles({ treePath: args.tree_path, taskId: args.task_id }))
      .map((f) => {
        const folder = f['directory'] === true || f['directory'] === 'true';
        return compact({
          name: str(f['fileName']) ?? '',
          folder,
          size: folder ? undefined : num(f['fileSize']),
          type: folder ? undefined : str(f['fileType']),
          modified: isoTime(num(f['lastModify'])),
          path: str(f['filePath']),
          arrears: num(f['isArrears']) === 1 ? true : undefined,
        });
      })
      .sort((a, b) => Number(b.folder) - Number(a.folder) || byName(a.name, b.name));
    const start = (args.page - 1) * args.page_size;
    const shown = entries.slice(start, start + args.page_size);
    const folders = entries.filter((e) => e.folder).length;
    const totalSize = entries.reduce((sum, e) => sum + (e.size ?? 0), 0);
    const heading = `${args.tree_path}${args.task_id ? ` (task ${args.task_id})` : ''}: ${plural(folders, 'folder')}, ${plural(entries.length - folders, 'file')}${totalSize ? ` (${bytes(totalSize)})` : ''}.`;
    // Show a path column only where a path is not simply this folder + name.
    const here = args.tree_path.replace(/\/$/, '');
    const odd = shown.some((e) => e.path && e.path !== `${here}/${e.name}`);
    const rows = shown.map((e) => [e.name, e.folder ? 'folder' : (e.type ?? 'file'), bytes(e.size), e.modified, ...(odd ? [e.path] : [])]);
    const firstFolder = shown.find((e) => e.folder);
    return {
      text: blocks(
        heading,
        shown.length ? tsv(['name', 'type', 'size', 'modified', ...(odd ? ['path'] : [])], rows) : undefined,
        firstFolder ? `Open a folder with tree_path, e.g. ${firstFolder.path ?? `${here}/${firstFolder.name}`}.` : undefined,
        entries.some((e) => e.arrears) ? 'The account is in arrears: downloading these results is blocked until it is settled.' : undefined,
        pageFooter({ page: args.page, pageSize: args.page_size, total: entries.length, shown: shown.length }),
      ),
      structured: { path: args.tree_path, files: shown, total: entries.length },
    };
  },
});
