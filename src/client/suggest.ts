/**
 * "Did you mean" for mistyped flags and commands: the candidate a word is most plausibly a typo of.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate `word` was probably meant to be: the nearest within a few edits (more allowed for longer words),
 * or the only candidate that starts with it. Undefined when nothing is close enough to be a useful hint.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lowered = word.toLowerCase();
  const allowed = lowered.length <= 4 ? 1 : lowered.length <= 8 ? 2 : 3;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  const extending = lowered.length >= 3 ? candidates.filter((candidate) => candidate.toLowerCase().startsWith(lowered)) : [];
  return extending.length === 1 ? extending[0] : undefined;
}
