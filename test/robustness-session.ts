import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Sandbox } from '../src/sandbox/server.js';
import { CLI } from './helpers/built.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';

/** The built server over stdio for the robustness tests (fast and soak), keeping every byte it writes. */

export interface Message {
  jsonrpc?: string;
  id?: number;
  method?: string;
  result?: { isError?: boolean; content?: { type: string; text?: string }[]; structuredContent?: Record<string, unknown>; tools?: unknown[] };
  error?: { code: number; message: string };
}

/** JSON-RPC over the child's stdin/stdout, keeping every byte of stdout and stderr. */
export class Session {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (message: Message) => void>();

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [CLI], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stdout += text;
      this.buffer += text;
      let newline;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        const message = JSON.parse(line) as Message;
        if (typeof message.id === 'number' && !message.method) this.waiting.get(message.id)?.(message);
      }
    });
  }

  request(method: string, params?: Record<string, unknown>): Promise<Message> {
    const id = this.nextId++;
    const answer = new Promise<Message>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) })}\n`);
    return answer;
  }

  async tool(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; structured?: Record<string, unknown> }> {
    const answer = await this.request('tools/call', { name, arguments: args });
    const text = (answer.result?.content ?? []).map((c) => c.text ?? '').join('\n');
    return { isError: answer.result?.isError === true, text, ...(answer.result?.structuredContent ? { structured: answer.result.structuredContent } : {}) };
  }

  async end(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdin.end();
    return exited;
  }
}

/** The environment of the real server (not --sandbox) pointed at a farm, with the canary as its access key. */
export function serverEnv(farm: Sandbox, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
    RAYVISION_API_ACCESS_ID: farm.accessId,
    RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY,
    RAYVISION_API_DOMAIN: farm.domain,
    RAYVISION_API_PROTOCOL: 'http',
    RAYVISION_API_PLATFORM: '2',
    RAYVISION_API_TIMEOUT_MS: '1000',
    RAYVISION_LOG_LEVEL: 'debug',
    ...extra,
  };
}

/** Starts the session: initialize, then the initialized notification. */
export async function openSession(env: NodeJS.ProcessEnv): Promise<Session> {
  const session = new Session(env);
  const init = await session.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'robustness', version: '1' } });
  if (!init.result) throw new Error(`initialize failed: ${JSON.stringify(init.error)}\n${session.stderr}`);
  session.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return session;
}
