import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FarmChildOptions, FarmCommand, FarmSample } from '../farm-child.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('../farm-child.ts', import.meta.url));

/** A sandbox farm running in its own process (bench/farm-child.ts), driven over IPC. */
export interface FarmProcess {
  url: string;
  domain: string;
  accessId: string;
  accessKey: string;
  pid: number;
  command<T = unknown>(command: FarmCommand): Promise<T>;
  count(operation?: string): Promise<number>;
  counts(): Promise<{ total: number; byOperation: Record<string, number> }>;
  reset(): Promise<void>;
  sample(): Promise<FarmSample>;
  /** The environment that points the real server (not --sandbox) at this farm. */
  serverEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startFarm(options: FarmChildOptions = {}): Promise<FarmProcess> {
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: ROOT,
  });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<{ url: string; domain: string; accessId: string; accessKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the farm process did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the farm process exited with ${code}`)));
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string } & Record<string, unknown>) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve(message as never);
        return;
      }
      const pending = waiting.get(message.id!);
      if (!pending) return;
      waiting.delete(message.id!);
      if (message.error) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
    });
  });
  const command = <T>(cmd: FarmCommand) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, ...cmd });
    });
  return {
    ...ready,
    pid: child.pid!,
    command,
    count: (operation) => command<number>({ cmd: 'count', ...(operation ? { operation: operation as never } : {}) }),
    counts: () => command({ cmd: 'counts' }),
    reset: async () => void (await command({ cmd: 'reset' })),
    sample: () => command<FarmSample>({ cmd: 'sample' }),
    serverEnv: (extra = {}) => ({
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
      RAYVISION_API_ACCESS_ID: ready.accessId,
      RAYVISION_API_ACCESS_KEY: ready.accessKey,
      RAYVISION_API_DOMAIN: ready.domain,
      RAYVISION_API_PROTOCOL: 'http',
      RAYVISION_API_PLATFORM: '2',
      RAYVISION_API_LANGUAGE: 'en',
      RAYVISION_LOG_LEVEL: 'warn',
      ...extra,
    }),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
