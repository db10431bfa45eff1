import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/cli/bin/cacheset.js', import.meta.url));

let built = false;

/**
 * Compiles the command line (incremental: quick when nothing changed); the real bin runs dist/. Test
 * files run in parallel workers, so one build at a time, under a lock directory.
 */
export function buildCli(): void {
  if (built) return;
  const lock = join(REPO, 'node_modules', '.cache', 'cacheset-cli-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run is stale after two minutes.
      if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another test run holds ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    execFileSync(
      process.execPath,
      [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/cli/tsconfig.build.json'],
      {
        cwd: REPO,
        stdio: 'pipe',
        timeout: 120_000,
      },
    );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  built = true;
}

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `cacheset` executable as a child process (asynchronously, so that a demo running in
 * this process keeps answering), with a clean environment plus `env`, bounded in time.
 */
export function cacheset(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  buildCli();
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO, env: { ...base, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        if (status === null) {
          reject(new Error(`cacheset ${args.join(' ')} did not finish: ${error?.message ?? ''}\n${stderr}`));
          return;
        }
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/**
 * Runs `cacheset` on a pseudo-terminal (util-linux `script`), so that stdout and stderr are TTYs as
 * in an operator's shell; the two streams arrive merged, as the terminal shows them.
 */
export function cachesetOnTerminal(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  buildCli();
  const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    TERM: 'xterm',
  };
  return new Promise((resolve, reject) => {
    execFile(
      'script',
      ['-q', '-e', '-c', `stty cols 100; ${command}`, '/dev/null'],
      { cwd: REPO, env: { ...base, ...env }, timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        if (status === null) reject(new Error(`script ${args.join(' ')} did not finish: ${error?.message ?? ''}`));
        else resolve({ status, stdout, stderr });
      },
    );
  });
}
