import { randomBytes } from 'node:crypto';

/**
 * The access key every test uses for its sandbox: unique per run (shared with child processes through the
 * environment), so a leak anywhere (stdout, stderr, a tool result, a log) can be searched for.
 */
process.env.RAYVISION_TEST_CANARY_KEY ??= `canaryKEY${randomBytes(12).toString('hex')}`;
export const CANARY_ACCESS_KEY: string = process.env.RAYVISION_TEST_CANARY_KEY;

const seen: string[] = [];

/** Records output the test observed from the server (tool results, a child process's stdout/stderr). */
export function witness(text: string): void {
  seen.push(text);
}

export function witnessed(): readonly string[] {
  return seen;
}
