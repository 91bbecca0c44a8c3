import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/sandbox/farm/causes.js';
import { holdReason, judgeCause } from '../src/tools/support/retry.js';

/**
 * The rule that decides whether resubmitting a failed frame can help (src/tools/support/retry.ts), held against the
 * sandbox's catalogue of causes, whose `persistent` flag is the truth: a persistent cause fails again on every retry.
 * The rule must read the words, not the sandbox's own marker sentences alone.
 */

const failures = ERROR_CODES.filter((entry) => entry.type === 1);
const MARKERS =
  /\s*(Resubmitting the frame usually fixes it\.|Resubmitting without fixing this fails again\.|重新提交该帧通常即可解决。|不修复直接重新提交会再次失败。)\s*/g;
const expected = (persistent: boolean) => (persistent ? 'fix_first' : 'retry');

describe('which causes a retry can fix', () => {
  it('judges every failure cause of the catalogue as the farm behaves, from its explanation and log line', () => {
    expect(failures.length).toBeGreaterThan(20);
    for (const entry of failures) {
      const judged = judgeCause({
        description: entry.en,
        solution: entry.enSolution,
        lines: [entry.logLine, `ERROR ${entry.code}: ${entry.en}`],
        timedOut: entry.code === 50001,
      });
      expect(judged.verdict, `${entry.code} ${entry.en}: ${judged.why}`).toBe(expected(entry.persistent));
    }
  });

  it('still judges them without the farm marker, from the words alone, in English and in Chinese', () => {
    for (const entry of failures) {
      const english = judgeCause({ description: entry.en, solution: entry.enSolution.replace(MARKERS, ' '), lines: [entry.logLine] });
      expect(english.verdict, `${entry.code} (en): ${english.why}`).toBe(expected(entry.persistent));
      const chinese = judgeCause({ description: entry.zh, solution: entry.zhSolution.replace(MARKERS, ''), lines: [] });
      expect(chinese.verdict, `${entry.code} (zh): ${chinese.why}`).toBe(expected(entry.persistent));
      const logOnly = judgeCause({ lines: [entry.logLine, `ERROR ${entry.code}: ${entry.en}`] });
      expect(logOnly.verdict, `${entry.code} (log): ${logOnly.why}`).toBe(expected(entry.persistent));
    }
  });

  it('names the kind of failure and where it read it', () => {
    expect(judgeCause({ description: 'Missing asset file', lines: ['Asset not found in the input storage: a.png'] })).toEqual({
      verdict: 'fix_first',
      why: 'a missing file (the explanation, the render log)',
    });
    expect(judgeCause({ description: 'Render node lost', lines: [] })).toEqual({ verdict: 'retry', why: 'a lost render node (the explanation)' });
  });

  it('takes a timed-out frame as a timeout, and says unknown when nothing or both ways are said', () => {
    expect(judgeCause({ lines: [], timedOut: true }).verdict).toBe('retry');
    expect(judgeCause({ lines: ['Render finished with exit code 1'] })).toEqual({
      verdict: 'unknown',
      why: 'neither the explanation nor the render log says what went wrong',
    });
    expect(judgeCause({ lines: ['crashed: texture not found'] }).verdict).toBe('unknown');
    // The farm's marker is one input among the others: against the words, it does not decide alone.
    expect(
      judgeCause({ description: 'Missing texture file', solution: 'Resubmitting the frame usually fixes it.', lines: ['Texture file not found: x.tx'] })
        .verdict,
    ).toBe('fix_first');
  });
});

describe('what a resubmission holds back', () => {
  it('holds causes a retry does not fix, unknown causes and frames that failed again, one reason each', () => {
    expect(holdReason('retry', false)).toBeUndefined();
    expect(holdReason('retry', true)).toBe('failed_again');
    expect(holdReason('fix_first', true)).toBe('fix_first');
    expect(holdReason('unknown', false)).toBe('unknown');
    expect(holdReason('unknown', true)).toBe('unknown');
  });
});
