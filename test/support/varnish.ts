import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinary } from './binaries.js';
import { freePort } from './freePort.js';
import { ServerProcess } from './ServerProcess.js';

const run = promisify(execFile);

export interface VarnishOptions {
  /** The VCL text. `${BACKEND_PORT}` is replaced with `backendPort`. */
  readonly vcl: string;
  readonly backendPort: number;
  /** Listen on this port instead of a fresh one (to restart an instance where it was). */
  readonly port?: number;
}

/** A real varnishd on 127.0.0.1 with its own work directory, stopped and cleaned by `stop()`. */
export class Varnish {
  readonly port: number;
  readonly adminPort: number;
  readonly url: string;
  readonly #process: ServerProcess;
  readonly #dir: string;

  private constructor(port: number, adminPort: number, process: ServerProcess, dir: string) {
    this.port = port;
    this.adminPort = adminPort;
    this.url = `http://127.0.0.1:${port}`;
    this.#process = process;
    this.#dir = dir;
  }

  static async start(options: VarnishOptions): Promise<Varnish> {
    const varnishd = findBinary('varnishd');
    if (varnishd === undefined)
      throw new Error('varnishd is not installed (apt-get install -y varnish varnish-modules)');
    const dir = await mkdtemp(join(tmpdir(), 'cacheset-varnish-'));
    // varnishd drops root privileges to its own user before reading the VCL; mkdtemp's 0700 would hide it.
    await chmod(dir, 0o755);
    const port = options.port ?? (await freePort());
    const adminPort = await freePort();
    const vclPath = join(dir, 'default.vcl');
    await writeFile(vclPath, options.vcl.replaceAll('${BACKEND_PORT}', String(options.backendPort)));
    await writeFile(join(dir, 'secret'), 'cacheset-test-secret\n', { mode: 0o600 });
    const process = await ServerProcess.start({
      name: 'varnishd',
      command: varnishd,
      args: [
        '-F',
        '-a',
        `127.0.0.1:${port}`,
        '-T',
        `127.0.0.1:${adminPort}`,
        '-S',
        join(dir, 'secret'),
        '-f',
        vclPath,
        '-n',
        join(dir, 'work'),
        '-s',
        'malloc,64m',
        '-p',
        'default_grace=0',
        '-p',
        'default_keep=0',
      ],
      port,
    });
    return new Varnish(port, adminPort, process, dir);
  }

  get output(): string {
    return this.#process.output;
  }

  /** Runs a varnishadm command (e.g. 'ban.list'). */
  async admin(...command: string[]): Promise<string> {
    const varnishadm = findBinary('varnishadm') ?? 'varnishadm';
    const { stdout } = await run(
      varnishadm,
      ['-T', `127.0.0.1:${this.adminPort}`, '-S', join(this.#dir, 'secret'), ...command],
      { timeout: 10_000 },
    );
    return stdout;
  }

  async stop(): Promise<void> {
    await this.#process.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
