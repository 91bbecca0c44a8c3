/** Small statistics for benchmark samples: percentiles of one round, and medians with spread across rounds. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** A figure measured once per round: the median of the rounds, with the lowest and highest round. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

export function figure(rounds: readonly number[]): Figure {
  const sorted = [...rounds].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: rounds.map((r) => round(r)) };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `1.23 (1.10–1.40)`: the median and the range of the rounds. */
export function show(f: Figure, digits = 2, unit = ''): string {
  const n = (v: number) => v.toFixed(digits);
  return f.min === f.max ? `${n(f.median)}${unit}` : `${n(f.median)}${unit} (${n(f.min)}–${n(f.max)})`;
}
