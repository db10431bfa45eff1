import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { waitForPort } from './ports.js';

const run = promisify(execFile);

export interface WrkOptions {
  readonly connections?: number;
  readonly threads?: number;
  /** Seconds per run. */
  readonly seconds?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly method?: string;
}

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly non2xx3xx: number;
  readonly socketErrors: number;
}

/** Runs wrk (Debian package `wrk`) against `url` and parses its summary. */
export async function runWrk(url: string, options: WrkOptions = {}): Promise<WrkResult> {
  const args = [
    '-t',
    String(options.threads ?? 1),
    '-c',
    String(options.connections ?? 32),
    '-d',
    `${options.seconds ?? 3}s`,
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.method !== undefined && options.method !== 'GET') {
    throw new Error('runWrk: only GET is supported without a Lua script');
  }
  const { stdout } = await run('wrk', [...args, url], { timeout: ((options.seconds ?? 3) + 30) * 1000 }).catch(
    (error: unknown) => {
      // Said plainly, instead of a spawn stack: the server benchmarks cannot run without it.
      if ((error as { code?: unknown }).code === 'ENOENT')
        throw new Error('wrk is not installed: the server benchmarks need it (Debian: apt-get install wrk)');
      throw error;
    },
  );
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (rps === null) throw new Error(`could not read wrk output:\n${stdout}`);
  const non = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requestsPerSecond: Number(rps[1]),
    non2xx3xx: non === null ? 0 : Number(non[1]),
    socketErrors: socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0),
  };
}

/** A server under test in its own Node process (so it has a core of its own, apart from wrk). */
export class BenchServer {
  readonly name: string;
  readonly port: number;
  readonly #child: ChildProcess;

  private constructor(name: string, port: number, child: ChildProcess) {
    this.name = name;
    this.port = port;
    this.#child = child;
  }

  /** Starts `node <script> <port> ...args` and waits until the port answers. */
  static async start(name: string, script: string, port: number, args: readonly string[] = []): Promise<BenchServer> {
    const child = spawn(process.execPath, [script, String(port), ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    const server = new BenchServer(name, port, child);
    await waitForPort(port, name, { child });
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGTERM');
    await exited;
  }
}

export interface Contender {
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ContenderResult {
  readonly name: string;
  /** Median requests per second over the rounds. */
  readonly requestsPerSecond: number;
  readonly rounds: readonly number[];
}

/**
 * wrk against each contender in turn, for several rounds, alternating the order each round, and the
 * median per contender: both sides see the same machine noise. Any non-2xx/3xx answer or socket error
 * fails the run (a benchmark of errors measures nothing).
 */
export async function compareServers(
  contenders: readonly Contender[],
  options: { rounds?: number; seconds?: number; connections?: number; warmupSeconds?: number } = {},
): Promise<ContenderResult[]> {
  const rounds = options.rounds ?? 5;
  for (const c of contenders)
    await runWrk(c.url, {
      seconds: options.warmupSeconds ?? 1,
      connections: options.connections ?? 32,
      headers: c.headers ?? {},
    });
  const samples = contenders.map(() => [] as number[]);
  for (let r = 0; r < rounds; r += 1) {
    const order = r % 2 === 0 ? contenders.map((_, i) => i) : contenders.map((_, i) => contenders.length - 1 - i);
    for (const i of order) {
      const c = contenders[i] as Contender;
      const result = await runWrk(c.url, {
        seconds: options.seconds ?? 3,
        connections: options.connections ?? 32,
        headers: c.headers ?? {},
      });
      if (result.non2xx3xx > 0 || result.socketErrors > 0)
        throw new Error(
          `${c.name}: ${result.non2xx3xx} error responses and ${result.socketErrors} socket errors during the run`,
        );
      (samples[i] as number[]).push(result.requestsPerSecond);
    }
  }
  return contenders.map((c, i) => {
    const sorted = [...(samples[i] as number[])].sort((a, b) => a - b);
    return {
      name: c.name,
      requestsPerSecond: sorted[Math.floor(sorted.length / 2)] as number,
      rounds: samples[i] as number[],
    };
  });
}
