import type { CallOptions, Connector } from '../connector.js';
import { farmClock, type FarmClock } from '../farm-time.js';
import { OPERATIONS, isRequired, wireName, type BodyArgs, type BodyOf, type EndpointId, type Scheme } from '../operations.js';
import type { Answers } from './answers.js';

/** The `data` of an operation's answer, as the farm sends it (src/client/api/answers.ts). */
export type DataOf<Id extends EndpointId> = Answers[Id];

/** The farm's two regions: China (Renderbus) and international (Fox Renderfarm). */
export type Zone = 'china' | 'international';

export type Currency = 'CNY' | 'USD';

/** The currency each connector's account was last seen billed in (by its profile's zone). */
const LEARNED_CURRENCY = new WeakMap<Connector, Currency>();

/**
 * What the area modules of the farm API share: the one typed way to send an operation, bound to the request it
 * serves (its cancellation signal, and the lane its calls queue in), and the facts of the configured dialect the
 * catalog does not hold.
 */
export class FarmLink {
  constructor(
    private readonly connector: Connector,
    private readonly options: CallOptions = {},
  ) {}

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }

  /** Sends one operation: the body is checked against its catalog entry (BodyOf), the answer typed by Answers. */
  send<Id extends EndpointId>(id: Id, ...[body]: BodyArgs<Id>): Promise<DataOf<Id>> {
    return this.connector.call<DataOf<Id>>(id, (body ?? {}) as Record<string, unknown>, this.options);
  }

  /** Whether the configured dialect sends this parameter at all (the catalog names it null where it does not). */
  sends<Id extends EndpointId>(id: Id, param: keyof BodyOf<Id> & string): boolean {
    const spec = OPERATIONS[id].params[param];
    return spec !== undefined && wireName(param, spec, this.dialect) !== null;
  }

  /** Whether the configured dialect requires this parameter (the catalog lists where only some do). */
  requires<Id extends EndpointId>(id: Id, param: keyof BodyOf<Id> & string): boolean {
    const spec = OPERATIONS[id].params[param];
    return spec !== undefined && isRequired(spec, this.dialect);
  }

  get dialect(): Scheme {
    return this.connector.config.scheme;
  }

  /** The SDK's only rule on the domain: one that contains "renderbus" is the China zone, any other international. */
  get domainZone(): Zone {
    return this.connector.config.domain.includes('renderbus') ? 'china' : 'international';
  }

  /**
   * The currency of the account's costs and balances: CNY in the China zone, USD in the other (api-catalog §5.1:
   * profiles carry both balances, the zone says which). As the last profile read said, else by the domain's zone.
   */
  get currency(): Currency {
    return LEARNED_CURRENCY.get(this.connector) ?? (this.domainZone === 'china' ? 'CNY' : 'USD');
  }

  learnCurrency(currency: Currency): void {
    LEARNED_CURRENCY.set(this.connector, currency);
  }

  /** The platform (cluster) every request is signed for: RAYVISION_API_PLATFORM. */
  get platform(): string {
    return this.connector.config.platform;
  }

  /** The answer language the server asks for (the `languageFlag` header): 0 Chinese, 1 English. */
  get language(): 0 | 1 {
    return this.connector.config.languageFlag === '0' ? 0 : 1;
  }

  /** The farm's wall clock (RAYVISION_API_TIME_ZONE): times sent on it, and the times it writes read from it. */
  get clock(): FarmClock {
    return farmClock(this.connector.config.timeZone);
  }

  /** Our clock corrected by what the connector learned from a 610 answer. */
  now(): number {
    return Date.now() + this.connector.clockOffset;
  }
}
