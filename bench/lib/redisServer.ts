/** A throwaway redis-server for a benchmark: a free loopback port, a temporary directory, no persistence. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, waitForPort } from './ports.js';

export interface BenchRedis {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<BenchRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'cacheset-bench-redis-'));
  const port = await freeLoopbackPort();
  const server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: 'ignore' },
  );
  // Should the benchmark die on an error, the server must not outlive it.
  const kill = (): void => {
    server.kill('SIGKILL');
  };
  process.once('exit', kill);
  await waitForPort(port, 'redis-server', { child: server, timeoutMs: 10_000 });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', kill);
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
