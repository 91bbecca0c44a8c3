import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The compile-time checks hold: test/types/*.ts compiles, with each of its `@ts-expect-error` lines failing to compile
 * as it should (an expected error that does not happen is a compile error of its own). Vitest strips types, so this
 * is what makes `npm test` fail when, say, an unknown request key starts to compile.
 */
describe('compile-time checks', () => {
  it('reject unknown request keys, wrong values, and a tool filed under another operation', () => {
    const config = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram([`${ROOT}test/types/farm-api.ts`], { ...config.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName.replace(ROOT, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
