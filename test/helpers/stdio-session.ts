import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI } from './built.js';
import { witness } from './canary.js';

export interface Message {
  jsonrpc?: string;
  id?: number;
  method?: string;
  result?: { isError?: boolean; content?: { type: string; text?: string }[]; structuredContent?: Record<string, unknown>; tools?: unknown[] } & Record<
    string,
    unknown
  >;
  error?: { code: number; message: string };
}

/**
 * The built server driven over raw stdin/stdout JSON-RPC lines, keeping every byte it writes to stdout and stderr
 * (witnessed for the leak guard when the session ends). Lines that are not JSON are left to the caller's
 * assertions over `stdout`.
 */
export class StdioSession {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (message: Message) => void>();

  /** Starts `node [nodeArgs] dist/cli.js [cliArgs]`, or `command` exactly as given (an installed package, say). */
  constructor(env: NodeJS.ProcessEnv, options: { cliArgs?: string[]; nodeArgs?: string[]; command?: { file: string; args: string[]; cwd?: string } } = {}) {
    const { file, args, cwd } = options.command ?? { file: process.execPath, args: [...(options.nodeArgs ?? []), CLI, ...(options.cliArgs ?? [])] };
    this.child = spawn(file, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stdout += text;
      this.buffer += text;
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
        if (typeof message.id === 'number' && !message.method) this.waiting.get(message.id)?.(message);
      }
    });
  }

  request(method: string, params?: Record<string, unknown>): Promise<Message> {
    const id = this.nextId++;
    const answer = new Promise<Message>((resolve) => this.waiting.set(id, resolve));
    this.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return answer;
  }

  send(message: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** initialize, then the initialized notification. */
  async initialize(clientName = 'test'): Promise<Message> {
    const answer = await this.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: clientName, version: '1' } });
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return answer;
  }

  async tool(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; structured?: Record<string, unknown> }> {
    const answer = await this.request('tools/call', { name, arguments: args });
    const text = (answer.result?.content ?? []).map((c) => c.text ?? '').join('\n');
    return { isError: answer.result?.isError === true, text, ...(answer.result?.structuredContent ? { structured: answer.result.structuredContent } : {}) };
  }

  /** Closes stdin, as a client does at the end of a session, and waits for the server to exit. */
  async end(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdin.end();
    const code = await exited;
    witness(this.stdout);
    witness(this.stderr);
    return code;
  }
}
