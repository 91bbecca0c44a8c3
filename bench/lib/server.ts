import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { ROOT } from './farm.js';

export const CLI = process.env.BENCH_CLI ?? `${ROOT}dist/cli.js`;

/** The built server over stdio, with a real MCP client from the SDK. */
export interface StdioServer {
  client: Client;
  pid: number;
  /** Everything the server wrote to stderr. */
  stderr(): string;
  close(): Promise<void>;
}

/** BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the server's node, for profiling. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export interface ServerOptions {
  /** The script to start; CLI (BENCH_CLI or dist/cli.js) unless given. */
  cli?: string;
  /** Flags for the server's node (before the script). */
  nodeArgs?: string[];
  /** Arguments after the script. */
  args?: string[];
}

export async function startStdioServer(env: NodeJS.ProcessEnv, options: ServerOptions = {}): Promise<StdioServer> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...NODE_ARGS, ...(options.nodeArgs ?? []), options.cli ?? CLI, ...(options.args ?? [])],
    env: env as Record<string, string>,
    stderr: 'pipe',
    cwd: ROOT,
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Unless a scenario lists tools first, this client does not validate results against output schemas (the SDK
  // client only does that for tools it has listed), so a per-call figure is the server's work and the transport.
  const client = new Client({ name: 'rayvision-bench', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    pid: transport.pid!,
    stderr: () => stderr,
    close: () => client.close(),
  };
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

/** The built server with `--http --port 0`, its URL read from its start-up log line. */
export interface HttpServer {
  url: string;
  port: number;
  pid: number;
  child: ChildProcessByStdio<null, null, Readable>;
}

export function startHttpServer(env: NodeJS.ProcessEnv, extraArgs: readonly string[] = []): Promise<HttpServer> {
  const child = spawn(process.execPath, [CLI, '--http', '--port', '0', ...extraArgs], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stderr = '';
    let started = false;
    const early = (code: number | null) => reject(new Error(`the HTTP server exited with ${code}: ${stderr}`));
    child.once('exit', early);
    child.stderr.on('data', (chunk: Buffer) => {
      if (started) return;
      stderr += chunk.toString('utf8');
      const url = /serving MCP over HTTP at (http:\/\/\S+\/mcp)/.exec(stderr)?.[1];
      if (!url) return;
      started = true;
      child.off('exit', early);
      resolve({ url, port: Number(new URL(url).port), pid: child.pid!, child });
    });
  });
}

export async function stopHttpServer(server: HttpServer): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}
