import { PLATFORM, USER_ID, USER_NAME } from './account.js';
import { errorCode, software, softwareDetail } from './catalogue.js';
import { chinaTime } from './clock.js';
import { frameIndex, frameNode, seededRetryMoment } from './frames.js';
import { FRAME, TASK, isFinishedFrame, type Frame, type Task } from './model.js';
import { page, timeBound, type Page } from './paging.js';
import { hash01 } from './random.js';
import { alias } from './records.js';

/** One item of the task operation log, in seed 001's `taskRecord` shape. */
export interface OperationRecord {
  userName: string;
  taskType: string;
  buttonName: string;
  /** Aliases as a JSON-encoded list, e.g. `["2W1732707","2W1732709"]`. */
  taskIds: string;
  channel: string;
  createTime: string;
  details: string;
  operateSource: number;
  userId: string;
  requestIp: string;
  requestURI: string;
  requestParam: string;
}

export interface Operation {
  button: string;
  details: string;
  taskIds: readonly number[];
  path: string;
  params: Record<string, unknown>;
  /** 2 = web console (generated history), 4 = API (what the sandbox receives). */
  channel?: string;
}

/** The account's task operation log: generated history plus every task write the sandbox accepts. */
export class OperationLog {
  /** Oldest first; `unsorted` when generated history arrived out of order. */
  private readonly records: { at: number; record: OperationRecord }[] = [];
  private unsorted = false;

  add(at: number, operation: Operation): void {
    if (this.records.length && at < this.records.at(-1)!.at) this.unsorted = true;
    this.records.push({
      at,
      record: {
        userName: USER_NAME,
        taskType: 'render',
        buttonName: operation.button,
        taskIds: JSON.stringify(operation.taskIds.map(alias)),
        channel: operation.channel ?? '4',
        createTime: chinaTime(at),
        details: operation.details,
        operateSource: 1,
        userId: String(USER_ID),
        requestIp: operation.channel === '2' ? '203.0.113.24' : '127.0.0.1',
        requestURI: operation.path,
        requestParam: JSON.stringify([operation.params]),
      },
    });
  }

  /** Newest first, within the optional date range; another platform's log is empty. */
  list(args: Record<string, unknown>, pageNum: number, pageSize: number): Page<OperationRecord> {
    const from = timeBound(args, 'startDate');
    const to = timeBound(args, 'endDate');
    if (this.unsorted) {
      this.records.sort((a, b) => a.at - b.at);
      this.unsorted = false;
    }
    if (args.platform !== PLATFORM) return page([], pageNum, pageSize);
    const matching: OperationRecord[] = [];
    for (let i = this.records.length - 1; i >= 0; i--) {
      const { at, record } = this.records[i]!;
      if ((from === undefined || at >= from) && (to === undefined || at <= to)) matching.push(record);
    }
    return page(matching, pageNum, pageSize);
  }
}

/** History consistent with the data set: submissions, and the stops and abandons that explain stopped tasks. */
export function seedHistory(log: OperationLog, tasks: readonly Task[]): void {
  for (const task of tasks.slice(0, 200)) {
    log.add(task.submitDate, {
      button: 'btn_submit',
      details: 'Submitted the task for rendering',
      taskIds: [task.id],
      path: '/api/render/submit/task',
      params: { taskId: task.id },
      channel: '2',
    });
    const at = task.completedDate ?? task.submitDate;
    if (task.status === TASK.USER_STOP || task.status === TASK.STOP) {
      log.add(at, {
        button: 'btn_stop',
        details: 'Stopped the task',
        taskIds: [task.id],
        path: '/api/render/handle/stopTask',
        params: { taskIds: [task.id] },
        channel: '2',
      });
    } else if (task.status === TASK.ABANDON) {
      log.add(at, {
        button: 'btn_abandon',
        details: 'Abandoned the task',
        taskIds: [task.id],
        path: '/api/render/handle/abandonTask',
        params: { taskIds: [task.id] },
        channel: '2',
      });
    }
    const resubmitted = seededRetryMoment(task);
    if (resubmitted !== undefined) {
      const params = { taskIds: [task.id], status: [5, 11] };
      log.add(resubmitted, {
        button: 'btn_restart',
        details: 'Resubmitted the frames in status 5, 11',
        taskIds: [task.id],
        path: '/api/render/handle/recommitTasks',
        params,
        channel: '2',
      });
    }
  }
}

/**
 * A frame's render log, as `showLog` answers (zh docs): a paged object whose `items` are log lines. The real farm
 * pages the raw log in 16 KB chunks (`total` = characters, `size` = 16384, `pageNum` from 0); the sandbox pages by
 * lines instead: `total` = number of lines, `size` = lines per page (`pageSize`), `pageNum` 0 or 1 = first page.
 * A failed frame's log ends with its error, on a line of exactly this form, followed by the exit line:
 *   ERROR <code>: <short English explanation>
 * A frame that has not started has an empty log.
 */
export function renderLog(task: Task, frame: Frame, now: number, pageNum: number, pageSize: number): Page<string> {
  const lines = frame.start > 0 ? logLines(task, frame, now) : [];
  const result = page(lines, Math.max(1, pageNum), pageSize);
  return { ...result, pageNum };
}

function logLines(task: Task, frame: Frame, now: number): string[] {
  const app = software(task.cgId)!;
  const versions = softwareDetail(task.cgId)!.versions;
  const version = versions[Math.floor(hash01(task.planKey, 11) * versions.length)]!.cgVersion;
  const finished = isFinishedFrame(frame.status);
  const failed = finished && frame.status !== FRAME.DONE;
  const end = finished ? frame.end : frame.status === FRAME.RENDERING ? Math.min(now, frame.start + frame.planSec * 1000) : frame.start + 1000;
  const span = Math.max(1000, end - frame.start);
  const at = (fraction: number) => `[${chinaTime(frame.start + Math.floor(span * fraction))}]`;
  const index = frameIndex(task, frame.k);
  const lines = [
    '=================================render log=================================',
    `${at(0)} Render node ${frameNode(task, frame)} (Windows Server 2019, 28 cores, ${task.taskRam} GB RAM)`,
    `${at(0)} Task ${alias(task.id)} (${task.taskType || 'Render'}), frame ${index}, attempt ${frame.attempt + 1}`,
    `${at(0.01)} Software: ${app.cgName} ${version}`,
    `${at(0.02)} Loading scene ${task.sceneName}`,
    `${at(0.05)} Assets synced from input storage: ${20 + Math.floor(hash01(task.planKey, 12) * 400)} files`,
    `${at(0.08)} Rendering frame ${index}, camera ${task.renderCamera || 'default'}${task.layerName ? `, layer ${task.layerName}` : ''}`,
  ];
  const reached = finished ? 1 : frame.status === FRAME.RENDERING ? (end - frame.start) / (frame.planSec * 1000) : 0.3;
  for (const step of [0.25, 0.5, 0.75]) if (reached >= step && !(failed && step > 0.5)) lines.push(`${at(step)} Progress ${Math.round(step * 100)}%`);
  if (frame.status === FRAME.DONE) {
    const seconds = Math.round((frame.end - frame.start) / 1000);
    lines.push(
      `${at(0.98)} Frame rendered in ${clock(seconds)}, peak memory ${(task.taskRam * (0.2 + 0.6 * hash01(task.planKey, frame.k, 13))).toFixed(1)} GB`,
    );
    lines.push(`${at(0.99)} Output uploaded to the output storage`);
    lines.push(`${at(1)} Render finished with exit code 0`);
  } else if (failed) {
    const error = errorCode(frame.code);
    lines.push(`${at(0.95)} ${error?.logLine ?? 'The render process exited unexpectedly'}`);
    lines.push(`ERROR ${frame.code}: ${error?.en ?? 'Render failed'}`);
    lines.push(`${at(1)} Render finished with exit code 1`);
  } else if (frame.status === FRAME.STOPPED) {
    lines.push(`${at(1)} Render stopped: the frame was stopped before it finished`);
  } else {
    lines.push(`${at(1)} Rendering... ${Math.floor(Math.min(0.99, reached) * 100)}%`);
  }
  return lines;
}

function clock(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}
