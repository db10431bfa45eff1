/**
 * The machine-readable result every benchmark prints as its last line, for `npm run bench`:
 * `{"bench":"<name>","rows":[...]}`. A row is one figure: cacheset's, and when it is compared, the
 * reference measured in the same run, their ratio and the bar the ratio must reach.
 */
export interface BenchRow {
  /** Stable id (the row of docs/performance.md). */
  readonly id: string;
  readonly label: string;
  /** cacheset's figure. */
  readonly value: number;
  readonly unit: string;
  /** The reference measured in the same run, and what it is. */
  readonly reference?: number;
  readonly referenceLabel?: string;
  /** value / reference, or the figure the bar applies to (for rows with no reference). */
  readonly ratio?: number;
  /** Range of the ratio over fresh-process repetitions. */
  readonly ratioRange?: readonly [number, number];
  /** The ratio must be ≥ bar (or ≤ bar when `barIsMax`). */
  readonly bar?: number;
  readonly barIsMax?: boolean;
}

export function rowMet(row: BenchRow): boolean | undefined {
  if (row.bar === undefined || row.ratio === undefined) return undefined;
  return row.barIsMax === true ? row.ratio <= row.bar : row.ratio >= row.bar;
}

/** Prints the JSON line; with `--check` sets a failing exit code when a row misses its bar. */
export function emitRows(bench: string, rows: readonly BenchRow[], extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ bench, rows, ...extra }));
  if (process.argv.includes('--check') && rows.some((r) => rowMet(r) === false)) process.exitCode = 1;
}
