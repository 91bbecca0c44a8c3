import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFarm } from '../lib/farm.js';
import { coldStart, installedCommand, nodeBaseline, rssOf, type Launch, type RawSession } from '../lib/launch.js';
import { FARM_START, type BenchOptions, type Row, type ScenarioResult } from '../lib/report.js';
import { figure, show, type Figure } from '../lib/stats.js';

const run = promisify(execFile);

/**
 * MCP servers from npm to compare with, each with a call it answers on its own (no account, no network, no browser):
 * the same call 1,000 times shows what a session costs it in memory.
 */
interface Peer {
  name: string;
  version: string;
  bin: string;
  args?: string[];
  env?: Record<string, string>;
  call: { name: string; arguments: Record<string, unknown> };
  /** What the call does, for the notes. */
  about: string;
}

const PEERS: Peer[] = [
  {
    name: '@modelcontextprotocol/server-everything',
    version: '2026.8.31',
    bin: 'mcp-server-everything',
    call: { name: 'echo', arguments: { message: 'hello' } },
    about: 'echo',
  },
  {
    name: '@supabase/mcp-server-supabase',
    version: '0.13.0',
    bin: 'mcp-server-supabase',
    // Every feature but docs, whose tools/list fetches a schema from supabase.com.
    args: ['--features', 'account,database,debugging,development,functions,branching,storage'],
    env: { SUPABASE_ACCESS_TOKEN: `sbp_${'0'.repeat(40)}` },
    call: { name: 'confirm_cost', arguments: { type: 'project', recurrence: 'monthly', amount: 10 } },
    about: 'confirm_cost (computed locally)',
  },
  {
    name: '@playwright/mcp',
    version: '0.0.83',
    bin: 'playwright-mcp',
    call: { name: 'browser_tabs', arguments: { action: 'list' } },
    about: 'browser_tabs (answers that no browser is installed)',
  },
  {
    name: '@sentry/mcp-server',
    version: '0.39.0',
    bin: 'sentry-mcp',
    env: { SENTRY_ACCESS_TOKEN: 'x'.repeat(40) },
    call: { name: 'search_sentry_tools', arguments: { query: 'issues' } },
    about: 'search_sentry_tools (searched locally)',
  },
];

/** Outside the project's node_modules, kept between runs so a second run installs nothing. */
const PEER_DIR = join(tmpdir(), 'rayvision-mcp-bench-peers');
const CALLS = 1000;

async function installPeers(log: (line: string) => void): Promise<string | undefined> {
  const wanted = Object.fromEntries(PEERS.map((p) => [p.name, p.version]));
  const manifest = join(PEER_DIR, 'package.json');
  const current = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }).dependencies : undefined;
  const installed = PEERS.every((p) => existsSync(join(PEER_DIR, 'node_modules', '.bin', p.bin)));
  if (installed && JSON.stringify(current) === JSON.stringify(wanted)) return undefined;
  mkdirSync(PEER_DIR, { recursive: true });
  writeFileSync(manifest, `${JSON.stringify({ private: true, dependencies: wanted }, null, 2)}\n`);
  log(`  installing ${PEERS.map((p) => `${p.name}@${p.version}`).join(', ')} into ${PEER_DIR}`);
  try {
    // No install scripts: nothing here needs one to start (Playwright's browsers are not wanted).
    await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
      cwd: PEER_DIR,
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n').slice(0, 3).join(' ');
  }
}

interface Server {
  label: string;
  launch: Launch;
  call: (session: RawSession) => Promise<void>;
}

interface Measured {
  label: string;
  ratio: Figure;
  ms: Figure;
  idleMb: Figure;
  afterCallsMb: Figure;
}

/**
 * rayvision-mcp next to MCP servers from npm, measured the same way by the same client in the same run: spawn to
 * the first tools/list answered, as a multiple of the `node -e 0` of the same round (every server once per round,
 * each a fresh process started through its installed command); RSS once tools/list is answered and the process
 * has settled for a second; RSS after 1,000 calls of one tool, one at a time.
 */
export async function peers(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 3 : 15;
  const memoryRounds = options.quick ? 1 : 3;
  const skipped = await installPeers(options.log);
  if (skipped) options.log(`  peers skipped: ${skipped}`);
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const installed = installedCommand();
  try {
    const sample = await farm.sample();
    const pathEnv = installed.pathEnv;
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))) as NodeJS.ProcessEnv;
    const request = async (session: RawSession, name: string, args: Record<string, unknown>) => {
      const answer = await session.request('tools/call', { name, arguments: args });
      if (answer.error) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
      return answer.result ?? {};
    };
    const servers: Server[] = [
      {
        label: 'rayvision-mcp, real mode',
        launch: { label: 'rayvision-mcp', command: installed.command, args: [], env: { ...farm.serverEnv(), PATH: pathEnv } },
        call: async (session) => void (await request(session, 'get_task_info', { task_ids: [sample.finished] })),
      },
      {
        label: 'rayvision-mcp --sandbox',
        launch: {
          label: 'rayvision-mcp --sandbox',
          command: installed.command,
          args: ['--sandbox'],
          env: { ...base, PATH: pathEnv, RAYVISION_LOG_LEVEL: 'warn' },
        },
        call: (() => {
          let task: number | undefined;
          return async (session: RawSession) => {
            task ??= ((await request(session, 'get_task_list', { page_size: 1 }))['structuredContent'] as { tasks: { id: number }[] }).tasks[0]!.id;
            await request(session, 'get_task_info', { task_ids: [task] });
          };
        })(),
      },
      ...(skipped
        ? []
        : PEERS.map((peer) => ({
            label: `${peer.name} ${peer.version}`,
            launch: {
              label: peer.name,
              command: join(PEER_DIR, 'node_modules', '.bin', peer.bin),
              args: peer.args ?? [],
              env: { ...base, PATH: pathEnv, ...peer.env },
            },
            call: async (session: RawSession) => void (await request(session, peer.call.name, peer.call.arguments)),
          }))),
    ];

    // Warm-up: one start each (rayvision-mcp writes its code cache; every server's files get into the page cache).
    for (const server of servers) await coldStart(server.launch);
    const ratios = servers.map(() => [] as number[]);
    const times = servers.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      const baseline = await nodeBaseline();
      for (const [k, server] of servers.entries()) {
        const start = await coldStart(server.launch);
        ratios[k]!.push(start.toolsListMs / baseline);
        times[k]!.push(start.toolsListMs);
      }
      // The farm refuses a nonce it saw in the same second; each rayvision-mcp draws its own from scratch.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }

    const idle = servers.map(() => [] as number[]);
    const after = servers.map(() => [] as number[]);
    for (let r = 0; r < memoryRounds; r++) {
      for (const [k, server] of servers.entries()) {
        await coldStart(server.launch, async (session) => {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          idle[k]!.push(rssOf(session.pid));
          for (let i = 0; i < CALLS; i++) await server.call(session);
          after[k]!.push(rssOf(session.pid));
        });
        options.log(`  ${server.label}: RSS ${idle[k]!.at(-1)!.toFixed(1)} MB idle, ${after[k]!.at(-1)!.toFixed(1)} MB after ${CALLS} calls`);
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
    }

    const measured: Measured[] = servers.map((server, k) => ({
      label: server.label,
      ratio: figure(ratios[k]!),
      ms: figure(times[k]!),
      idleMb: figure(idle[k]!),
      afterCallsMb: figure(after[k]!),
    }));
    for (const m of measured) options.log(`  ${m.label}: ${show(m.ratio, 2, '×')} node -e 0`);
    const ours = measured.slice(0, 2);
    const others = measured.slice(2);
    const rows: Row[] = measured.map((m) => ({
      area: 'Peers',
      metric: `${m.label}: spawn → first tools/list ÷ node -e 0; idle RSS; RSS after ${CALLS.toLocaleString('en')} calls`,
      value: `${show(m.ratio, 2, '×')} (${m.ms.median.toFixed(0)} ms); ${m.idleMb.median.toFixed(1)} MB; ${m.afterCallsMb.median.toFixed(1)} MB`,
    }));
    if (others.length) {
      const fastestPeer = others.reduce((best, m) => (m.ratio.median < best.ratio.median ? m : best));
      const slowestOurs = ours.reduce((worst, m) => (m.ratio.median > worst.ratio.median ? m : worst));
      rows.push({
        area: 'Peers',
        metric: 'rayvision-mcp cold start (real and --sandbox) below every peer in this run',
        value: `${slowestOurs.ratio.median.toFixed(2)}× vs ${fastestPeer.ratio.median.toFixed(2)}× (${fastestPeer.label})`,
        target: 'below every peer',
        pass: slowestOurs.ratio.median < fastestPeer.ratio.median,
      });
    }
    const beaten = others.length > 0 && !rows.at(-1)!.pass;
    return {
      name: 'peers',
      data: {
        rounds,
        memoryRounds,
        calls: CALLS,
        peerDir: PEER_DIR,
        skipped,
        peers: PEERS.map(({ name, version, call, about }) => ({ name, version, call, about })),
        servers: measured,
      },
      rows,
      notes: [
        skipped
          ? `Peers: skipped (the npm registry could not be reached to install them into ${PEER_DIR}: ${skipped}); only rayvision-mcp is shown.`
          : `Peers: installed from npm into ${PEER_DIR} (outside the project), each started through its installed command with dummy credentials; ${rounds} interleaved rounds (node -e 0, then every server once); memory over ${memoryRounds} fresh process(es) each, RSS a second after tools/list and after ${CALLS.toLocaleString('en')} calls of one tool, one at a time: rayvision-mcp get_task_info (real mode against the bench farm), ${PEERS.map((p) => `${p.name} ${p.about}`).join(', ')}.`,
      ],
      ...(beaten
        ? {
            whyMissed: `Peers: ${others
              .filter((m) => m.ratio.median <= Math.max(...ours.map((o) => o.ratio.median)))
              .map((m) => `${m.label} started in ${m.ratio.median.toFixed(2)}× node -e 0`)
              .join('; ')}, at or below rayvision-mcp's ${ours.map((o) => o.ratio.median.toFixed(2)).join(' / ')}×.`,
          }
        : {}),
    };
  } finally {
    installed.dispose();
    await farm.close();
  }
}
