/**
 * The sandbox farm in a process of its own, so the client, the server under test and the farm do not share an
 * event loop. Started by bench/lib/farm.ts with an IPC channel: it reports its URL and credentials once, then
 * answers commands (request counts, sample task ids, the bodies of recent requests, fault rules, simulated time).
 */
import { OPERATION_IDS, type OperationId } from '../src/client/operations.js';
import type { FaultRule } from '../src/sandbox/faults.js';
import { startSandbox, type SandboxOptions } from '../src/sandbox/server.js';

export interface FarmChildOptions {
  seed?: number;
  taskCount?: number;
  speed?: number;
  startTime?: number;
  /** Keep the bodies of incoming requests (for replaying them directly). */
  recordBodies?: boolean;
}

export type FarmCommand =
  | { cmd: 'count'; operation?: OperationId }
  | { cmd: 'counts' }
  | { cmd: 'reset' }
  | { cmd: 'sample' }
  | { cmd: 'bodies' }
  | { cmd: 'advance'; seconds: number }
  | { cmd: 'fault'; rule: FaultRule }
  | { cmd: 'clear-faults' }
  | { cmd: 'close' };

export interface FarmSample {
  /** A finished task without child tasks (most are like that), one with child (layer) tasks, and a rendering task. */
  finished: number;
  layered: number;
  rendering: number;
  /** A task whose own frames include failed ones, and one of those frames. */
  failedLeaf: number;
  failedFrame: number;
  /** Top-level task ids, newest first (at most 50). */
  recent: number[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as FarmChildOptions;
const bodies: { path: string; body: string }[] = [];
const sandboxOptions: SandboxOptions = {
  seed: options.seed ?? 1,
  taskCount: options.taskCount ?? 320,
  speed: options.speed ?? 0,
  ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
  ...(options.recordBodies
    ? {
        inspect: ({ path, body }) => {
          bodies.push({ path, body });
          if (bodies.length > 1000) bodies.splice(0, 500);
        },
      }
    : {}),
};
const sandbox = await startSandbox(sandboxOptions);

type TaskRecord = { id: number; taskStatus: number; respRenderingTaskList: TaskRecord[] | null };

function sample(): FarmSample {
  const tasks = sandbox.farm.tasks() as TaskRecord[];
  const finished = tasks.find((t) => t.taskStatus === 25 && !t.respRenderingTaskList?.length) ?? tasks[0]!;
  const layered = tasks.find((t) => t.taskStatus === 25 && (t.respRenderingTaskList?.length ?? 0) > 0) ?? finished;
  const rendering = tasks.find((t) => t.taskStatus === 5) ?? tasks[0]!;
  const leaves = tasks.flatMap((t) => (t.respRenderingTaskList?.length ? t.respRenderingTaskList : [t]));
  let failedLeaf = leaves[0]!.id;
  let failedFrame = 0;
  for (const leaf of leaves) {
    const frame = sandbox.farm.taskFrames(leaf.id).find((f) => f['frameStatus'] === 5);
    if (frame) {
      failedLeaf = leaf.id;
      failedFrame = frame['id'] as number;
      break;
    }
  }
  return { finished: finished.id, layered: layered.id, rendering: rendering.id, failedLeaf, failedFrame, recent: tasks.slice(0, 50).map((t) => t.id) };
}

function answer(command: FarmCommand): unknown {
  switch (command.cmd) {
    case 'count':
      return sandbox.requests.count(command.operation);
    case 'counts': {
      const counts: Record<string, number> = {};
      for (const id of OPERATION_IDS) if (sandbox.requests.count(id)) counts[id] = sandbox.requests.count(id);
      return { total: sandbox.requests.count(), byOperation: counts };
    }
    case 'reset':
      sandbox.requests.reset();
      bodies.length = 0;
      return true;
    case 'sample':
      return sample();
    case 'bodies':
      return bodies.splice(0);
    case 'advance':
      sandbox.farm.advance(command.seconds);
      return true;
    case 'fault':
      sandbox.faults.add(command.rule);
      return true;
    case 'clear-faults':
      sandbox.faults.clear();
      return true;
    case 'close':
      void sandbox.close().then(() => process.exit(0));
      return true;
  }
}

process.on('message', (message: { id: number } & FarmCommand) => {
  let result: unknown;
  try {
    result = answer(message);
  } catch (error) {
    return process.send!({ id: message.id, error: String(error) });
  }
  process.send!({ id: message.id, result });
});
process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
process.send!({ ready: true, url: sandbox.url, domain: sandbox.domain, accessId: sandbox.accessId, accessKey: sandbox.accessKey });
