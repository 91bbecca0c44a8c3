import type { BodyOf } from '../operations.js';
import type { Currency, FarmLink, Zone } from './link.js';

/** A render platform (cluster) of the account. */
export interface Platform {
  platform: number;
  name?: string | null;
  type?: number | null;
  status?: number | null;
  taskPrefix?: string | null;
  isShow?: number | null;
}

/** Profile fields as the farm returns them (api-catalog §5.1 #2; no field table exists, keys from the examples). */
export interface UserProfile {
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

/** Settings as the farm returns them (api-catalog §5.1 #3); flags arrive as numbers or numeric strings. */
export interface UserSettings {
  taskOverTime?: number | null;
  taskOverTimeSec?: number | null;
  singleNodeRenderFrames?: string | number | null;
  [flag: string]: unknown;
}

export type AccountAnswers = {
  list_platforms: Platform[] | null;
  get_user_profile: UserProfile | null;
  get_user_settings: UserSettings | null;
  update_user_settings: unknown;
};

/** `zone` codes of list_platforms and the profile: 1 China, 2 international. */
const ZONE_CODE: Record<Zone, 1 | 2> = { china: 1, international: 2 };
const zoneOf = (code: unknown): Zone | undefined => (Number(code) === 1 ? 'china' : Number(code) === 2 ? 'international' : undefined);

export class AccountApi {
  constructor(private readonly link: FarmLink) {}

  /** The currency task and frame costs are in (FarmLink.currency). */
  get currency(): Currency {
    return this.link.currency;
  }

  /** The platform every request is signed for (RAYVISION_API_PLATFORM). */
  get platform(): string {
    return this.link.platform;
  }

  /** Render platforms of a zone. Wire: the SDK (query.platforms) asks for the zone of the domain unless told. */
  async platforms(zone: Zone = this.link.domainZone): Promise<{ zone: Zone; platforms: Platform[] }> {
    const data = await this.link.send('list_platforms', { zone: ZONE_CODE[zone] });
    return { zone, platforms: (data ?? []).filter((p) => p && p.platform !== null && p.platform !== undefined) };
  }

  /**
   * The profile, the zone it names, and the currency the account is billed in: balances come in both, and the zone
   * says which (1 China: CNY); a profile without a zone is billed as its domain's zone.
   */
  async profile(): Promise<{ profile: UserProfile; zone?: Zone; currency: Currency }> {
    const data = (await this.link.send('get_user_profile')) ?? {};
    const profile = 'studentEndTime' in data ? { ...data, studentEndTime: this.link.clock.instant(data.studentEndTime) } : data;
    const zone = zoneOf(profile.zone);
    const currency = (zone ?? this.link.domainZone) === 'china' ? 'CNY' : 'USD';
    this.link.learnCurrency(currency);
    return { profile, ...(zone ? { zone } : {}), currency };
  }

  async settings(): Promise<UserSettings> {
    return (await this.link.send('get_user_settings')) ?? {};
  }

  /** Wire: the SDK sends taskOverTimeSec in seconds; classic names it taskOverTime (000 says seconds), see operations.ts. */
  updateSettings(body: BodyOf<'update_user_settings'>) {
    return this.link.send('update_user_settings', body);
  }
}
