import { randomBytes } from 'node:crypto';
import { copyFile, rename, stat, unlink, writeFile } from 'node:fs/promises';

/**
 * Replaces `file` with `text` so that a reader (or a crash) sees the old file or the new one, never
 * half of one: the new text goes to a temporary file beside it, the old file is copied to
 * `<file>.bak` (itself through a temporary file), and the temporary file is renamed over the file.
 * The file keeps its permissions. Returns the backup's path.
 */
export async function writeAtomically(file: string, text: string): Promise<string> {
  const backup = `${file}.bak`;
  const suffix = `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const { mode } = await stat(file);
  const temp = `${file}${suffix}`;
  const backupTemp = `${backup}${suffix}`;
  try {
    await writeFile(temp, text, { mode: mode & 0o777, flag: 'wx' });
    await copyFile(file, backupTemp);
    await rename(backupTemp, backup);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    await unlink(backupTemp).catch(() => undefined);
    throw error;
  }
  return backup;
}
