/**
 * The sandbox farm's own costs at 320 / 3,200 / 32,000 tasks: start-up (import of the sandbox module and
 * startSandbox, in a fresh process per size), the first answer, and the cost per request of the reads a client
 * makes most (task-list pages with and without filters, task info, frames, frame stats), over HTTP through the
 * connector and in-process (farm.call, without HTTP). Runs against dist/ (what ships): `npm run build` first.
 *
 *   npx tsx bench/sandbox-farm.ts [--sizes 320,3200,32000] [--calls 200] [--speed 1]
 *
 * At --speed 0 the farm's clock stands still, so the figures are the cost of answering alone; at the default 1,
 * requests also pay for bringing the tasks that changed meanwhile up to date (more tasks render on a bigger farm).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/', import.meta.url);
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
};

interface Row {
  name: string;
  httpMs: number;
  httpP95Ms: number;
  inProcessUs: number;
}

interface ChildResult {
  tasks: number;
  importMs: number;
  startMs: number;
  firstAnswerMs: number;
  /** Live heap after the requests (MB, after a GC when --expose-gc is on). */
  heapMb: number;
  rows: Row[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

async function child(tasks: number, calls: number, speed: number): Promise<ChildResult> {
  const t0 = performance.now();
  const { startSandbox } = (await import(new URL('sandbox/server.js', DIST).href)) as typeof import('../src/sandbox/server.js');
  const t1 = performance.now();
  const sandbox = await startSandbox({ seed: 1, taskCount: tasks, speed });
  const t2 = performance.now();
  const { Connector } = (await import(new URL('client/connector.js', DIST).href)) as typeof import('../src/client/connector.js');
  const connector = new Connector(sandbox.connectorConfig({ concurrency: 1 }), { retryBaseMs: 5 });
  const t3 = performance.now();
  await connector.call('get_task_list', { pageNum: 1, pageSize: 100 });
  const firstAnswerMs = performance.now() - t3;

  const farm = sandbox.farm;
  const records = farm.tasks();
  const simple = records.find((task) => task.respRenderingTaskList === null && (task.totalFrames as number) >= 200) ?? records[0]!;
  const newest = records[0]!;
  const pages = Math.max(1, Math.ceil(records.length / 100));
  const day = (daysAgo: number) => new Date(farm.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
  const requests: [string, string, Record<string, unknown>][] = [
    ['task list, page 1 of 100', 'get_task_list', { pageNum: 1, pageSize: 100 }],
    ['task list, middle page of 100', 'get_task_list', { pageNum: Math.ceil(pages / 2), pageSize: 100 }],
    ['task list, status 30/45, page 1', 'get_task_list', { pageNum: 1, pageSize: 100, statusList: [30, 45] }],
    ['task list, status 25, page 3', 'get_task_list', { pageNum: 3, pageSize: 100, statusList: [25] }],
    ['task list, keyword "shot"', 'get_task_list', { pageNum: 1, pageSize: 100, searchKeyword: 'shot' }],
    ['task list, keyword = an id', 'get_task_list', { pageNum: 1, pageSize: 100, searchKeyword: String(newest.id) }],
    ['task list, last 3 days', 'get_task_list', { pageNum: 1, pageSize: 100, startTime: day(3), endTime: day(0) }],
    ['task info', 'get_task_info', { taskIds: [simple.id] }],
    ['task frames, page 2 of 100', 'get_task_frames', { taskId: simple.id, pageNum: 2, pageSize: 100 }],
    ['frame stats', 'get_frame_stats', {}],
  ];
  const rows: Row[] = [];
  for (const [name, operation, body] of requests) {
    for (let i = 0; i < 20; i++) await connector.call(operation as 'get_task_list', body);
    const http: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await connector.call(operation as 'get_task_list', body);
      http.push(performance.now() - started);
    }
    const local: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      farm.call(operation as 'get_task_list', body);
      local.push(performance.now() - started);
    }
    rows.push({ name, httpMs: median(http), httpP95Ms: p95(http), inProcessUs: median(local) * 1000 });
  }
  (globalThis as { gc?: () => void }).gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;
  await connector.close();
  await sandbox.close();
  return { tasks, importMs: t1 - t0, startMs: t2 - t1, firstAnswerMs, heapMb, rows };
}

if (args[0] === '--child') {
  const result = await child(Number(args[1]), Number(args[2]), Number(args[3]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const sizes = option('sizes', '320,3200,32000').split(',').map(Number);
  const calls = option('calls', '200');
  const speed = option('speed', '1');
  const results: ChildResult[] = [];
  for (const size of sizes) {
    const output = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child', String(size), calls, speed], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    results.push(JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult);
  }
  const fixed = (n: number, digits = 2) => n.toFixed(digits);
  console.log(`| | ${results.map((r) => `${r.tasks.toLocaleString('en')} tasks`).join(' | ')} |`);
  console.log(`|---|${results.map(() => '---').join('|')}|`);
  console.log(`| import sandbox module (ms) | ${results.map((r) => fixed(r.importMs, 0)).join(' | ')} |`);
  console.log(`| startSandbox (ms) | ${results.map((r) => fixed(r.startMs, 0)).join(' | ')} |`);
  console.log(`| first task-list answer (ms) | ${results.map((r) => fixed(r.firstAnswerMs, 0)).join(' | ')} |`);
  console.log(`| live heap after the requests (MB) | ${results.map((r) => fixed(r.heapMb, 0)).join(' | ')} |`);
  for (const [index, row] of results[0]!.rows.entries()) {
    console.log(
      `| ${row.name}: HTTP ms p50 (p95) / in-process µs | ${results.map((r) => `${fixed(r.rows[index]!.httpMs)} (${fixed(r.rows[index]!.httpP95Ms)}) / ${fixed(r.rows[index]!.inProcessUs, 0)}`).join(' | ')} |`,
    );
  }
}
