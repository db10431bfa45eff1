import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BenchServer, compareServers, runWrk, type Contender, type ContenderResult } from './wrk.js';
import { numberFlag } from './numberFlag.js';

/** Command-line knobs shared by the http benchmarks: `--seconds N --rounds N --connections N --check`. */
export interface HttpBenchOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly check: boolean;
}

export function httpBenchOptions(argv: readonly string[] = process.argv.slice(2)): HttpBenchOptions {
  const number = (flag: string, fallback: number): number => numberFlag(argv, flag, fallback);
  return {
    seconds: number('--seconds', 5),
    rounds: number('--rounds', 5),
    connections: number('--connections', 32),
    check: argv.includes('--check'),
  };
}

/** A server script in bench/dist/servers, started in its own process. */
export interface ServerSpec {
  readonly name: string;
  readonly script: string;
}

let nextPort = 20_000 + Math.floor(Math.random() * 20_000);

/** Starts every server, runs `compare`, and stops them all whatever happens. */
export async function withServers<T>(
  specs: readonly ServerSpec[],
  run: (servers: readonly BenchServer[]) => Promise<T>,
): Promise<T> {
  const servers: BenchServer[] = [];
  try {
    for (const spec of specs) {
      const script = fileURLToPath(new URL(`../servers/${spec.script}`, import.meta.url));
      servers.push(await BenchServer.start(spec.name, script, (nextPort += 1)));
    }
    return await run(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export function contender(server: BenchServer, headers: Readonly<Record<string, string>> = {}): Contender {
  return { name: server.name, url: `${server.url}/`, headers };
}

export function results(contenders: readonly Contender[], options: HttpBenchOptions): Promise<ContenderResult[]> {
  return compareServers(contenders, {
    seconds: options.seconds,
    rounds: options.rounds,
    connections: options.connections,
    warmupSeconds: Math.min(2, options.seconds),
  });
}

/** Prints one comparison and returns the ratio ours / baseline. */
export function report(label: string, ours: ContenderResult, baseline: ContenderResult, bar: number): number {
  const ratio = ours.requestsPerSecond / baseline.requestsPerSecond;
  console.log(label);
  for (const r of [baseline, ours])
    console.log(
      `  ${r.name.padEnd(34)} ${Math.round(r.requestsPerSecond).toString().padStart(7)} req/s  (rounds: ${r.rounds.map((n) => Math.round(n)).join(', ')})`,
    );
  console.log(`  ratio: ${ratio.toFixed(2)} (bar >= ${bar.toFixed(2)})`);
  return ratio;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** The pid of the server process listening for `server` (found by its command line: node <script> <port>). */
function serverPid(server: BenchServer): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[2] === String(server.port) && (argv[1] ?? '').includes('/servers/')) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  throw new Error(`no process found for ${server.name} on port ${server.port}`);
}

/** User and system CPU ticks of a process so far. */
function cpuTicks(pid: number): { readonly user: number; readonly system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/** CPU time per request, µs: in all, and the user-space part (the server's own code, Node and V8). */
export interface CpuPerRequest {
  readonly micros: number;
  readonly userMicros: number;
}

const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * The server's own CPU time per request (µs, user + system, from /proc) over a wrk run, median of
 * `rounds`: on a shared machine throughput swings with the neighbours' load, CPU time per request
 * much less, so this is the second, steadier view of the same comparison. The user-space part is
 * reported too: on loopback the kernel's share of a response write grows when a slower server lets
 * wrk fall asleep between responses (each write then wakes it), which is not work the server does.
 */
export async function cpuPerRequest(
  server: BenchServer,
  headers: Readonly<Record<string, string>>,
  options: HttpBenchOptions,
): Promise<CpuPerRequest> {
  const pid = serverPid(server);
  const totals: number[] = [];
  const users: number[] = [];
  for (let r = 0; r < options.rounds; r += 1) {
    const before = cpuTicks(pid);
    const started = process.hrtime.bigint();
    const run = await runWrk(`${server.url}/`, { seconds: options.seconds, connections: options.connections, headers });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const after = cpuTicks(pid);
    const requests = run.requestsPerSecond * elapsed;
    const user = after.user - before.user;
    totals.push(((user + after.system - before.system) * (1e6 / CLOCK_TICKS)) / requests);
    users.push((user * (1e6 / CLOCK_TICKS)) / requests);
  }
  return { micros: median(totals), userMicros: median(users) };
}

/** Prints the CPU-time view of one comparison and returns baseline µs / ours µs (higher is better). */
export function reportCpu(
  label: string,
  ours: { name: string } & CpuPerRequest,
  baseline: { name: string } & CpuPerRequest,
): number {
  const ratio = baseline.micros / ours.micros;
  console.log(label);
  for (const r of [baseline, ours])
    console.log(
      `  ${r.name.padEnd(34)} ${r.micros.toFixed(1).padStart(7)} µs CPU per request (user space ${r.userMicros.toFixed(1)} µs)`,
    );
  console.log(
    `  ratio (baseline CPU / ours): ${ratio.toFixed(2)}; user space only: ${(baseline.userMicros / ours.userMicros).toFixed(2)}`,
  );
  return ratio;
}
