import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestIdOf } from '../src/server/stdin-limit.js';
import { ensureBuilt } from './helpers/built.js';
import { StdioSession } from './helpers/stdio-session.js';

/*
 * One stdin line over the 10 MiB limit, sent to the built server: the request on it gets a JSON-RPC error, stderr
 * says what happened in one line, and the connection goes on. (The SDK's transport alone ends the connection and
 * the process exits 0 without a word.)
 */

const sandboxEnv = () => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
  RAYVISION_SANDBOX_SPEED: '0',
});
const ELEVEN_MIB = 11 * 1024 * 1024;

let session: StdioSession;

beforeAll(async () => {
  ensureBuilt();
  session = new StdioSession(sandboxEnv(), { cliArgs: ['--sandbox'] });
  const init = await session.initialize('oversize');
  expect(init.result).toBeDefined();
});

afterAll(async () => {
  if (session.child.exitCode === null) await session.end();
});

/** Resolves with the response to `id` that arrives on stdout. */
function answerTo(id: number | string, timeoutMs = 20_000): Promise<{ error?: { code: number; message: string }; result?: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${id}; stderr: ${session.stderr.slice(-500)}`)), timeoutMs);
    const look = () => {
      for (const line of session.stdout.split('\n')) {
        if (!line.includes(`"id":${JSON.stringify(id)}`)) continue;
        const message = JSON.parse(line) as { id: unknown; method?: string };
        if (message.id === id && !message.method) {
          clearTimeout(timer);
          session.child.stdout.off('data', look);
          return resolve(message as never);
        }
      }
    };
    session.child.stdout.on('data', look);
    look();
  });
}

describe('an oversized stdin line', () => {
  it('is refused with a JSON-RPC error for its request, one line on stderr, and the connection goes on', async () => {
    const blob = 'x'.repeat(ELEVEN_MIB);
    // The TypeScript SDK writes the id last.
    session.child.stdin.write(
      `${JSON.stringify({ method: 'tools/call', params: { name: 'get_task_info', arguments: { task_ids: [1], blob } }, jsonrpc: '2.0', id: 'big-1' })}\n`,
    );
    const refused = await answerTo('big-1');
    expect(refused.error?.code).toBe(-32600);
    expect(refused.error?.message).toMatch(/^Request too large: 11\.0 MiB on one line, over the 10 MiB limit; nothing was done/);

    // The Python SDK writes it first.
    session.child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 9001, method: 'tools/call', params: { name: 'get_task_info', arguments: { blob } } })}\n`,
    );
    expect((await answerTo(9001)).error?.code).toBe(-32600);

    const after = await session.request('tools/list');
    expect(after.result?.tools?.length).toBeGreaterThan(50);
    const lines = session.stderr.split('\n').filter((line) => line.includes('dropped a message'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/warn stdin: dropped a message of 11\.0 MiB, over the 10 MiB limit; request "big-1" answered with an error$/);
    expect(
      session.stdout
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line)),
    ).toBe(true);
    expect(session.child.exitCode).toBeNull();
  });

  it('answers only requests, and finds their id where SDKs put it, not inside the arguments', () => {
    expect(requestIdOf('{"method":"tools/call","params":{"arguments":{"id":5', ',"jsonrpc":"2.0","id":7}')).toBe(7);
    expect(requestIdOf('{"jsonrpc":"2.0","id":"a\\"b","method":"x","params":{', 'xx"}}')).toBe('a"b');
    expect(requestIdOf('{"method":"tools/call","params":{"id":5,"more":"', 'x"}}}')).toBeUndefined();
    expect(requestIdOf('{"jsonrpc":"2.0","id":3,"result":{"content":"', 'x"}}')).toBeUndefined();
    expect(requestIdOf('{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"', 'x"}}')).toBeUndefined();
  });
});
