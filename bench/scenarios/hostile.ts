import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport, type CallToolResult, type FetchLike } from '@modelcontextprotocol/client';
import { Agent, fetch as undiciFetch } from 'undici';
import { startFarm, type FarmProcess } from '../lib/farm.js';
import { FARM_START, count, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { startHttpServer as startHttp, stopHttpServer as stopHttp } from '../lib/server.js';
import { figure, percentiles, show, type Figure } from '../lib/stats.js';

/** What every farm call takes here: round trips to a real farm are longer still. */
const FARM_LATENCY_MS = 50;
/** Calls the flooding client keeps in flight, without pause: as many as one client may have in progress. */
const FLOOD_WORKERS = 32;
/** Connections holding an unfinished body, and each body's size. */
const HOLDERS = 300;
const BODY = Math.round(3.9 * 1024 * 1024);

/** Peak resident memory of a process so far (VmHWM), in MB. */
const peakMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Variant {
  key: string;
  label: string;
  /** 2026-07-28 clients; otherwise 2025 clients with a session each. */
  modern: boolean;
}

const VARIANTS: Variant[] = [
  { key: 'sessions', label: '2025 sessions', modern: false },
  // Every 2026 request stands alone: the two clients are told apart by address (127.0.0.1 and 127.0.0.2).
  { key: 'modern', label: '2026-07-28 clients', modern: true },
];

/**
 * A hostile neighbour on a shared HTTP server. (1) The p99 of a quiet client's calls, one at a time, alone and
 * while another client floods the same server with 32 calls in flight at all times; for 2025 sessions and for
 * 2026-07-28 clients. The farm answers every call after 50 ms. (2) 300 connections each holding an unfinished
 * 3.9 MiB body: how long /healthz takes meanwhile, and the server's peak memory.
 */
export async function hostile(options: BenchOptions): Promise<ScenarioResult> {
  const rounds = options.quick ? 1 : 3;
  const quietCalls = options.quick ? 40 : 150;
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START });
  const otherPeer = new Agent({ localAddress: '127.0.0.2' });
  const results: Record<string, { alone: Figure; flooded: Figure; floodCalls: number; errors: number }> = {};
  let bodies: { healthP99: Figure; healthMax: Figure; peakMb: Figure; answers: Record<string, number> } | undefined;
  try {
    const { finished: taskId } = await farm.sample();
    await farm.command({ cmd: 'fault', rule: { kind: 'latency', latencyMs: FARM_LATENCY_MS } });
    for (const variant of VARIANTS) {
      options.log(`  ${variant.label}`);
      results[variant.key] = await neighbours(farm, variant, { rounds, quietCalls, taskId, otherPeer, log: options.log });
    }
    await farm.command({ cmd: 'clear-faults' });
    options.log('  unfinished bodies');
    bodies = await unfinishedBodies(farm, { rounds, log: options.log });
  } finally {
    await otherPeer.close();
    await farm.close();
  }
  const errors = Object.values(results).reduce((sum, r) => sum + r.errors, 0);
  // A few farm round trips: what the quiet call may wait for a connection, the figure a lane should hold it to.
  const allowance = 3 * FARM_LATENCY_MS;
  return {
    name: 'hostile',
    data: { rounds, quietCalls, floodWorkers: FLOOD_WORKERS, farmLatencyMs: FARM_LATENCY_MS, ...results, bodies },
    rows: [
      ...VARIANTS.map((variant) => {
        const r = results[variant.key]!;
        return {
          area: 'Hostile neighbour',
          metric: `${variant.label}: quiet client's get_user_profile p99, alone / beside a ${FLOOD_WORKERS}-call flood`,
          value: `${show(r.alone, 0)} / ${show(r.flooded, 0)} ms`,
          target: `flooded ≤ alone + ${allowance} ms`,
          pass: r.flooded.median <= r.alone.median + allowance,
        };
      }),
      { area: 'Hostile neighbour', metric: 'errors of the quiet client', value: String(errors), target: '0', pass: errors === 0 },
      {
        area: 'Hostile neighbour',
        metric: `/healthz p99 / slowest while ${HOLDERS} connections hold unfinished 3.9 MiB bodies`,
        value: `${show(bodies!.healthP99, 0)} / ${show(bodies!.healthMax, 0)} ms`,
        target: '< 1000 ms',
        pass: bodies!.healthMax.max < 1000,
      },
      {
        area: 'Hostile neighbour',
        metric: 'server peak RSS meanwhile',
        value: `${show(bodies!.peakMb, 0)} MB`,
        target: '< 300 MB',
        pass: bodies!.peakMb.max < 300,
      },
    ],
    notes: [
      `Hostile neighbour: ${count(rounds, 'round')} per variant, each a fresh \`--http --port 0\` server (8 connections toward the farm, 4 per lane) on a farm answering after ${FARM_LATENCY_MS} ms; the quiet client makes ${quietCalls} calls one after another, alone and then while the other keeps ${FLOOD_WORKERS} get_task_info calls in flight. ${HOLDERS} connections from six loopback addresses each send 3.9 MiB of a body declared (or, half of them, chunked) a byte longer and hold; /healthz is asked every 100 ms while the bodies are sent and for 2 s after.`,
    ],
  };
}

async function neighbours(
  farm: FarmProcess,
  variant: Variant,
  run: { rounds: number; quietCalls: number; taskId: number; otherPeer: Agent; log: (line: string) => void },
): Promise<{ alone: Figure; flooded: Figure; floodCalls: number; errors: number }> {
  const alone: number[] = [];
  const flooded: number[] = [];
  let floodCalls = 0;
  let errors = 0;
  for (let r = 0; r < run.rounds; r++) {
    const server = await startHttp(farm.serverEnv({ RAYVISION_LOG_LEVEL: 'info' }));
    const fromOtherPeer: FetchLike = (input, init) =>
      undiciFetch(input as string, { ...(init as object), dispatcher: run.otherPeer }) as unknown as Promise<Response>;
    const open = async (other: boolean) => {
      const client = new Client({ name: 'neighbour', version: '1.0.0' }, variant.modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), other ? { fetch: fromOtherPeer } : {}));
      return client;
    };
    const [quiet, flooding] = [await open(true), await open(false)];
    const quietRun = async () => {
      const latencies: number[] = [];
      for (let i = 0; i < run.quietCalls; i++) {
        const t0 = performance.now();
        try {
          const result = (await quiet.callTool({ name: 'get_user_profile', arguments: {} })) as CallToolResult;
          if (result.isError) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
      return percentiles(latencies).p99;
    };
    try {
      await quietRun(); // warm-up
      alone.push(await quietRun());
      let flooding_ = true;
      const workers = Array.from({ length: FLOOD_WORKERS }, async () => {
        while (flooding_) {
          await flooding.callTool({ name: 'get_task_info', arguments: { task_ids: [run.taskId] } }).catch(() => undefined);
          floodCalls++;
        }
      });
      // The flood fills its share of the connections and its queue before the quiet client starts.
      await new Promise((resolve) => setTimeout(resolve, 500));
      flooded.push(await quietRun());
      flooding_ = false;
      await Promise.all(workers);
      run.log(
        `    round ${r + 1}: quiet p99 ${alone.at(-1)!.toFixed(0)} ms alone, ${flooded.at(-1)!.toFixed(0)} ms beside the flood (${floodCalls} flood calls so far)`,
      );
    } finally {
      await Promise.all([quiet, flooding].map((client) => client.close().catch(() => undefined)));
      await stopHttp(server);
      // The farm refuses a nonce seen twice in one second (603); the next server draws its own from scratch.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
  }
  return { alone: figure(alone), flooded: figure(flooded), floodCalls, errors };
}

/** Asks /healthz every 100 ms until its stdin closes, then prints the latencies (ms) as JSON. */
const PROBER = `
const url = process.argv[1];
const latencies = [];
let going = true;
process.stdin.on('end', () => (going = false)).resume();
while (going) {
  const t0 = performance.now();
  await fetch(url).then((res) => res.arrayBuffer());
  latencies.push(performance.now() - t0);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.stdout.write(JSON.stringify(latencies));
`;

/** Sends all of a body but its last byte (half of them chunked), then holds the connection; resolves once sent or refused. */
async function holdBody(port: number, chunked: boolean, localAddress: string): Promise<{ socket: Socket; answer: () => string }> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  let answer = '';
  let gone = false;
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => (gone = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  const length = chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${BODY}`;
  socket.write(
    `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${length}\r\n\r\n`,
  );
  const piece = Buffer.alloc(64 * 1024, 'x');
  for (let sent = 0; !gone && sent < BODY - 1; ) {
    const size = Math.min(piece.length, BODY - 1 - sent);
    const bytes = chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from('\r\n')]) : piece.subarray(0, size);
    sent += size;
    if (!socket.write(bytes)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
  }
  return { socket, answer: () => answer };
}

async function unfinishedBodies(
  farm: FarmProcess,
  run: { rounds: number; log: (line: string) => void },
): Promise<{ healthP99: Figure; healthMax: Figure; peakMb: Figure; answers: Record<string, number> }> {
  const p99: number[] = [];
  const slowest: number[] = [];
  const peaks: number[] = [];
  const answers: Record<string, number> = {};
  for (let r = 0; r < run.rounds; r++) {
    const server = await startHttp(farm.serverEnv({ RAYVISION_LOG_LEVEL: 'info', RAYVISION_HTTP_BODY_TIMEOUT_MS: '20000' }));
    // The prober has a process of its own: this one is busy sending the bodies, and its own delays must not count.
    const prober = spawn(process.execPath, ['--input-type=module', '-e', PROBER, `http://127.0.0.1:${server.port}/healthz`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let probed = '';
    prober.stdout.on('data', (chunk: Buffer) => (probed += chunk.toString('utf8')));
    const proberDone = new Promise((resolve) => prober.once('exit', resolve));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const held = await Promise.all(Array.from({ length: HOLDERS }, (_, i) => holdBody(server.port, i % 2 === 1, `127.0.0.${1 + (i % 6)}`)));
      // Asked while the bodies are sent, and for two seconds while the accepted ones are held.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      prober.stdin.end();
      await proberDone;
      const health = JSON.parse(probed) as number[];
      peaks.push(peakMb(server.pid));
      for (const h of held) {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(h.answer())?.[1] ?? 'held';
        answers[status] = (answers[status] ?? 0) + 1;
        h.socket.destroy();
      }
      const p = percentiles(health);
      p99.push(p.p99);
      slowest.push(Math.max(...health));
      run.log(
        `    round ${r + 1}: /healthz p99 ${p.p99.toFixed(0)} ms (slowest ${Math.max(...health).toFixed(0)} ms), peak RSS ${peaks.at(-1)!.toFixed(0)} MB`,
      );
    } finally {
      if (prober.exitCode === null) prober.kill();
      await stopHttp(server);
    }
  }
  return { healthP99: figure(p99), healthMax: figure(slowest), peakMb: figure(peaks), answers };
}
