import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from './fsProblem.js';

/**
 * Temporary files start with a dot and end in `.tmp`: the generated nginx configuration never serves
 * a dot name, and `.tmp` is never a content-type extension, so a crash mid-write leaves nothing nginx
 * would send. `FsCache.open` deletes leftovers.
 */
export const TEMP_FILE = /^\.cs-[0-9a-f]{16}\.tmp$/;

/**
 * Writes `data` to a new temporary file in `dir` (the target's own directory, so the rename that
 * installs it is atomic: same filesystem) and returns its path. O_EXCL | O_NOFOLLOW: the name is
 * fresh and never a planted link. With `durable`, the data reaches the disk before the file can be
 * renamed into place, so a power cut cannot leave an empty page behind the final name.
 */
export async function writeTempFile(dir: string, data: Uint8Array, mode: number, durable: boolean): Promise<string> {
  const path = join(dir, `.cs-${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(
    path,
    constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW,
    mode,
  );
  try {
    await handle.writeFile(data);
    // The umask may have narrowed the mode; nginx's worker (another user) must be able to read it.
    await handle.chmod(mode);
    if (durable) await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeQuietly(path);
    throw error;
  }
  await handle.close();
  return path;
}

/** rename(2): atomic replacement; readers see the old file or the new one, never a mixture. */
export async function installFile(temp: string, target: string): Promise<void> {
  await rename(temp, target);
}

/** Unlinks a file; true if it existed. Other errors are thrown. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
