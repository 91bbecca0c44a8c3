import { FarmError } from '../types.js';
import { PLATFORM, USER_ID, USER_NAME } from './account.js';
import type { Rng } from './random.js';

/**
 * Transfer settings: bucket ids, engines with their (secret) Aspera accounts, the RaySync server and the RaySync user
 * key. Secret values embed the canary when one is set, so do-not-leak tests can search all output for it.
 */
export class Transfer {
  private readonly asperaPasswords: [string, string];
  private readonly userKey: string;
  private readonly raySyncKey: string;
  private readonly signature: string;

  constructor(rng: Rng, canary = '') {
    const secret = (text: string) => (canary ? `${text.slice(0, 8)}${canary}${text.slice(8)}` : text);
    this.asperaPasswords = [secret(rng.base64(32)), secret(rng.base64(32))];
    this.userKey = secret(rng.hex(32));
    this.raySyncKey = secret(rng.hex(40));
    this.signature = secret(`rayvision${rng.int(2017, 2025)}`);
  }

  /** Seed 001's getBid shape (snake_case keys, unlike the rest of the API). */
  bid(): Record<string, unknown> {
    return {
      config_bid: '30201',
      input_bid: '10201',
      output_bid: '20201',
      parent_input_bid: '10202',
      sub_user_output_bids: [{ userId: '119776', outputBid: '10401' }],
    };
  }

  /** Seed 001's getConfig shape: three engines, two with Aspera accounts whose passwords are secrets. */
  config(): Record<string, unknown> {
    const line = (name: string, port: string, lineId: number, type?: number) => ({
      name,
      server: '10.60.197.79',
      port,
      isDefault: 1,
      lineId,
      ...(type === undefined ? {} : { type }),
    });
    return {
      inputBid: '10202',
      outputBid: '20202',
      configBid: '30201',
      parentInputBid: null,
      resqEngines: [
        {
          resqEngineAccounts: [{ bid: '20202', name: '20202', password: this.asperaPasswords[0] }],
          respTaskEngineLines: [line('Aspera_main', '10221', 123, 1)],
          engineName: 'trtt',
          automaticCheck: 1,
          checkServer: '677',
          checkPort: '8888',
          checkEnable: '1',
          checkExcludType: '88',
          isDefault: 0,
        },
        {
          resqEngineAccounts: null,
          respTaskEngineLines: [line('raysync_main', '10200', 121)],
          engineName: 'RaySync',
          automaticCheck: 0,
          checkServer: '10.60.196.151',
          checkPort: '10100',
          checkEnable: '0',
          checkExcludType: 'tx',
          isDefault: 1,
        },
        {
          resqEngineAccounts: [{ bid: '30201', name: '30201', password: this.asperaPasswords[1] }],
          respTaskEngineLines: [line('Aspera_main', '10221', 123)],
          engineName: 'Aspera',
          automaticCheck: 0,
          checkServer: 'test2.raysync.cn',
          checkPort: '8888',
          checkEnable: '0',
          checkExcludType: 'tx',
          isDefault: 0,
        },
      ],
      subUserOutputBids: [{ userId: '119784', outputBid: '10202' }],
    };
  }

  /** Seed 001's getServerInfo shape; zone 1 (SDK: not a renderbus domain) answers the overseas proxy. */
  serverInfo(zone: number | undefined): Record<string, unknown> {
    return {
      clientVersion: '3.2.8.2',
      protocolVersion: '3.2.8.2',
      raysyncTransfer: {
        serverIp: '127.0.0.1',
        serverPort: 2121,
        proxyIp: zone === 1 ? '42.123.110.38' : '42.123.110.36',
        proxyPort: 32001,
        sslPort: 2443,
        port: 2442,
      },
    };
  }

  /** Seed 001's getRaySyncUserKey shape: `userKey`, `raySyncUserKey` and `signature` are credentials. */
  raySyncUserKey(now: number): Record<string, unknown> {
    return {
      channel: 2,
      platform: PLATFORM,
      signature: this.signature,
      version: '1.0.0',
      userKey: this.userKey,
      id: USER_ID,
      userName: USER_NAME,
      zone: 1,
      phone: '13800000000',
      email: 'artist@example.com',
      loginTime: now - 3_600_000,
      infoStatus: 0,
      accountType: 1,
      shareMainCapital: 0,
      subDeleteTask: 0,
      subDeleteCapital: 1,
      useMainBalance: 0,
      downloadDisable: 0,
      raySyncUserKey: this.raySyncKey,
    };
  }
}

/** Normalises a tree path: "" and "/" are the root; no trailing slash; `..` is refused. */
export function treeSegments(path: string): string[] {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new FarmError(600, `parameter treePath is invalid: ".." is not allowed (got "${path}")`);
  return segments;
}
