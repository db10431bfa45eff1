/**
 * A varnishd for the purge benchmarks: the shipped VCL (docs/varnish/cacheset.vcl) on a free loopback
 * port, in a temporary directory readable by the unprivileged user varnishd compiles VCL as.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort, waitForPort } from './lib/ports.js';

function varnishdPath(): string {
  for (const candidate of ['/usr/sbin/varnishd', '/usr/local/sbin/varnishd', '/usr/bin/varnishd']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error('varnishd is not installed (apt-get install -y varnish varnish-modules)');
}

export class BenchVarnish {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #dir: string;

  private constructor(port: number, child: ChildProcess, dir: string) {
    this.port = port;
    this.#child = child;
    this.#dir = dir;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts varnishd in front of `backendPort` (which may be closed: purges never reach the backend). */
  static async start(backendPort: number): Promise<BenchVarnish> {
    const vclFile = fileURLToPath(new URL('../../docs/varnish/cacheset.vcl', import.meta.url));
    const vcl = (await readFile(vclFile, 'utf8')).replaceAll('${BACKEND_PORT}', String(backendPort));
    const dir = await mkdtemp(join(tmpdir(), 'cacheset-bench-varnish-'));
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'default.vcl'), vcl, { mode: 0o644 });
    const port = await freeLoopbackPort();
    const admin = await freeLoopbackPort();
    const child = spawn(
      varnishdPath(),
      [
        '-F',
        '-a',
        `127.0.0.1:${port}`,
        '-T',
        `127.0.0.1:${admin}`,
        '-f',
        join(dir, 'default.vcl'),
        '-n',
        join(dir, 'work'),
        '-s',
        'malloc,256m',
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    await waitForPort(port, 'varnishd', { child, timeoutMs: 20_000 });
    return new BenchVarnish(port, child, dir);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      await exited;
    }
    await rm(this.#dir, { recursive: true, force: true });
  }
}
