import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { guardStdout } from '../src/server/stdio.js';
import { CLI, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';

beforeAll(ensureBuilt);

interface Message {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** Drives the built server over raw stdin/stdout lines, keeping every byte it writes to stdout. */
class RawSession {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private nextId = 1;
  private waiting = new Map<number, (message: Message) => void>();
  private buffer = '';

  constructor(nodeArgs: string[] = []) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_')));
    this.child = spawn(process.execPath, [...nodeArgs, CLI, '--sandbox'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stdout += text;
      this.buffer += text;
      let newline;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        let message: Message;
        try {
          message = JSON.parse(line) as Message;
        } catch {
          continue; // the assertions over `stdout` report it
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

  async initialize(): Promise<Message> {
    const answer = await this.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stdio-test', version: '1' } });
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return answer;
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

function expectOnlyProtocol(stdout: string): Message[] {
  expect(stdout.endsWith('\n')).toBe(true);
  const lines = stdout.slice(0, -1).split('\n');
  return lines.map((line) => {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      throw new Error(`stdout carried a line that is not JSON: ${line.slice(0, 200)}`);
    }
    expect(message.jsonrpc, line).toBe('2.0');
    expect('id' in message || 'method' in message, line).toBe(true);
    return message;
  });
}

describe('stdio', () => {
  it('writes nothing but JSON-RPC 2.0 messages to stdout during a full session', async () => {
    const session = new RawSession();
    try {
      const init = await session.initialize();
      expect(init.result?.['serverInfo']).toMatchObject({ name: 'rayvision-mcp' });
      const list = await session.request('tools/list');
      expect((list.result?.['tools'] as unknown[]).length).toBeGreaterThan(10);
      const tasks = await session.request('tools/call', { name: 'get_task_list', arguments: { page_size: 3 } });
      expect(tasks.result?.['isError']).toBeFalsy();
      const platforms = await session.request('tools/call', { name: 'list_platforms', arguments: {} });
      expect(platforms.result?.['isError']).toBeFalsy();
      const badArguments = await session.request('tools/call', { name: 'get_task_list', arguments: { page_size: 'many' } });
      expect(badArguments.result?.['isError']).toBe(true);
      const unknownTool = await session.request('tools/call', { name: 'no_such_tool', arguments: {} });
      expect(unknownTool.error ?? unknownTool.result?.['isError']).toBeTruthy();
      const unknownMethod = await session.request('no/such/method');
      expect(unknownMethod.error?.code).toBe(-32601);
      const ping = await session.request('ping');
      expect(ping.result).toEqual({});
    } finally {
      expect(await session.end()).toBe(0);
    }
    const messages = expectOnlyProtocol(session.stdout);
    expect(messages.filter((m) => 'id' in m)).toHaveLength(8);
    expect(session.stderr).toMatch(/SANDBOX MODE/);
  });

  it('diverts stray writes to stdout (console.log, process.stdout.write) to stderr', async () => {
    // Runs inside the server process: once the guard is in place, writes to stdout the way a careless dependency would.
    const stray = [
      'const original = process.stdout.write;',
      'const timer = setInterval(() => {',
      '  if (process.stdout.write === original) return;',
      '  clearInterval(timer);',
      "  process.stdout.write('STRAY-WRITE\\n');",
      "  console.log('STRAY-LOG %d', 42);",
      '}, 1);',
      'timer.unref();',
    ].join('\n');
    const session = new RawSession(['--import', `data:text/javascript,${encodeURIComponent(stray)}`]);
    try {
      await session.initialize();
      await session.request('tools/list');
      await expect.poll(() => session.stderr, { timeout: 5000 }).toMatch(/STRAY-LOG 42/);
      await session.request('ping');
    } finally {
      await session.end();
    }
    expect(session.stderr).toMatch(/STRAY-WRITE/);
    expect(session.stdout).not.toMatch(/STRAY/);
    expectOnlyProtocol(session.stdout);
  });
});

describe('guardStdout', () => {
  it('lets only the protocol stream reach stdout and sends everything else to the diversion', async () => {
    const stdout = new PassThrough();
    const divert = new PassThrough();
    const protocol = guardStdout(stdout, divert);
    stdout.write('stray text\n');
    await new Promise<void>((resolve) => protocol.write('{"jsonrpc":"2.0","method":"x"}\n', () => resolve()));
    stdout.end();
    divert.end();
    expect(stdout.read()?.toString()).toBe('{"jsonrpc":"2.0","method":"x"}\n');
    expect(divert.read()?.toString()).toBe('stray text\n');
  });
});
