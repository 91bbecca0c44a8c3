import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_SECTION_URL } from '../src/server/terminal.js';
import { CLI, ROOT, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';
import { StdioSession } from './helpers/stdio-session.js';

/*
 * The built CLI started the way a person starts it: stdin is a pseudo-terminal (the child's controlling terminal,
 * so Ctrl-C reaches it as SIGINT), stdout and stderr are pipes kept apart. Python's pty module opens the terminal;
 * Node has no pty of its own.
 */
const PTY_DRIVER = String.raw`
import json, os, pty, select, signal, sys, time
node, cli, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
out_r, out_w = os.pipe()
err_r, err_w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.execv(node, [node, cli] + args)
os.close(out_w)
os.close(err_w)
buffers = {out_r: b"", err_r: b""}
open_fds = [out_r, err_r, master]
sent_interrupt = False
deadline = time.time() + 30
while (out_r in open_fds or err_r in open_fds) and time.time() < deadline:
    ready, _, _ = select.select(open_fds, [], [], 0.2)
    for fd in ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            open_fds.remove(fd)
        elif fd != master:
            buffers[fd] += chunk
    # Ctrl-C as a person types it, once the server has said how to quit.
    if not sent_interrupt and b"Ctrl-C" in buffers[err_r]:
        os.write(master, b"\x03")
        sent_interrupt = True
if out_r in open_fds or err_r in open_fds:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "stdout": buffers[out_r].decode("utf-8", "replace"),
    "stderr": buffers[err_r].decode("utf-8", "replace"),
    "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    "interrupted": sent_interrupt,
}))
`;

interface TerminalRun {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: number | null;
  interrupted: boolean;
}

const python = ['python3', 'python'].find((name) => spawnSync(name, ['-c', 'import pty'], { stdio: 'ignore' }).status === 0);

/** Environment as a fresh user has it: none of the developer's RAYVISION_ settings. */
const cleanEnv = (extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
  ...extra,
});

function inTerminal(args: string[], env: Record<string, string> = {}): TerminalRun {
  const result = spawnSync(python!, ['-c', PTY_DRIVER, process.execPath, CLI, JSON.stringify(args)], { env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  const run = JSON.parse(result.stdout) as TerminalRun;
  witness(run.stdout);
  witness(run.stderr);
  return run;
}

const SIGINT = 2;
const NOTE_FIRST_LINE =
  'rayvision-mcp: this is an MCP server; it talks JSON-RPC over stdin/stdout with the MCP client that starts it, not with a person at a terminal.';

/** Ended by the Ctrl-C: killed by SIGINT, or exited on it if a handler catches it; not left for the driver's SIGKILL. */
const endedByCtrlC = (run: TerminalRun) => run.interrupted && (run.signal === SIGINT || run.code === 0 || run.code === 130);

beforeAll(ensureBuilt);

describe.skipIf(!python)('started by hand in a terminal', () => {
  it('--sandbox: the note on stderr, the farm URL called the farm API and not the MCP endpoint, nothing on stdout, Ctrl-C quits', () => {
    const run = inTerminal(['--sandbox']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(NOTE_FIRST_LINE);
    expect(run.stderr).toContain(`see "Connect your client" in the README: ${CONNECT_SECTION_URL}`);
    expect(run.stderr).toContain('rayvision-mcp: press Ctrl-C to quit.');
    expect(run.stderr).not.toMatch(/--sandbox to try/);
    expect(run.stderr).toMatch(/SANDBOX MODE: a simulated farm .* serves the farm's API at http:\/\/127\.0\.0\.1:\d+; .*not the MCP endpoint/);
    expect(endedByCtrlC(run), JSON.stringify(run)).toBe(true);
  });

  it('real mode: the same note, offering --sandbox to someone without an account', () => {
    const run = inTerminal([], { RAYVISION_API_ACCESS_ID: 'AKIDexample', RAYVISION_API_ACCESS_KEY: 'not-a-real-key-0000' });
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(NOTE_FIRST_LINE);
    expect(run.stderr).toContain('rayvision-mcp: no account? Start it with --sandbox to try a simulated farm. Press Ctrl-C to quit.');
    expect(endedByCtrlC(run), JSON.stringify(run)).toBe(true);
  });

  it('real mode with nothing configured: only the error, which says what to set and offers --sandbox', () => {
    const run = inTerminal([]);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^rayvision-mcp: No farm account is configured: set RAYVISION_API_ACCESS_ID .* --sandbox/),
    ]);
  });
});

describe('started by a client (stdin is a pipe)', () => {
  it('writes no note: stdout carries only protocol messages and stderr only the log', async () => {
    const session = new StdioSession(cleanEnv(), { cliArgs: ['--sandbox'] });
    const answer = await session.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
    expect(answer.result?.serverInfo).toMatchObject({ name: 'rayvision-mcp' });
    expect(await session.end()).toBe(0);
    for (const line of session.stdout.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(session.stderr).not.toContain('this is an MCP server');
    expect(session.stderr).not.toContain('Ctrl-C');
  });
});

describe('the note points at the README section that exists', () => {
  it('"Connect your client" is a heading of README.md', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    expect(readme).toMatch(/^## Connect your client$/m);
    expect(CONNECT_SECTION_URL.endsWith('#connect-your-client')).toBe(true);
  });
});
