import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorConfig } from '../src/client/config.js';
import { Connector } from '../src/client/connector.js';
import { ApiError } from '../src/client/errors.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';

/** The sandbox account agrees with itself: platforms and zone, over HTTP. */

type Row = Record<string, unknown>;
type Paged = { total: number; items: Row[] };
const START = Date.UTC(2026, 4, 11, 6, 0);

const connectors: Connector[] = [];
function connect(sandbox: Sandbox, overrides: Partial<ConnectorConfig> = {}): Connector {
  const connector = new Connector(sandbox.connectorConfig(overrides), { retryBaseMs: 5 });
  connectors.push(connector);
  return connector;
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the farm to refuse');
}

/** Every task of a list query, page by page. */
async function allTasks(connector: Connector, args: Row = {}): Promise<Row[]> {
  const tasks: Row[] = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = (await connector.call('get_task_list', { ...args, pageNum, pageSize: 100 })) as Paged;
    tasks.push(...page.items);
    if (page.items.length < 100) return tasks;
  }
}

let sandbox: Sandbox;
let farm: Connector;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1, speed: 0, startTime: START });
  farm = connect(sandbox);
});
afterAll(async () => {
  await Promise.all(connectors.map((connector) => connector.close()));
  await sandbox.close();
});

describe('platforms', () => {
  it('lists the SDK’s default platform 4 next to the account’s own platform 2', async () => {
    const platforms = (await farm.call('list_platforms', { zone: 2 })) as Row[];
    expect(platforms.map((platform) => platform.platform)).toEqual(expect.arrayContaining([2, 4]));
    expect(platforms.find((platform) => platform.platform === 4)).toMatchObject({ type: 1, status: 1, isShow: 1 });
  });

  it('serves a request whose platform header is one of the account’s platforms', async () => {
    const onFour = (await connect(sandbox, { platform: '4' }).call('get_task_list', { pageNum: 1, pageSize: 5 })) as Paged;
    const onTwo = (await farm.call('get_task_list', { pageNum: 1, pageSize: 5 })) as Paged;
    expect(onFour.items.map((task) => task.id)).toEqual(onTwo.items.map((task) => task.id));
  });

  it('refuses an unknown or not activated platform with 403, changes nothing, and still answers list_platforms', async () => {
    const [task] = (await allTasks(farm, { statusList: [5] })).filter((candidate) => candidate.respRenderingTaskList === null);
    for (const platform of ['7', '35']) {
      const other = connect(sandbox, { platform });
      const read = await refusal(other.call('get_task_list', { pageNum: 1, pageSize: 5 }));
      expect(read.code).toBe(403);
      expect(read.platformMessage).toMatch(new RegExp(`platform ${platform} is not open to this account.*list_platforms`));
      const write = await refusal(other.call('stop_task', { taskIds: [task!.id] }));
      expect(write.code).toBe(403);
      expect(write.notApplied).toBe(true);
      expect(((await other.call('list_platforms', { zone: 2 })) as Row[]).length).toBeGreaterThan(0);
    }
    const after = ((await farm.call('get_task_info', { taskIds: [task!.id] })) as Paged).items[0]!;
    expect(after.taskStatus).toBe(5);
  });
});

describe('zone', () => {
  it('is the zone the SDK derives from the sandbox’s domain, in the profile and in list_platforms', async () => {
    // rayvision_api query.platforms: zone 1 if "renderbus" is in the domain, else 2.
    const zone = sandbox.domain.includes('renderbus') ? 1 : 2;
    const profile = (await farm.call('get_user_profile')) as Row;
    expect(profile.zone).toBe(zone);
    expect(((await farm.call('list_platforms', { zone })) as Row[]).length).toBeGreaterThan(0);
    const other = await refusal(farm.call('list_platforms', { zone: 3 - zone }));
    expect(other.code).toBe(608);
    // An overseas account is billed in USD.
    expect(profile).toMatchObject({ rmbbalance: 0, rmbCumulative: 0 });
    expect(profile.usdbalance).toBeGreaterThan(0);
  });
});
