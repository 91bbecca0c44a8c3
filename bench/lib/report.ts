/** What each scenario hands back: rows for the markdown table and the raw figures for results.json. */
export interface Row {
  area: string;
  metric: string;
  value: string;
  target?: string;
  /** Whether the target is met; undefined when the row has no target. */
  pass?: boolean;
}

export interface ScenarioResult {
  name: string;
  rows: Row[];
  data: Record<string, unknown>;
  /** How the figures were taken (listed under the table). */
  notes?: string[];
  /** Why a target is missed, with the figures that explain it; set only when one of the rows misses. */
  whyMissed?: string;
}

export interface BenchOptions {
  /** Fewer rounds and calls: a smoke run of the bench code, not figures to quote. */
  quick: boolean;
  log: (line: string) => void;
}

/** A fixed simulated start time, so every run generates the same data set. */
export const FARM_START = Date.parse('2026-11-20T12:00:00Z');

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| Area | Metric | Result | Target | |', '|---|---|---|---|---|'];
  for (const row of rows) {
    const mark = row.pass === undefined ? '' : row.pass ? 'met' : '**missed**';
    lines.push(`| ${row.area} | ${row.metric} | ${row.value} | ${row.target ?? ''} | ${mark} |`);
  }
  return lines.join('\n');
}

/** `1 round`, `3 rounds`. */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? word : plural}`;
}
