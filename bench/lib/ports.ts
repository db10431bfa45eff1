/** Ports on the loopback for the benchmarks' servers: a free one, and waiting until one answers. */
import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until something accepts connections on `port`. With `child`, fails at once when the child
 * exits first and kills it when the time is up, so a broken server never leaves the run waiting.
 */
export async function waitForPort(
  port: number,
  what: string,
  options: { child?: ChildProcess; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (options.child !== undefined && options.child.exitCode !== null)
      throw new Error(`${what} exited with ${options.child.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  options.child?.kill('SIGKILL');
  throw new Error(`${what} did not listen on ${port}`);
}
