import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { guardStdout } from '../src/server/stdio.js';
import { ensureBuilt } from './helpers/built.js';
import { StdioSession, type Message } from './helpers/stdio-session.js';

beforeAll(ensureBuilt);

/** The built server in sandbox mode, with no RAYVISION_* setting inherited from the environment. */
function sandboxSession(nodeArgs: string[] = []): StdioSession {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_')));
  return new StdioSession(env, { cliArgs: ['--sandbox'], nodeArgs });
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
    const session = sandboxSession();
    try {
      const init = await session.initialize();
      expect(init.result?.['serverInfo']).toMatchObject({ name: 'rayvision-mcp' });
      const list = await session.request('tools/list');
      expect((list.result!['tools'] as unknown[]).length).toBeGreaterThan(10);
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
    const session = sandboxSession(['--import', `data:text/javascript,${encodeURIComponent(stray)}`]);
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

describe('reading stdin', () => {
  it('skips a line that is not JSON, drops a message the JSON-RPC schema refuses, and serves the rest, CRLF lines too', async () => {
    const session = sandboxSession();
    try {
      await session.initialize();
      const send = (line: string) => session.child.stdin.write(`${line}\n`);
      send('this is not JSON');
      send(JSON.stringify({ jsonrpc: '2.0', id: 900, method: 'ping', unexpected: true }));
      send(JSON.stringify({ jsonrpc: '1.0', id: 901, method: 'ping' }));
      send(JSON.stringify({ jsonrpc: '2.0', id: 902.5, method: 'ping' }));
      send(JSON.stringify({ jsonrpc: '2.0', id: 903, method: 'ping', params: { _meta: { progressToken: { not: 'a token' } } } }));
      session.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 904, method: 'ping' })}\r\n`);
      const list = await session.request('tools/call', { name: 'list_platforms', arguments: {}, _meta: { progressToken: 'p-1' } });
      expect(list.result?.isError).toBeFalsy();
      const ids = expectOnlyProtocol(session.stdout).map((m) => m.id);
      expect(ids).toContain(904);
      expect(ids.filter((id) => typeof id === 'number' && id >= 900 && id < 904)).toEqual([]);
    } finally {
      expect(await session.end()).toBe(0);
    }
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

  it("passes stdout's backpressure to the protocol writer, and its 'drain' after it", async () => {
    const stdout = new PassThrough({ highWaterMark: 16 });
    const protocol = guardStdout(stdout, new PassThrough());
    expect(protocol.write('{"jsonrpc":"2.0","method":"a long enough line"}\n')).toBe(false);
    const drained = new Promise((resolve) => protocol.once('drain', resolve));
    expect(stdout.read()?.toString()).toBe('{"jsonrpc":"2.0","method":"a long enough line"}\n');
    await drained;
  });
});
