/**
 * Whether resubmitting a failed frame can help: the rule triage_failures, resubmit_failures and the task resource
 * share. A cause is judged from what the farm says about it (the error code's description and solution, from
 * get_analysis_error_detail) and what the frame's render log says (the coded ERROR line and the software's own line
 * before it), by the kind of failure their words name:
 * - not fixed by a retry: a missing file (asset, texture, proxy, reference, cache), a licence, a plugin, a damaged or
 *   incompatible scene, not enough memory. The same frame fails again until the user changes something.
 * - worth a retry: a timeout, a lost node, a crash, a hang, a passing farm error (storage, I/O). The next attempt
 *   usually renders, often on another node.
 * The farm's own marker counts as one more input: a solution that says a resubmission "usually fixes" it, or that it
 * "fails again" without a fix. `isRepair` is left out: seed 001 reads 1 as "repairable", the sandbox as "needs a
 * repair", so it cannot be trusted either way. A timed-out frame (status 11) is a timeout, whatever its log says.
 * Words count by where they stand: the description and the log twice, the solution (which may mention other
 * things, "if it crashes again...") once. Neither side ahead, or no words at all: the cause is unknown.
 */

export type Verdict = 'retry' | 'fix_first' | 'unknown';

/** How a verdict reads in an answer. */
export const VERDICT_WORDS: Record<Verdict, string> = { retry: 'worth a retry', fix_first: 'not fixed by a retry', unknown: 'unknown' };

interface Kind {
  verdict: Exclude<Verdict, 'unknown'>;
  /** What the words name, for the answer: `a missing file`. */
  name: string;
  words: RegExp;
}

// English and Chinese, since the farm explains codes in the server's language (languageFlag).
const KINDS: readonly Kind[] = [
  {
    verdict: 'fix_first',
    name: 'a missing file',
    words: /\bmissing\b|\bnot found\b|\bcannot open\b|\bcould not open\b|\bunable to (?:read|open|find|load)\b|\bno such file\b|丢失|缺失|找不到/i,
  },
  { verdict: 'fix_first', name: 'a licence', words: /\blicen[cs]e|授权/i },
  { verdict: 'fix_first', name: 'a plugin', words: /\bplug-?ins?\b|插件/i },
  {
    verdict: 'fix_first',
    name: 'a damaged or incompatible scene',
    words: /\bscene (?:error|load)|\bcould not be loaded\b|\bdamaged\b|\bcorrupt|\bnewer version\b|场景错误|损坏/i,
  },
  { verdict: 'fix_first', name: 'not enough memory', words: /\bout of memory\b|\bnot enough memory\b|\bbad_alloc\b|\bmemory usage exceeded\b|内存不足/i },
  { verdict: 'retry', name: 'a timeout', words: /\btime ?out\b|\btimed out\b|\btime limit\b|超时/i },
  { verdict: 'retry', name: 'a lost render node', words: /\bnode lost\b|\blost contact\b|\blost connection\b|\bheartbeat\b|失联/i },
  { verdict: 'retry', name: 'a crash', words: /\bcrash(?:ed|es)?\b|\bterminated unexpectedly\b|\bsegmentation fault\b|\bcore dumped\b|\bexception 0x|崩溃/i },
  { verdict: 'retry', name: 'a hang', words: /\bhangs?\b|\bhung\b|\bdid not respond\b|\bnot responding\b|卡住/i },
  { verdict: 'retry', name: 'a passing farm error', words: /\btemporar(?:y|ily)\b|\bbriefly\b|\bi\/o error\b|\bunavailable\b|暂时/i },
];

const MARKERS: readonly { verdict: Exclude<Verdict, 'unknown'>; words: RegExp }[] = [
  { verdict: 'retry', words: /\busually fixes\b|通常即可解决/i },
  { verdict: 'fix_first', words: /\bfails again\b|\bwithout fixing\b|再次失败/i },
];

export interface CauseEvidence {
  /** The farm's description of the error code. */
  description?: string;
  /** The farm's solution for it. */
  solution?: string;
  /** Render-log lines of frames with this cause: the coded error line and the software's line before it. */
  lines: readonly string[];
  /** The frames timed out (status 11). */
  timedOut?: boolean;
}

export interface Judgement {
  verdict: Verdict;
  /** Why, in words: `a missing file (the explanation and the render log)`. */
  why: string;
}

export function judgeCause(evidence: CauseEvidence): Judgement {
  const score = { retry: 0, fix_first: 0 };
  const named = new Map<string, Set<string>>();
  const weigh = (text: string | undefined, weight: number, where: string) => {
    if (!text) return;
    for (const kind of KINDS) {
      if (!kind.words.test(text)) continue;
      score[kind.verdict] += weight;
      named.set(kind.name, (named.get(kind.name) ?? new Set()).add(where));
    }
    for (const marker of MARKERS) if (marker.words.test(text)) score[marker.verdict] += weight;
  };
  weigh(evidence.description, 2, 'the explanation');
  weigh(evidence.lines.join('\n'), 2, 'the render log');
  weigh(evidence.solution, 1, 'the solution');
  if (evidence.timedOut) {
    score.retry += 3;
    named.set('a timeout', (named.get('a timeout') ?? new Set()).add('the frame status'));
  }
  const verdict: Verdict = score.fix_first > score.retry ? 'fix_first' : score.retry > score.fix_first ? 'retry' : 'unknown';
  if (verdict === 'unknown') {
    return {
      verdict,
      why: named.size ? `the words point both ways (${[...named.keys()].join(', ')})` : 'neither the explanation nor the render log says what went wrong',
    };
  }
  const kinds = [...named].filter(([name]) => KINDS.find((k) => k.name === name)?.verdict === verdict || (name === 'a timeout' && verdict === 'retry'));
  const [name, where] = kinds.sort((a, b) => b[1].size - a[1].size)[0] ?? ['the farm says so', new Set<string>()];
  return { verdict, why: `${name}${where.size ? ` (${[...where].join(', ')})` : ''}` };
}

/** Why a failed frame is held back from a resubmission by default; undefined when it is resubmitted. */
export type HoldReason = 'fix_first' | 'unknown' | 'failed_again';
export const HOLD_REASONS = ['fix_first', 'unknown', 'failed_again'] as const satisfies readonly HoldReason[];

/** Why frames are held back, as the end of `... held back because ...`. */
export const HOLD_WORDS: Record<HoldReason, string> = {
  fix_first: 'their cause is not fixed by a retry',
  unknown: 'their cause is unknown',
  failed_again: 'they already failed again after a resubmission',
};

/**
 * A frame is resubmitted by default only when its cause is worth a retry and it has not failed again after an
 * earlier resubmission (`recommitFlag` counts them). One reason per frame, the strongest first: a frame that failed
 * again with a cause a retry does not fix is held for its cause, which an `include` of fix_first (the user fixed it)
 * releases.
 */
export function holdReason(verdict: Verdict, failedAgain: boolean): HoldReason | undefined {
  if (verdict === 'fix_first') return 'fix_first';
  if (verdict === 'unknown') return 'unknown';
  return failedAgain ? 'failed_again' : undefined;
}
