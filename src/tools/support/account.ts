import type { Platform, UserProfile, UserSettings, Zone } from '../../client/api/index.js';
import { blocks, compact, duration, facts, isoTime, money, plural, tsv } from './format.js';
import { softwareName } from './schema.js';

/**
 * The account views list_platforms, get_user_profile, get_user_settings, job_status_summary and the account
 * resources show: each built from what the farm API returns, so a tool and a resource cannot drift apart.
 */

const PLATFORM_TYPE: Record<number, string> = { 0: 'gpu', 1: 'cpu', 2: 'still_image' };
const PLATFORM_STATUS: Record<number, string> = { 0: 'not_activated', 1: 'normal', 2: 'busy', 3: 'full' };

/** The platforms of a zone, the one this server uses (`current`) marked. */
export function describePlatforms(zone: Zone, platforms: readonly Platform[], current: string) {
  const view = platforms.map((p) =>
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
  const rows = view.map((p) => [p.platform, p.name, p.type, p.status, p.task_prefix, p.hidden ? 'yes' : '', p.current ? 'yes' : '']);
  const inList = view.some((p) => p.current);
  return {
    text: blocks(
      `${plural(view.length, 'platform')} in zone ${zone}. This server uses platform ${current}${inList ? '' : ', which is not in this list'}.`,
      view.length ? tsv(['platform', 'name', 'type', 'status', 'task_prefix', 'hidden', 'current'], rows) : undefined,
    ),
    structured: { zone, current, platforms: view },
  };
}

const yes = (flag: unknown): boolean | undefined => (flag === null || flag === undefined || flag === '' ? undefined : Number(flag) === 1);

/** The profile in the account's own currency; contact details are left out. */
export function describeProfile({ profile: p, zone, currency }: { profile: UserProfile; zone?: Zone; currency: 'CNY' | 'USD' }) {
  const cny = currency === 'CNY';
  const mainId = Number(p.mainUserId ?? 0);
  const view = compact({
    user_id: p.userId ?? undefined,
    user_name: p.userName ?? undefined,
    account: p.mainUserId === null || p.mainUserId === undefined ? undefined : mainId === 0 ? 'main account' : `sub-account of user ${mainId}`,
    zone,
    default_platform: p.platform ?? undefined,
    default_software: p.softType ? softwareName(p.softType) : undefined,
    level: p.level ?? undefined,
    currency,
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
    // The farm API reads it into an instant (it may come as farm-clock text).
    student_until: isoTime(typeof p.studentEndTime === 'number' ? p.studentEndTime : undefined),
  });
  const text = facts({
    ...view,
    other_balance: view.other_balance === undefined ? undefined : `${view.other_balance} ${cny ? 'USD' : 'CNY'}`,
    downloads_disabled: view.downloads_disabled ? 'yes' : undefined,
    uses_main_balance: view.uses_main_balance ? 'yes' : undefined,
    shares_main_assets: view.shares_main_assets ? 'yes' : undefined,
    sub_accounts_may_delete_tasks: view.sub_accounts_may_delete_tasks ? 'yes' : undefined,
  });
  return { text: text || 'The farm returned no profile.', view };
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
export function timeoutSeconds(s: UserSettings): number | undefined {
  if (typeof s.taskOverTimeSec === 'number') return s.taskOverTimeSec;
  return typeof s.taskOverTime === 'number' ? s.taskOverTime * 3600 : undefined;
}

/** The account's render settings: task timeout, analysis switches, download lock. */
export function describeSettings(s: UserSettings) {
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
  };
}
