import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/client/options.js';
import { MAX_SUBSCRIPTIONS, subscriptionTarget } from '../src/resources/subscriptions.js';
import { loadServerSettings } from '../src/server/config.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { PollSchedule, pollSettings } from '../src/server/poll.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, startHarness, type Harness } from './helpers/harness.js';

/** The floor, without backing off: a poll every 5 s, so the windows below are short and predictable. */
const POLL = { intervalSec: 5, maxIntervalSec: 5 };
/** Longer than one poll interval: a poller still alive would have polled within it. */
const WINDOW_MS = 6_500;

type TaskRecord = { id: number; taskStatus: number; totalFrames: number; doneFrames: number | null; respRenderingTaskList?: unknown[] | null };

let sandbox: Sandbox;
const open: Harness[] = [];

beforeAll(async () => {
  // 300 simulated seconds per real second: a rendering task finishes frames between two polls.
  sandbox = await startSandbox({ seed: 41, speed: 300, accessKey: CANARY_ACCESS_KEY });
});
afterAll(async () => {
  for (const h of open) await h.close().catch(() => undefined);
  await sandbox.close();
});

async function harness(): Promise<Harness> {
  const h = await startHarness({ reuse: sandbox, settings: { poll: POLL } });
  open.push(h);
  return h;
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const tasks = () => sandbox.farm.tasks() as unknown as TaskRecord[];
const done = (id: number) => (sandbox.farm.taskInfo(id) as unknown as TaskRecord).doneFrames ?? 0;

describe('polling schedule and settings', () => {
  it('backs off by half again while nothing changes, up to the maximum, and returns to the interval on a change', () => {
    const schedule = new PollSchedule({ intervalSec: 10, maxIntervalSec: 60 });
    expect(schedule.seconds).toBe(10);
    expect([false, false, false, false, false, false].map((changed) => schedule.next(changed))).toEqual([15, 22.5, 33.75, 50.625, 60, 60]);
    expect(schedule.next(true)).toBe(10);
  });

  it('never polls more often than every 5 s, whatever it is given', () => {
    expect(pollSettings({ intervalSec: 1, maxIntervalSec: 2 })).toEqual({ intervalSec: 5, maxIntervalSec: 5 });
    expect(pollSettings()).toEqual({ intervalSec: 10, maxIntervalSec: 60 });
  });

  it('reads RAYVISION_POLL_INTERVAL and RAYVISION_POLL_MAX_INTERVAL, refusing values below 5 s or a maximum below the interval', () => {
    expect(loadServerSettings({}).poll).toEqual({ intervalSec: 10, maxIntervalSec: 60 });
    expect(loadServerSettings({ RAYVISION_POLL_INTERVAL: '20', RAYVISION_POLL_MAX_INTERVAL: '120' }).poll).toEqual({ intervalSec: 20, maxIntervalSec: 120 });
    expect(loadServerSettings({ RAYVISION_POLL_INTERVAL: '90' }).poll).toEqual({ intervalSec: 90, maxIntervalSec: 90 });
    expect(() => loadServerSettings({ RAYVISION_POLL_INTERVAL: '2' })).toThrow(ConfigError);
    expect(() => loadServerSettings({ RAYVISION_POLL_INTERVAL: '2' })).toThrow(/RAYVISION_POLL_INTERVAL \(--poll-interval\): must be at least 5/);
    expect(() => loadServerSettings({ RAYVISION_POLL_INTERVAL: '30', RAYVISION_POLL_MAX_INTERVAL: '20' })).toThrow(
      /RAYVISION_POLL_MAX_INTERVAL .*must be at least RAYVISION_POLL_INTERVAL \(30\)/,
    );
  });

  it('knows which URIs can be followed', () => {
    expect(subscriptionTarget('rayvision://tasks')).toEqual({ kind: 'list' });
    expect(subscriptionTarget('rayvision://tasks/2W19097')).toEqual({ kind: 'task', taskId: 19097, toolset: 'tasks' });
    expect(subscriptionTarget('rayvision://tasks/19097/frames?page=2')).toEqual({ kind: 'task', taskId: 19097, toolset: 'frames' });
    expect(subscriptionTarget('rayvision://account')).toBeUndefined();
    expect(subscriptionTarget('rayvision://tasks/shot12')).toBeUndefined();
  });
});

describe('refusals', () => {
  it('refuses resources that do not change on their own, unknown tasks, and more than 50 subscriptions', async () => {
    const h = await harness();
    await expect(h.client.subscribeResource({ uri: 'rayvision://account' })).rejects.toThrow(/only rayvision:\/\/tasks and rayvision:\/\/tasks\/\{task_id\}/);
    await expect(h.client.subscribeResource({ uri: 'rayvision://tasks/99999999' })).rejects.toMatchObject({
      code: -32602,
      data: { uri: 'rayvision://tasks/99999999' },
    });
    const ids = tasks()
      .slice(0, MAX_SUBSCRIPTIONS + 1)
      .map((t) => t.id);
    for (const id of ids.slice(0, MAX_SUBSCRIPTIONS)) await h.client.subscribeResource({ uri: `rayvision://tasks/${id}` });
    // Subscribing again to one already held is not a new subscription.
    await h.client.subscribeResource({ uri: `rayvision://tasks/${ids[0]}` });
    await expect(h.client.subscribeResource({ uri: `rayvision://tasks/${ids[MAX_SUBSCRIPTIONS]}` })).rejects.toThrow(/already holds 50 subscriptions/);
    await h.close();
  });
});

describe('live updates', () => {
  it('sends updates as the farm renders, only for what changed, announces new tasks, and stops polling on unsubscribe and on disconnect', async () => {
    const rendering = tasks().find((t) => t.taskStatus === 5 && !t.respRenderingTaskList?.length && t.totalFrames - (t.doneFrames ?? 0) > 100)!;
    const finished = tasks().filter((t) => t.taskStatus === 25);
    expect(rendering, 'a rendering task with frames left').toBeDefined();
    const watcher = await harness();
    const other = await harness();
    const updates: string[] = [];
    let listChanges = 0;
    watcher.client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    watcher.client.setNotificationHandler('notifications/resources/list_changed', () => void listChanges++);

    const renderingUri = `rayvision://tasks/${rendering.id}`;
    const finishedUri = `rayvision://tasks/${finished[0]!.id}/frames`;
    const doneBefore = done(rendering.id);
    for (const uri of [renderingUri, finishedUri, 'rayvision://tasks']) await watcher.client.subscribeResource({ uri });
    await other.client.subscribeResource({ uri: `rayvision://tasks/${finished[1]!.id}` });

    // A new task appears on the farm.
    const created = await callTool(watcher.client, 'create_task', { count: 1 });
    const newId = (created.structured!['task_ids'] as number[])[0]!;
    expect(
      (
        await callTool(watcher.client, 'upload_task_json', {
          task_id: newId,
          content: JSON.stringify({ scene_info_render: { common: { frames: '1-10[1]' } } }),
        })
      ).isError,
    ).toBe(false);
    expect((await callTool(watcher.client, 'submit_task', { task_id: newId, dry_run: false })).isError).toBe(false);

    await until('an update of the rendering task and a list change', () => updates.includes(renderingUri) && listChanges > 0);
    expect(done(rendering.id)).toBeGreaterThan(doneBefore);
    expect(updates).toContain('rayvision://tasks');
    // A finished task does not change, so its subscription stays silent.
    expect(updates).not.toContain(finishedUri);
    const text = ((await watcher.client.readResource({ uri: renderingUri })).contents[0] as { text: string }).text;
    expect(Number(/frames: (\d+) done/.exec(text)![1])).toBeGreaterThan(doneBefore);

    // The watcher drops its task subscriptions but keeps the list; the other connection goes away entirely.
    await watcher.client.unsubscribeResource({ uri: renderingUri });
    await watcher.client.unsubscribeResource({ uri: finishedUri });
    await other.close();
    const infoPolls = sandbox.requests.count('get_task_info');
    const listPolls = sandbox.requests.count('get_task_list');
    await sleep(WINDOW_MS);
    expect(sandbox.requests.count('get_task_info'), 'no task polls after unsubscribe and disconnect').toBe(infoPolls);
    expect(sandbox.requests.count('get_task_list'), 'the list subscription still polls').toBeGreaterThan(listPolls);
  }, 40_000);
});
