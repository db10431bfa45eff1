import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';

/** The absolute path of an installed program (PATH, then the sbin folders), or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly timeoutMs: number;
}

/** A server the stack started (nginx, Varnish, Redis): in the foreground, stopped by its pid. */
export class ChildServer {
  readonly name: string;
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #launch: Launch;
  #output = '';

  private constructor(name: string, port: number, child: ChildProcess, launch: Launch) {
    this.name = name;
    this.port = port;
    this.#child = child;
    this.#launch = launch;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts `command` and waits (at most `timeoutMs`, default 15 s) until it accepts connections on `port`. */
  static async start(
    name: string,
    command: string,
    args: readonly string[],
    port: number,
    env?: Readonly<Record<string, string>>,
    timeoutMs = 15_000,
  ): Promise<ChildServer> {
    const child = spawn(command, [...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    });
    const server = new ChildServer(name, port, child, { command, args, env, timeoutMs });
    let exited = false;
    void server.#exited.then(() => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${name} stopped before it listened on port ${port}:\n${server.#output}`);
      if (await canConnect(port)) return server;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await server.stop();
    throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s:\n${server.#output}`);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Whether the process has ended (stopped, killed or crashed). */
  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** The last lines it printed (8 000 characters at most). */
  get output(): string {
    return this.#output;
  }

  /** Starts the same program again, with the same arguments, on the same port (after `stop()` or a crash). */
  async restart(): Promise<ChildServer> {
    await this.stop();
    const { command, args, env, timeoutMs } = this.#launch;
    return ChildServer.start(this.name, command, args, this.port, env, timeoutMs);
  }

  /** Sends SIGKILL (a crash, for fault tests); resolves when the process is gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
