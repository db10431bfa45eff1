import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServerProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The port that answers once the server is ready. */
  readonly port: number;
  readonly name: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How long to wait for the port (ms). Default 15 000. */
  readonly startTimeout?: number;
}

/** A real server started for a test: waits until its port answers; keeps the tail of its output. */
export class ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly #child: ChildProcess;
  #output = '';
  #exited: Promise<number | null>;

  private constructor(options: ServerProcessOptions, child: ChildProcess) {
    this.name = options.name;
    this.port = options.port;
    this.#child = child;
    running.add(child);
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        running.delete(child);
        resolve(code);
      });
    });
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const child = spawn(options.command, [...options.args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(options, child);
    const deadline = Date.now() + (options.startTimeout ?? 15_000);
    let exitCode: number | null | undefined;
    void server.#exited.then((code) => {
      exitCode = code;
    });
    while (Date.now() < deadline) {
      if (exitCode !== undefined)
        throw new Error(
          `${options.name} exited with code ${String(exitCode)} before listening on ${options.port}:\n${server.output}`,
        );
      if (await canConnect(options.port)) return server;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.stop();
    throw new Error(
      `${options.name} did not listen on 127.0.0.1:${options.port} within ${options.startTimeout ?? 15_000} ms:\n${server.output}`,
    );
  }

  get output(): string {
    return this.#output;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a signal without waiting (to simulate a crash or a pause). */
  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}
