import { z } from 'zod';
import { defineTool } from '../define.js';
import { blocks, compact, duration, facts, isoTime, money, plural, tsv } from '../support/format.js';
import { accountLink, platformsLink } from '../links.js';
import { item, softwareName } from '../support/schema.js';

const toolset = 'account';

const ZONE = { china: 1, international: 2 } as const;
type ZoneName = keyof typeof ZONE;
const zoneName = (code: unknown): ZoneName | undefined => (Number(code) === 1 ? 'china' : Number(code) === 2 ? 'international' : undefined);

const PLATFORM_TYPE: Record<number, string> = { 0: 'gpu', 1: 'cpu', 2: 'still_image' };
const PLATFORM_STATUS: Record<number, string> = { 0: 'not_activated', 1: 'normal', 2: 'busy', 3: 'full' };

interface Platform {
  platform: number;
  name?: string | null;
  type?: number | null;
  status?: number | null;
  taskPrefix?: string | null;
  isShow?: number | null;
}

export const listPlatforms = defineTool({
  toolset,
  operation: 'list_platforms',
  description: 'Render platforms (clusters) of the account; the number goes in RAYVISION_API_PLATFORM.',
  input: {
    zone: z.enum(['china', 'international']).optional().describe('Region; default from domain'),
  },
  output: { zone: z.string(), current: z.string(), platforms: z.array(item({})) },
  handler: async (args, ctx) => {
    // Wire: the SDK (query.platforms) sends zone 1 when the domain contains "renderbus", else 2.
    const zone: ZoneName = args.zone ?? (ctx.connector.config.domain.includes('renderbus') ? 'china' : 'international');
    const data = await ctx.call<Platform[] | null>('list_platforms', { zone: ZONE[zone] });
    const current = ctx.connector.config.platform;
    const platforms = (data ?? [])
      .filter((p) => p && p.platform !== null && p.platform !== undefined)
      .map((p) =>
        compact({
          platform: Number(p.platform),
          // `name` is an i18n key such as query_platform_w2; the console calls that platform W2.
          name: p.name ? p.name.replace(/^query_platform_/i, '').toUpperCase() : undefined,
          type: p.type === null || p.type === undefined ? undefined : (PLATFORM_TYPE[p.type] ?? `type_${p.type}`),
          status: p.status === null || p.status === undefined ? undefined : (PLATFORM_STATUS[p.status] ?? `status_${p.status}`),
          task_prefix: p.taskPrefix ?? undefined,
          hidden: p.isShow === 0 ? true : undefined,
          current: String(p.platform) === current ? true : undefined,
        }),
      );
    const rows = platforms.map((p) => [p.platform, p.name, p.type, p.status, p.task_prefix, p.hidden ? 'yes' : '', p.current ? 'yes' : '']);
    const inList = platforms.some((p) => p.current);
    return {
      text: blocks(
        `${plural(platforms.length, 'platform')} in zone ${zone}. This server uses platform ${current}${inList ? '' : ', which is not in this list'}.`,
        platforms.length ? tsv(['platform', 'name', 'type', 'status', 'task_prefix', 'hidden', 'current'], rows) : undefined,
      ),
      structured: { zone, current, platforms },
      links: [platformsLink()],
    };
  },
});

/** Profile fields as the farm returns them (api-catalog §5.1 #2; no field table exists, keys from the examples). */
interface UserProfile {
  userId?: number | null;
  userName?: string | null;
  platform?: number | null;
  softType?: number | null;
  mainUserId?: number | null;
  level?: number | null;
  zone?: number | null;
  rmbbalance?: number | null;
  usdbalance?: number | null;
  rmbCumulative?: number | null;
  usdCumulative?: number | null;
  credit?: number | null;
  coupon?: number | null;
  cpuPrice?: number | null;
  gpuPrice?: number | null;
  shareMainCapital?: number | null;
  useMainBalance?: number | null;
  subDeleteTask?: number | null;
  downloadDisable?: number | null;
  subaccountLimits?: number | null;
  studentEndTime?: number | string | null;
  [other: string]: unknown;
}

const yes = (flag: unknown): boolean | undefined => (flag === null || flag === undefined || flag === '' ? undefined : Number(flag) === 1);

export const getUserProfile = defineTool({
  toolset,
  operation: 'get_user_profile',
  description: 'Account id, balance, coupons, unit prices and account flags; contact details are left out.',
  input: {},
  output: { profile: item({}) },
  handler: async (_args, ctx) => {
    const p = (await ctx.call<UserProfile | null>('get_user_profile')) ?? {};
    // Balances come in both currencies; the zone says which one the account is billed in (1 China → CNY).
    const zone = zoneName(p.zone);
    const cny = zone === 'china' || (zone === undefined && ctx.connector.config.domain.includes('renderbus'));
    const mainId = Number(p.mainUserId ?? 0);
    const view = compact({
      user_id: p.userId ?? undefined,
      user_name: p.userName ?? undefined,
      account: p.mainUserId === null || p.mainUserId === undefined ? undefined : mainId === 0 ? 'main account' : `sub-account of user ${mainId}`,
      zone,
      default_platform: p.platform ?? undefined,
      default_software: p.softType ? softwareName(p.softType) : undefined,
      level: p.level ?? undefined,
      currency: cny ? 'CNY' : 'USD',
      balance: money(cny ? p.rmbbalance : p.usdbalance),
      other_balance: money(cny ? p.usdbalance : p.rmbbalance) || undefined,
      cumulative: money(cny ? p.rmbCumulative : p.usdCumulative) || undefined,
      coupon: money(p.coupon),
      credit: money(p.credit),
      cpu_price: money(p.cpuPrice),
      gpu_price: money(p.gpuPrice),
      downloads_disabled: yes(p.downloadDisable) || undefined,
      uses_main_balance: yes(p.useMainBalance) || undefined,
      shares_main_assets: yes(p.shareMainCapital) || undefined,
      sub_accounts_may_delete_tasks: yes(p.subDeleteTask) || undefined,
      sub_account_limit: p.subaccountLimits ?? undefined,
      student_until: isoTime(p.studentEndTime),
    });
    const text = facts({
      ...view,
      other_balance: view.other_balance === undefined ? undefined : `${view.other_balance} ${cny ? 'USD' : 'CNY'}`,
      downloads_disabled: view.downloads_disabled ? 'yes' : undefined,
      uses_main_balance: view.uses_main_balance ? 'yes' : undefined,
      shares_main_assets: view.shares_main_assets ? 'yes' : undefined,
      sub_accounts_may_delete_tasks: view.sub_accounts_may_delete_tasks ? 'yes' : undefined,
    });
    return { text: text || 'The farm returned no profile.', structured: { profile: view }, links: [accountLink()] };
  },
});

/** Settings as the farm returns them (api-catalog §5.1 #3); flags arrive as numbers or numeric strings. */
interface UserSettings {
  taskOverTime?: number | null;
  taskOverTimeSec?: number | null;
  singleNodeRenderFrames?: string | number | null;
  [flag: string]: unknown;
}

/** Flag → [name shown, word for 1, word for 0]. `autoCommit` is 2 on / 1 off (all documents). */
const SETTING_FLAGS: readonly [key: string, name: string, on: string, off: string][] = [
  ['downloadDisable', 'downloads', 'disabled', 'allowed'],
  ['maxIgnoreMapFlag', 'max_missing_maps', 'ignored', 'reported'],
  ['ignoreMapFlag', 'missing_maps_in_local_analysis', 'ignored', 'reported'],
  ['manuallyStartAnalysisFlag', 'analysis_start', 'manual', 'automatic'],
  ['mifileSwitchFlag', 'mi_file_risk_check', 'on', 'off'],
  ['assfileSwitchFlag', 'ass_file_analysis', 'skipped', 'done'],
  ['mandatoryAnalyseAllAgent', 'analyse_all_proxies', 'yes', 'no'],
  ['justUploadConfigFlag', 'max_upload_config_only', 'yes', 'no'],
  ['justUploadCgFlag', 'maya_upload_scene_only', 'yes', 'no'],
  ['isVrayLicense', 'paid_vray_license', 'yes', 'no'],
  ['shareMainCapital', 'share_main_account_assets', 'yes', 'no'],
  ['useMainBalance', 'sub_accounts_use_main_balance', 'yes', 'no'],
  ['subDeleteTask', 'sub_accounts_may_delete_tasks', 'yes', 'no'],
  ['separateAccountFlag', 'separate_sub_account_settings', 'yes', 'no'],
];

function readSettings(s: UserSettings) {
  const settings: Record<string, string | number> = {};
  const frames = Number(s.singleNodeRenderFrames);
  if (s.singleNodeRenderFrames !== null && s.singleNodeRenderFrames !== undefined && Number.isFinite(frames)) settings['frames_per_machine'] = frames;
  if (s['autoCommit'] !== null && s['autoCommit'] !== undefined && s['autoCommit'] !== '') {
    settings['scene_parameter_rendering'] = Number(s['autoCommit']) === 2 ? 'on' : 'off';
  }
  for (const [key, name, on, off] of SETTING_FLAGS) {
    const value = s[key];
    if (value === null || value === undefined || value === '') continue;
    settings[name] = Number(value) === 1 ? on : Number(value) === 0 ? off : String(value);
  }
  return settings;
}

/** The task timeout in seconds: `taskOverTimeSec` where given (what the SDK writes), else `taskOverTime` in hours. */
function timeoutSeconds(s: UserSettings): number | undefined {
  if (typeof s.taskOverTimeSec === 'number') return s.taskOverTimeSec;
  return typeof s.taskOverTime === 'number' ? s.taskOverTime * 3600 : undefined;
}

export const getUserSettings = defineTool({
  toolset,
  operation: 'get_user_settings',
  description: 'Account render settings: task timeout, analysis switches, download lock.',
  input: {},
  output: {
    timeout_seconds: z.number().optional(),
    reported_timeout_hours: z.number().optional(),
    settings: item({}).optional(),
  },
  handler: async (_args, ctx) => {
    const s = (await ctx.call<UserSettings | null>('get_user_settings')) ?? {};
    const seconds = timeoutSeconds(s);
    const hours = typeof s.taskOverTime === 'number' ? s.taskOverTime : undefined;
    // The documents' own example pairs taskOverTime 12 (hours) with taskOverTimeSec 3600: say so when they disagree.
    const disagree = typeof s.taskOverTimeSec === 'number' && hours !== undefined && hours * 3600 !== s.taskOverTimeSec;
    const settings = readSettings(s);
    return {
      text: blocks(
        facts({
          task_timeout: seconds === undefined ? undefined : `${seconds} s (${duration(seconds)})`,
          ...settings,
        }) || 'The farm returned no settings.',
        disagree ? `Note: the farm also reports taskOverTime ${hours} h, which does not match; update_user_settings sets the timeout in seconds.` : undefined,
      ),
      structured: compact({ timeout_seconds: seconds, reported_timeout_hours: disagree ? hours : undefined, settings }),
      links: [accountLink()],
    };
  },
});

export const updateUserSettings = defineTool({
  toolset,
  operation: 'update_user_settings',
  description: 'Set the account-wide task timeout, in seconds (43200 = 12 h).',
  input: {
    timeout_seconds: z.number().int().min(60).max(30 * 86_400).describe('Timeout in seconds'),
  },
  output: { timeout_seconds: z.number(), previous_seconds: z.number().optional(), message: z.string() },
  idempotent: true,
  handler: async (args, ctx) => {
    const before = timeoutSeconds((await ctx.call<UserSettings | null>('get_user_settings')) ?? {});
    // Wire: the SDK sends taskOverTimeSec in seconds; classic names it taskOverTime (000 says seconds), see operations.ts.
    await ctx.call('update_user_settings', { taskOverTimeSec: args.timeout_seconds });
    const was = before === undefined ? '' : ` (was ${before} s, ${duration(before)})`;
    const message = `Task timeout set to ${args.timeout_seconds} s (${duration(args.timeout_seconds)})${was}.`;
    return { text: message, structured: compact({ timeout_seconds: args.timeout_seconds, previous_seconds: before, message }), links: [accountLink()] };
  },
});

export const ACCOUNT_TOOLS = [listPlatforms, getUserProfile, getUserSettings, updateUserSettings];
