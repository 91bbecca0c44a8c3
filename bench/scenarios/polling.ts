import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { startStdioServer } from '../lib/server.js';

/** The poll interval the server is given: the floor it enforces (the default is 10 s). */
const INTERVAL_S = 5;

interface Watch {
  label: string;
  uri: string;
  farm: FarmProcess;
  operation: 'get_task_info' | 'get_task_list';
}

/**
 * Farm requests per minute that one resource subscription costs: rayvision://tasks/{id} and rayvision://tasks,
 * each on a farm where nothing changes (a finished task, a frozen clock) and on one that renders (clock sped up).
 * Every subscription has its own server process; all four run at once for the same window, and the requests each
 * caused are counted by operation on its farm after the subscription is in place.
 */
export async function polling(options: BenchOptions): Promise<ScenarioResult> {
  const windowS = options.quick ? 20 : 60;
  const idle = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const busy = await startFarm({ seed: 1, speed: 60, startTime: FARM_START });
  const watches: Watch[] = [
    { label: 'rayvision://tasks/{id}, finished task', uri: `rayvision://tasks/${(await idle.sample()).finished}`, farm: idle, operation: 'get_task_info' },
    { label: 'rayvision://tasks, nothing changes', uri: 'rayvision://tasks', farm: idle, operation: 'get_task_list' },
    {
      label: 'rayvision://tasks/{id}, rendering task (farm clock 60×)',
      uri: `rayvision://tasks/${(await busy.sample()).rendering}`,
      farm: busy,
      operation: 'get_task_info',
    },
    { label: 'rayvision://tasks, tasks rendering (farm clock 60×)', uri: 'rayvision://tasks', farm: busy, operation: 'get_task_list' },
  ];
  const servers = await Promise.all(watches.map((w) => startStdioServer(w.farm.serverEnv({ RAYVISION_POLL_INTERVAL: String(INTERVAL_S) }))));
  try {
    const updates = watches.map(() => 0);
    for (const [i, server] of servers.entries()) server.client.setNotificationHandler('notifications/resources/updated', () => void updates[i]!++);
    await Promise.all(servers.map((server, i) => server.client.subscribeResource({ uri: watches[i]!.uri })));
    const before = await Promise.all(watches.map((w) => w.farm.count(w.operation)));
    await new Promise((resolve) => setTimeout(resolve, windowS * 1000));
    const after = await Promise.all(watches.map((w) => w.farm.count(w.operation)));
    const measured = watches.map((w, i) => ({
      subscription: w.label,
      requests: after[i]! - before[i]!,
      perMinute: ((after[i]! - before[i]!) * 60) / windowS,
      updates: updates[i]!,
    }));
    for (const m of measured) options.log(`  ${m.subscription}: ${m.requests} requests in ${windowS} s, ${m.updates} updates`);
    return {
      name: 'polling',
      data: { windowS, intervalS: INTERVAL_S, measured },
      rows: measured.map((m) => ({
        area: 'Polling',
        metric: `${m.subscription}: farm requests per minute`,
        value: `${m.perMinute.toFixed(1)} (${m.updates} updates sent)`,
      })),
      notes: [
        `Polling: one subscription per server, RAYVISION_POLL_INTERVAL=${INTERVAL_S} (the floor; the default is 10), counted over ${windowS} s after subscribing. A poll of the task list is two get_task_list requests (active tasks and newest tasks).`,
      ],
    };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await idle.close();
    await busy.close();
  }
}
