/**
 * Side-by-side throughput of synchronous candidates in one process: rounds alternate between the
 * candidates so that machine noise (shared 2-core hosts) hits all of them alike; the median round
 * is reported. Each candidate returns a number that is summed into a sink so the work cannot be
 * optimized away.
 */
export interface Candidate {
  readonly name: string;
  /** Runs `iterations` operations and returns any number derived from their results. */
  run(iterations: number): number;
}

export interface ThroughputResult {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSecond: number;
  readonly rounds: readonly number[];
}

let sink = 0;

function timeRound(candidate: Candidate, iterations: number): number {
  const start = process.hrtime.bigint();
  sink += candidate.run(iterations);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return iterations / elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function compareThroughput(
  candidates: readonly Candidate[],
  options: { iterations: number; rounds: number; warmupRounds?: number },
): ThroughputResult[] {
  for (let i = 0; i < (options.warmupRounds ?? 3); i += 1) for (const c of candidates) timeRound(c, options.iterations);
  const rounds = candidates.map(() => [] as number[]);
  for (let r = 0; r < options.rounds; r += 1) {
    // Alternate the order every round so neither candidate always runs first.
    const order = r % 2 === 0 ? candidates.map((_, i) => i) : candidates.map((_, i) => candidates.length - 1 - i);
    for (const i of order) (rounds[i] as number[]).push(timeRound(candidates[i] as Candidate, options.iterations));
  }
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
  return candidates.map((c, i) => ({
    name: c.name,
    opsPerSecond: median(rounds[i] as number[]),
    rounds: rounds[i] as number[],
  }));
}

export function formatOps(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(1)} M/s`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k/s`;
  return `${ops.toFixed(0)} /s`;
}
