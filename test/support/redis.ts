import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { freePort } from './freePort.js';
import { ServerProcess } from './ServerProcess.js';

/** A reply as the test needs it: simple strings, errors and bulk strings as text, integers as numbers, arrays. */
export type RespReply = string | number | null | RespReply[];

function parseReply(buffer: Buffer, start: number): { value: RespReply; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[start] as number);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  switch (type) {
    case '+':
      return { value: line, end: lineEnd + 2 };
    case '-':
      return { value: `ERR ${line}`, end: lineEnd + 2 };
    case ':':
      return { value: Number(line), end: lineEnd + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: lineEnd + 2 };
      if (buffer.length < lineEnd + 2 + length + 2) return undefined;
      return { value: buffer.toString('utf8', lineEnd + 2, lineEnd + 2 + length), end: lineEnd + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: lineEnd + 2 };
      const items: RespReply[] = [];
      let at = lineEnd + 2;
      for (let i = 0; i < count; i += 1) {
        const item = parseReply(buffer, at);
        if (item === undefined) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}

/** One command over a fresh connection, in plain RESP: the test helper needs no client library. */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 2_000): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let received = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`redis on ${port}: no answer to ${args[0] ?? ''} within ${timeoutMs} ms`)),
    );
    socket.once('error', fail);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const reply = parseReply(received, 0);
      if (reply === undefined) return;
      socket.end();
      resolve(reply.value);
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

export interface RedisOptions {
  /** Listen on this port instead of a fresh one. */
  readonly port?: number;
  /**
   * Keep data on disk (append-only file, fsync on every write), so that after `kill()` and `start()`
   * the server comes back with what it held, like a production Redis with persistence. Default false:
   * a restarted server is empty.
   */
  readonly persistent?: boolean;
  /** More redis-server arguments (`--cluster-enabled yes ...`). */
  readonly extraArgs?: readonly string[];
}

/**
 * A real redis-server on 127.0.0.1 with its own data directory and no configuration file of the
 * machine's. `kill()` crashes it (SIGKILL), `pause()`/`resume()` freeze it (SIGSTOP/SIGCONT: a slow
 * Redis), `restart()` brings it back on the same port and directory, `stop()` ends it and removes
 * the directory.
 */
export class RedisServer {
  readonly port: number;
  readonly url: string;
  readonly #dir: string;
  readonly #persistent: boolean;
  readonly #extraArgs: readonly string[];
  #process: ServerProcess | undefined;

  private constructor(port: number, dir: string, persistent: boolean, extraArgs: readonly string[] = []) {
    this.port = port;
    this.#extraArgs = extraArgs;
    this.url = `redis://127.0.0.1:${port}`;
    this.#dir = dir;
    this.#persistent = persistent;
  }

  static async start(options: RedisOptions = {}): Promise<RedisServer> {
    const dir = await mkdtemp(join(tmpdir(), 'cacheset-redis-'));
    const server = new RedisServer(
      options.port ?? (await freePort()),
      dir,
      options.persistent ?? false,
      options.extraArgs,
    );
    try {
      await server.restart();
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return server;
  }

  get running(): boolean {
    return this.#process !== undefined;
  }

  get output(): string {
    return this.#process?.output ?? '';
  }

  /** Starts the server again on the same port and directory (after `kill` or `stop`). */
  async restart(): Promise<void> {
    if (this.#process !== undefined) return;
    const binary = findBinary('redis-server');
    if (binary === undefined) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
    const persistence = this.#persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.#process = await ServerProcess.start({
      name: 'redis-server',
      command: binary,
      args: [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.#dir,
        '--save',
        '',
        ...persistence,
        '--protected-mode',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        ...this.#extraArgs,
      ],
      port: this.port,
    });
    await this.#waitUntilLoaded();
  }

  /** Crashes the server (SIGKILL) and waits until it is gone. */
  async kill(): Promise<void> {
    const process = this.#process;
    if (process === undefined) return;
    this.#process = undefined;
    process.signal('SIGKILL');
    await process.stop(0);
  }

  /** Freezes the server: connections stay open, nothing answers (a slow or hung Redis). */
  pause(): void {
    this.#process?.signal('SIGSTOP');
  }

  resume(): void {
    this.#process?.signal('SIGCONT');
  }

  /** Runs one command against the server (e.g. `command('PTTL', key)`). */
  command(...args: string[]): Promise<RespReply> {
    return redisCommand(this.port, args);
  }

  async stop(): Promise<void> {
    const process = this.#process;
    this.#process = undefined;
    if (process !== undefined) {
      // A paused server cannot act on SIGTERM until it runs again.
      process.signal('SIGCONT');
      await process.stop();
    }
    await rm(this.#dir, { recursive: true, force: true });
  }

  /** A persistent server answers the port before it has loaded its data: wait for PING to say PONG. */
  async #waitUntilLoaded(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        if ((await this.command('PING')) === 'PONG') return;
      } catch {
        // still loading
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on ${this.port} did not answer PING:\n${this.output}`);
  }
}
