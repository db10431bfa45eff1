import { chmod, lstat, mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { RefusalReason } from '../stats/RefusalReason.js';
import { errnoOf, problemOfError } from './fsProblem.js';

/**
 * Creates (or checks) `dir` under `root` one component at a time with `lstat`, never following a
 * symbolic link: a link planted inside the root (to `/etc`, to a sibling tree) stops the write. The
 * resolved path is then compared with the expected one, which also catches a component swapped for
 * a link between the checks. `root` must already be a real path. Returns the absolute directory or
 * the reason it cannot be used.
 */
export async function ensureDirectory(
  root: string,
  dir: string,
  mode: number,
): Promise<{ readonly path: string } | { readonly problem: RefusalReason }> {
  let current = root;
  if (dir !== '') {
    for (const segment of dir.split('/')) {
      current = join(current, segment);
      try {
        let stats = await lstat(current).catch((error: unknown) => {
          if (errnoOf(error) === 'ENOENT') return undefined;
          throw error;
        });
        if (stats === undefined) {
          try {
            await mkdir(current, { mode });
            // mkdir's mode passes through the umask; nginx's worker must be able to traverse it.
            await chmod(current, mode);
          } catch (error) {
            if (errnoOf(error) !== 'EEXIST') throw error;
          }
          stats = await lstat(current);
        }
        if (stats.isSymbolicLink()) return { problem: 'symlink' };
        if (!stats.isDirectory()) return { problem: 'path-conflict' };
      } catch (error) {
        return { problem: problemOfError(error) };
      }
    }
  }
  return (await isExactly(current)) ? { path: current } : { problem: 'outside-root' };
}

/** Whether `path` resolves to itself: no component of it is a symbolic link. False if it does not exist. */
export async function isExactly(path: string): Promise<boolean> {
  try {
    return (await realpath(path)) === path;
  } catch {
    return false;
  }
}
