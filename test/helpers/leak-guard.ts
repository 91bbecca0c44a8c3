import { afterAll, expect } from 'vitest';
import { CANARY_ACCESS_KEY, witness, witnessed } from './canary.js';

/*
 * Runs in every test file: everything this worker writes to stdout/stderr (server logs included) and everything
 * the tests witnessed (tool results, child process output) is searched for the canary access key after the file's
 * tests. One occurrence fails the file.
 */
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    witness(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

afterAll(() => {
  const leaks = witnessed().filter((text) => text.includes(CANARY_ACCESS_KEY));
  expect(
    leaks.map((text) => text.slice(0, 200)),
    'the access key appeared in output',
  ).toEqual([]);
});
