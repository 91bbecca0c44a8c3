import { FarmError } from '../types.js';
import { page, timeBound, type Page } from './paging.js';
import type { Rng } from './random.js';

/** The sandbox account: one main account on platform 2 (a CPU cluster whose task aliases read 2W…). */
export const USER_ID = 100150764;
export const USER_NAME = 'sandbox_artist';
export const PLATFORM = 2;

const INITIAL_BALANCE = 2350.75;

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

/** Seed 001's platform record shape; zone 1 (China) and zone 2 (overseas) list different clusters. */
const PLATFORMS: Readonly<Record<1 | 2, readonly Record<string, unknown>[]>> = {
  1: [
    { platform: 2, name: 'query_platform_w2', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 3, name: 'query_platform_w3', type: 1, status: 2, taskPrefix: 'W', isShow: 1 },
    { platform: 6, name: 'query_platform_w6', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 20, name: 'query_platform_pic', type: 2, status: 1, taskPrefix: 'P', isShow: 1 },
    { platform: 21, name: 'query_platform_gpu', type: 0, status: 3, taskPrefix: 'G', isShow: 1 },
  ],
  2: [
    { platform: 2, name: 'query_platform_w2', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 6, name: 'query_platform_w6', type: 1, status: 1, taskPrefix: 'W', isShow: 1 },
    { platform: 21, name: 'query_platform_gpu', type: 0, status: 2, taskPrefix: 'G', isShow: 1 },
    { platform: 35, name: 'query_platform_gpu5', type: 0, status: 0, taskPrefix: 'G', isShow: 0 },
  ],
};

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

  constructor(rng: Rng, origin: number) {
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

  /** Seed 001's profile example fields; the balance falls as frames render. */
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
      zone: 1,
      rmbbalance: Math.round((INITIAL_BALANCE - spent) * 100) / 100,
      usdbalance: 0,
      rmbCumulative: 18_650,
      usdCumulative: 0,
      credit: 0,
      coupon: 49.93,
      description: 'Sandbox account: generated data, no real money.',
      country: '中国',
      city: '广东 中山',
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
  }

  platforms(zone: number): readonly Record<string, unknown>[] {
    return PLATFORMS[zone === 1 ? 1 : 2];
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
