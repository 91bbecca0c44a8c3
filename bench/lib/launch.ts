import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { CLI } from './server.js';

/** A way to start a server: the file to run and its arguments, as a client's config would name them. */
export interface Launch {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The folder to start in; this process's own unless given. */
  cwd?: string;
}

/**
 * The `rayvision-mcp` command as `npm install -g .` leaves it (the README's install step): a symlink to dist/cli.js
 * in a bin folder, started through its `#!/usr/bin/env node` line, the way every client example starts it. The
 * folder is removed by `dispose`.
 */
export function installedCommand(): { command: string; pathEnv: string; dispose(): void } {
  const bin = mkdtempSync(join(tmpdir(), 'rayvision-bench-bin-'));
  const command = join(bin, 'rayvision-mcp');
  symlinkSync(CLI, command);
  // `env node` must find this node, not another one on PATH.
  return {
    command,
    pathEnv: [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter),
    dispose: () => rmSync(bin, { recursive: true, force: true }),
  };
}

/** Milliseconds from spawn to the exit of `node -e 0`. */
export function nodeBaseline(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - started));
  });
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'rayvision-bench', version: '1' } },
};

/** Resident set size of a process in MB (Linux /proc). */
export function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/** CPU time (ms) a process has used so far, all its threads (Linux /proc schedstat, nanoseconds). */
export function cpuMsOf(pid: number): number {
  let total = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return total;
}

export interface ColdStart {
  /** Spawn to the answer of the first tools/list. */
  toolsListMs: number;
  initializeMs: number;
  tools: number;
  /** CPU the process used up to that answer. */
  cpuMs: number;
}

/**
 * Spawns a server, writes initialize at once (the pipe holds it until the server reads), tools/list as soon as
 * initialize is answered, and times the answers from spawn. Then, if `then` is given, hands the live process over
 * (idle RSS, more calls); otherwise ends its stdin and waits for it to exit.
 */
export async function coldStart(launch: Launch, then?: (session: RawSession) => Promise<void>): Promise<ColdStart> {
  const started = performance.now();
  const session = await startRawSession(launch);
  const initializeMs = performance.now() - started;
  const list = await session.request('tools/list');
  const toolsListMs = performance.now() - started;
  const cpuMs = cpuMsOf(session.pid);
  if (list.error) throw new Error(`${launch.label}: tools/list failed: ${JSON.stringify(list.error)}`);
  if (then) await then(session);
  await session.end();
  return { toolsListMs, initializeMs, tools: (list.result!['tools'] as unknown[]).length, cpuMs };
}

/** A server started with a bare JSON-RPC client (no SDK on this side) and initialized. */
export async function startRawSession(launch: Launch): Promise<RawSession> {
  const child = spawn(launch.command, launch.args, { env: launch.env, stdio: ['pipe', 'pipe', 'pipe'], ...(launch.cwd ? { cwd: launch.cwd } : {}) });
  const session = new RawSession(child, launch.label);
  session.send(INITIALIZE);
  const init = await session.answer(1);
  if (init.error) throw new Error(`${launch.label}: initialize failed: ${JSON.stringify(init.error)}`);
  session.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return session;
}

type Message = { id?: number; method?: string; result?: Record<string, unknown>; error?: unknown };

/**
 * Newline-delimited JSON-RPC over a child's stdin/stdout, nothing else (no SDK client in the way of a timing). A
 * process that fails to start or exits fails every answer still awaited, with the end of its stderr.
 */
export class RawSession {
  stderr = '';
  private buffer = '';
  private nextId = 2;
  private readonly waiting = new Map<number, { resolve(message: Message): void; reject(error: Error): void }>();
  private ended: Error | undefined;

  constructor(
    readonly child: ReturnType<typeof spawn>,
    private readonly label = 'the server',
  ) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        let message: Message;
        try {
          message = JSON.parse(line) as Message;
        } catch {
          continue;
        }
        if (typeof message.id === 'number' && !message.method) {
          this.waiting.get(message.id)?.resolve(message);
          this.waiting.delete(message.id);
        }
      }
    });
    const fail = (reason: string) => {
      this.ended ??= new Error(`${this.label} ${reason} before answering: ${this.stderr.slice(-2000)}`);
      for (const waiter of this.waiting.values()) waiter.reject(this.ended);
      this.waiting.clear();
    };
    child.once('error', (error) => fail(`could not start (${error.message})`));
    // 'close', not 'exit': by then stdout has given up its last answers.
    child.once('close', (code) => fail(`exited with ${code}`));
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(message: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  answer(id: number): Promise<Message> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  request(method: string, params?: Record<string, unknown>): Promise<Message> {
    const id = this.nextId++;
    const answer = this.answer(id);
    this.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return answer;
  }

  end(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin!.end();
    // Some servers keep running after stdin closes; they get a few seconds, then a signal.
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 5000);
    return exited.finally(() => clearTimeout(timer));
  }
}
