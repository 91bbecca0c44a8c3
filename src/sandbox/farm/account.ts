import { FarmError } from '../types.js';
import { page, timeBound, type Page } from './paging.js';
import type { Rng } from './random.js';

/** The sandbox account: one main account on platform 2 (a CPU cluster whose task aliases read 2W…). */
export const USER_ID = 100150764;
export const USER_NAME = 'sandbox_artist';
export const PLATFORM = 2;
/**
 * The account's region. The SDK picks the zone from the domain (query.platforms: 1 if "renderbus" is in it, else
 * 2) and the sandbox is served on a loopback address, so its account is an overseas one (zone 2), billed in USD.
 */
export const ZONE: 1 | 2 = 2;

export const DEFAULT_BALANCE = 2350.75;

export interface HardwareConfig {
  id: number;
  type: number;
  model: string;
  gpuNum: string | null;
  ram: string;
  platform: number;
  notSupportCgId: number[];
  status: number;
}

/** Seed 001's hardware list, plus the 28C configuration its edit example uses (id 496). */
export const HARDWARE_CONFIGS: readonly HardwareConfig[] = [
  { id: 301, type: 1, model: 'Default', gpuNum: null, ram: '64GB', platform: PLATFORM, notSupportCgId: [], status: 1 },
  { id: 303, type: 1, model: 'Default', gpuNum: null, ram: '128GB', platform: PLATFORM, notSupportCgId: [], status: 1 },
  { id: 337, type: 1, model: '1080Ti', gpuNum: null, ram: '64GB', platform: PLATFORM, notSupportCgId: [2005, 2000], status: 1 },
  { id: 339, type: 1, model: '2080Ti', gpuNum: null, ram: '64GB', platform: PLATFORM, notSupportCgId: [], status: 1 },
  { id: 341, type: 1, model: '1080Ti', gpuNum: null, ram: '128GB', platform: PLATFORM, notSupportCgId: [2005], status: 1 },
  { id: 496, type: 1, model: '28C', gpuNum: null, ram: '64GB', platform: PLATFORM, notSupportCgId: [], status: 1 },
];

export function hardwareConfig(id: number): HardwareConfig | undefined {
  return HARDWARE_CONFIGS.find((config) => config.id === id);
}

/**
 * Seed 001's platform record shape; zone 1 (China) and zone 2 (overseas) list different clusters. Platform 4 is
 * the SDK's default `platform` (RayvisionAPI, sdk-reference §4); no document lists or names it, so its record
 * (`query_platform_w4`, a CPU cluster) is an assumption. The numbers are rayvision_sync's PLATFORM_ALIAS_MAP.
 */
const PLATFORMS: Readonly<Record<1 | 2, readonly Record<string, unknown>[]>> = {
  1: [
    { platform: 2, name: 'query_platform_w2', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 4, name: 'query_platform_w4', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 3, name: 'query_platform_w3', type: 1, status: 2, taskPrefix: 'W', isShow: 1 },
    { platform: 6, name: 'query_platform_w6', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 20, name: 'query_platform_pic', type: 2, status: 1, taskPrefix: 'P', isShow: 1 },
    { platform: 21, name: 'query_platform_gpu', type: 0, status: 3, taskPrefix: 'G', isShow: 1 },
  ],
  2: [
    { platform: 2, name: 'query_platform_w2', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 4, name: 'query_platform_w4', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 6, name: 'query_platform_w6', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 21, name: 'query_platform_gpu', type: 0, status: 2, taskPrefix: 'G', isShow: 1 },
    { platform: 35, name: 'query_platform_gpu5', type: 0, status: 0, taskPrefix: 'G', isShow: 0 },
  ],
};

/** Platforms a request may name: the zone's activated ones (status 0 is "not activated"). */
const OPEN_PLATFORMS = new Set(PLATFORMS[ZONE].filter((record) => record.status !== 0).map((record) => String(record.platform)));

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'RenderbusClient/5.2.1 (Windows 10)',
  'python-requests/2.31.0 rayvision_api/3.0.4',
];
const LOGIN_TYPES = ['Username and password login', 'Username and password login', 'WeChat QR code login', 'Client login', 'API key'];

interface LoginRecord {
  id: number;
  userId: number;
  userName: string;
  userUa: string;
  traceId: string;
  loginType: string;
  loginStatus: number | string;
  loginStaDesc: string;
  moduleType: string;
  ip: string;
  loginIp: string;
  loginTime: number;
}

/** Profile, settings, platforms, plans, hardware and login history of the sandbox account. */
export class Account {
  readonly settings = {
    infoStatus: null,
    accountType: null,
    shareMainCapital: 0,
    subDeleteTask: 0,
    useMainBalance: 0,
    singleNodeRenderFrames: '1',
    maxIgnoreMapFlag: '1',
    autoCommit: '2',
    separateAccountFlag: 0,
    mifileSwitchFlag: 0,
    assfileSwitchFlag: 0,
    manuallyStartAnalysisFlag: 0,
    downloadDisable: 0,
    taskOverTime: 12,
    taskOverTimeSec: 43_200,
    ignoreMapFlag: 0,
    isVrayLicense: 1,
    justUploadConfigFlag: 0,
    justUploadCgFlag: 0,
    mandatoryAnalyseAllAgent: 0,
  };
  private readonly logins: LoginRecord[] = [];

  constructor(
    rng: Rng,
    origin: number,
    /** Balance before the sandbox rendered anything; below 0 the account is in arrears. */
    readonly openingBalance = DEFAULT_BALANCE,
    /** Called when update_user_settings changes the task timeout. */
    private readonly onTimeoutChange: () => void = () => {},
  ) {
    let at = origin - 60 * 86_400_000;
    for (let id = 1; at < origin - 3_600_000; id++) {
      at += rng.int(2, 40) * 3_600_000 + rng.int(0, 3_599_999);
      const failed = rng.chance(0.06);
      const ip = `203.0.113.${rng.int(2, 250)}`;
      this.logins.push({
        id,
        userId: USER_ID,
        userName: USER_NAME,
        userUa: rng.pick(USER_AGENTS),
        traceId: `${rng.base64(4).replace(/[+/=]/g, 'x')}-U2FuZGJveA-${Math.min(at, origin)}`,
        loginType: rng.pick(LOGIN_TYPES),
        // Seed 001 types loginStatus as int but its failure example is the string "804".
        loginStatus: failed ? '805' : 200,
        loginStaDesc: failed ? 'Wrong user name or password.' : 'Login successful.',
        moduleType: 'Log in',
        ip,
        loginIp: ip,
        loginTime: Math.min(at, origin),
      });
    }
  }

  /** The balance after `spent` was charged; below 0 the account is in arrears. */
  balance(spent: number): number {
    return Math.round((this.openingBalance - spent) * 100) / 100;
  }

  /** Seed 001's profile example fields for an overseas account (balances in USD); the balance falls as frames render. */
  profile(spent: number): Record<string, unknown> {
    return {
      userId: USER_ID,
      userName: USER_NAME,
      platform: PLATFORM,
      phone: '13800000000',
      email: 'artist@example.com',
      company: 'Sandbox Studio',
      name: 'Sandbox Artist',
      job: 'Lighting TD',
      communicationNumber: '',
      softType: 2000,
      softStatus: 1,
      businessType: 1,
      status: 1,
      infoStatus: 0,
      accountType: 1,
      userType: 1,
      mainUserId: 0,
      level: 49,
      pictureLever: null,
      zone: ZONE,
      rmbbalance: 0,
      usdbalance: this.balance(spent),
      rmbCumulative: 0,
      usdCumulative: 2_650,
      credit: 0,
      coupon: 49.93,
      description: 'Sandbox account: generated data, no real money.',
      country: 'Singapore',
      city: 'Singapore',
      address: '',
      cpuPrice: 0.67,
      gpuPrice: 20,
      shareMainCapital: 0,
      subDeleteTask: 0,
      useMainBalance: 0,
      hideBalance: 0,
      hideJobCharge: 0,
      useLevelDirectory: 1,
      downloadDisable: 0,
      displaySubaccount: 1,
      subaccountLimits: 5,
      houdiniFlag: 1,
      c4dFlag: 1,
      blenderFlag: 1,
      keyshotFlag: 0,
      studentEndTime: null,
    };
  }

  /** `taskOverTimeSec` is the SDK's seconds; `taskOverTime` (hours) follows it. */
  updateSettings(seconds: number): void {
    if (seconds < 1) throw new FarmError(600, `parameter taskOverTimeSec is invalid: must be 1 or more seconds (got ${seconds})`);
    this.settings.taskOverTimeSec = seconds;
    this.settings.taskOverTime = Math.max(1, Math.round(seconds / 3600));
    this.onTimeoutChange();
  }

  /**
   * The platforms of the account's zone. Asked for the other zone, the farm answers 608 USER_AREA_ERROR, seed
   * 002's code for "customer's domestic and foreign regions do not match" (which request gets it is an assumption).
   */
  platforms(zone: number): readonly Record<string, unknown>[] {
    if (zone !== ZONE) throw new FarmError(608, `user area error: this account is in zone ${ZONE} (${ZONE === 1 ? 'China' : 'overseas'}), not zone ${zone}`);
    return PLATFORMS[ZONE];
  }

  /**
   * Refuses a request whose `platform` header is not an activated platform of the account's zone. No document says
   * how the farm answers one; 403 FORBIDDEN ("no authorization to access", seed 002) is the sandbox's choice
   * (assumption), and it tells the client that nothing was done.
   */
  checkPlatform(platform: string): void {
    if (OPEN_PLATFORMS.has(platform)) return;
    throw new FarmError(
      403,
      `forbidden: platform ${platform} is not open to this account (its platforms: ${[...OPEN_PLATFORMS].join(', ')}); list_platforms shows them`,
    );
  }

  packNodes(): { packNodeId: number; packName: string }[] {
    return [
      { packNodeId: 809, packName: 'plan1' },
      { packNodeId: 811, packName: 'plan2' },
    ];
  }

  loginRecords(args: Record<string, unknown>, pageNum: number, pageSize: number): Page<LoginRecord> {
    const from = timeBound(args, 'startDate');
    const to = timeBound(args, 'endDate');
    const matching = this.logins.filter((record) => (from === undefined || record.loginTime >= from) && (to === undefined || record.loginTime <= to)).reverse();
    return page(matching, pageNum, pageSize);
  }
}
