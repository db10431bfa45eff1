/**
 * The one way every server pair is measured: a candidate (cacheset) against its baseline (the best
 * hand-written equivalent doing the same work). One run's ratio moves by ±15 % on a shared machine,
 * so a pair is measured as several repetitions, each with both servers started fresh in their own
 * processes, and within a repetition the rounds alternate (A B A B …, the side that starts
 * alternating between repetitions). Reported: the median of the per-repetition ratios and their
 * range, and each side's median requests per second.
 *
 * Before measuring, each repetition checks that both servers give the same answer (status, header
 * names and values apart from the clock-driven Date/Expires/Age, and body), so a baseline that does
 * less work than the candidate cannot slip in.
 */
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { emitRows, type BenchRow } from './benchRows.js';
import { freeLoopbackPort } from './ports.js';
import { BenchServer, runWrk } from './wrk.js';
import { numberFlag } from './numberFlag.js';

export interface ServerSide {
  readonly name: string;
  /** A script in bench/dist/servers. */
  readonly script: string;
  readonly args?: readonly string[];
}

export interface PairSpec {
  /** Stable id of the row (used by `npm run bench` and docs/performance.md). */
  readonly id: string;
  readonly label: string;
  /** The ratio candidate / baseline must reach; undefined reports without a bar. */
  readonly bar?: number;
  readonly candidate: ServerSide;
  readonly baseline: ServerSide;
  readonly requestHeaders?: Readonly<Record<string, string>>;
  /** The status every answer must have (a 304 bench that answers 200 measures nothing). */
  readonly status: number;
  /** Requests sent to each server before checking and measuring (a RAM cache fills on the first). */
  readonly primeRequests?: number;
  /** Skip the same-answer check (a peer that legitimately sends different headers). */
  readonly differentAnswers?: boolean;
  /**
   * The baseline replays the candidate's answer: it is started with the candidate's headers (as
   * JSON, after its own args), so both put the same bytes on the wire.
   */
  readonly replayCandidate?: boolean;
}

export interface PairOptions {
  readonly repetitions: number;
  /** Rounds per side within a repetition. */
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  readonly check: boolean;
  /** `--pair a,b`: only the pairs with these ids (all when undefined). */
  readonly pairs: ReadonlySet<string> | undefined;
}

export interface Repetition {
  readonly candidate: number;
  readonly baseline: number;
  readonly ratio: number;
}

export interface PairResult {
  readonly id: string;
  readonly label: string;
  readonly candidateName: string;
  readonly baselineName: string;
  readonly bar: number | undefined;
  readonly candidateRps: number;
  readonly baselineRps: number;
  readonly ratio: number;
  readonly ratioMin: number;
  readonly ratioMax: number;
  readonly repetitions: readonly Repetition[];
  readonly met: boolean | undefined;
}

export function pairOptions(argv: readonly string[] = process.argv.slice(2)): PairOptions {
  const number = (flag: string, fallback: number): number => numberFlag(argv, flag, fallback);
  return {
    repetitions: number('--repetitions', 5),
    rounds: number('--rounds', 2),
    seconds: number('--seconds', 2),
    connections: number('--connections', 32),
    check: argv.includes('--check'),
    pairs: pairFilter(argv),
  };
}

function pairFilter(argv: readonly string[]): ReadonlySet<string> | undefined {
  const at = argv.indexOf('--pair');
  return at < 0 ? undefined : new Set((argv[at + 1] ?? '').split(',').filter((id) => id !== ''));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface Answer {
  readonly status: number;
  readonly headers: readonly [string, string][];
  readonly body: Buffer;
}

/** One GET with the given headers; raw header pairs as sent. */
export function fetchAnswer(url: string, headers: Readonly<Record<string, string>> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          pairs.push([res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Headers whose value follows the clock or the connection; their presence still counts. */
const CLOCK = new Set(['date', 'expires', 'age', 'connection', 'keep-alive']);

/** Header pairs as the baseline must reproduce them: lower-case names, sorted, clock values blanked. */
export function comparable(answer: Answer): string[] {
  return answer.headers
    .map(([n, v]) => `${n.toLowerCase()}: ${CLOCK.has(n.toLowerCase()) ? '…' : v}`)
    .sort((a, b) => a.localeCompare(b));
}

/** The headers a baseline replays to send the same bytes (node:http writes Date/Connection/Keep-Alive). */
export function replayHeaders(answer: Answer): [string, string][] {
  return answer.headers.filter(([n]) => !['date', 'connection', 'keep-alive'].includes(n.toLowerCase()));
}

function sameAnswer(spec: PairSpec, a: Answer, b: Answer): void {
  if (a.status !== spec.status || b.status !== spec.status)
    throw new Error(
      `${spec.id}: expected status ${spec.status}, got ${a.status} (candidate) and ${b.status} (baseline)`,
    );
  if (spec.differentAnswers === true) return;
  const ca = comparable(a).join('\n');
  const cb = comparable(b).join('\n');
  if (ca !== cb)
    throw new Error(`${spec.id}: the baseline sends different headers\ncandidate:\n${ca}\nbaseline:\n${cb}`);
  if (!a.body.equals(b.body)) throw new Error(`${spec.id}: the baseline sends a different body`);
}

const script = (name: string): string => fileURLToPath(new URL(`../servers/${name}`, import.meta.url));

async function start(side: ServerSide): Promise<BenchServer> {
  return BenchServer.start(side.name, script(side.script), await freeLoopbackPort(), side.args ?? []);
}

async function measure(server: BenchServer, spec: PairSpec, options: PairOptions, seconds: number): Promise<number> {
  const result = await runWrk(`${server.url}/`, {
    seconds,
    connections: options.connections,
    headers: spec.requestHeaders ?? {},
  });
  if (result.non2xx3xx > 0 || result.socketErrors > 0)
    throw new Error(`${server.name}: ${result.non2xx3xx} error responses and ${result.socketErrors} socket errors`);
  return result.requestsPerSecond;
}

async function repetition(spec: PairSpec, options: PairOptions, index: number): Promise<Repetition> {
  const servers: BenchServer[] = [];
  try {
    const candidate = await start(spec.candidate);
    servers.push(candidate);
    for (let i = 0; i < (spec.primeRequests ?? 1); i += 1) await fetchAnswer(`${candidate.url}/`);
    const replay =
      spec.replayCandidate === true
        ? [JSON.stringify(replayHeaders(await fetchAnswer(`${candidate.url}/`, spec.requestHeaders)))]
        : [];
    const baseline = await start({ ...spec.baseline, args: [...(spec.baseline.args ?? []), ...replay] });
    servers.push(baseline);
    for (let i = 0; i < (spec.primeRequests ?? 1); i += 1) await fetchAnswer(`${baseline.url}/`);
    const [a, b] = [
      await fetchAnswer(`${candidate.url}/`, spec.requestHeaders),
      await fetchAnswer(`${baseline.url}/`, spec.requestHeaders),
    ];
    sameAnswer(spec, a, b);
    const sides = index % 2 === 0 ? [baseline, candidate] : [candidate, baseline];
    for (const s of sides) await measure(s, spec, options, 1);
    const samples = new Map<BenchServer, number[]>([
      [candidate, []],
      [baseline, []],
    ]);
    for (let r = 0; r < options.rounds; r += 1)
      for (const s of sides) samples.get(s)?.push(await measure(s, spec, options, options.seconds));
    const c = median(samples.get(candidate) ?? []);
    const base = median(samples.get(baseline) ?? []);
    return { candidate: c, baseline: base, ratio: c / base };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Measures one pair (see the file comment), prints it and its JSON line, and returns it. */
export async function runPair(spec: PairSpec, options: PairOptions): Promise<PairResult> {
  const reps: Repetition[] = [];
  for (let i = 0; i < options.repetitions; i += 1) reps.push(await repetition(spec, options, i));
  const ratios = reps.map((r) => r.ratio);
  const ratio = median(ratios);
  const result: PairResult = {
    id: spec.id,
    label: spec.label,
    candidateName: spec.candidate.name,
    baselineName: spec.baseline.name,
    bar: spec.bar,
    candidateRps: median(reps.map((r) => r.candidate)),
    baselineRps: median(reps.map((r) => r.baseline)),
    ratio,
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    repetitions: reps,
    met: spec.bar === undefined ? undefined : ratio >= spec.bar,
  };
  printPair(result, options);
  return result;
}

export function printPair(r: PairResult, options: PairOptions): void {
  console.log(
    `${r.label} (${options.repetitions} fresh-process repetitions × ${options.rounds} alternating rounds of ${options.seconds} s, ${options.connections} connections)`,
  );
  console.log(`  ${r.baselineName.padEnd(36)} ${Math.round(r.baselineRps).toString().padStart(7)} req/s (median)`);
  console.log(`  ${r.candidateName.padEnd(36)} ${Math.round(r.candidateRps).toString().padStart(7)} req/s (median)`);
  const bar = r.bar === undefined ? 'no bar' : `bar >= ${r.bar.toFixed(2)}: ${r.met === true ? 'met' : 'NOT MET'}`;
  console.log(
    `  ratio ${r.ratio.toFixed(2)} (range ${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}; per repetition ${r.repetitions.map((x) => x.ratio.toFixed(2)).join(', ')}); ${bar}`,
  );
}

/** A pair as a row of the JSON line `npm run bench` reads. */
export function pairRow(r: PairResult): BenchRow {
  return {
    id: r.id,
    label: r.label,
    value: r.candidateRps,
    unit: 'req/s',
    reference: r.baselineRps,
    referenceLabel: r.baselineName,
    ratio: r.ratio,
    ratioRange: [r.ratioMin, r.ratioMax],
    ...(r.bar === undefined ? {} : { bar: r.bar }),
  };
}

/** Runs the pairs in order, prints the JSON line, and sets a failing exit code on a missed bar with --check. */
export async function runPairs(bench: string, specs: readonly PairSpec[], options = pairOptions()): Promise<void> {
  const results: PairResult[] = [];
  const chosen = specs.filter((spec) => options.pairs === undefined || options.pairs.has(spec.id));
  if (chosen.length === 0)
    throw new Error(
      `--pair: no pair of ${bench} is named ${[...(options.pairs ?? [])].join(', ')}; its pairs are ${specs.map((s) => s.id).join(', ')}`,
    );
  for (const spec of chosen) results.push(await runPair(spec, options));
  emitRows(bench, results.map(pairRow), { repetitions: options.repetitions, rounds: options.rounds });
}
