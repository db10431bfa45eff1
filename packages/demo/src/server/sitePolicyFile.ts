import { copyFile, constants, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CachesetLogger } from '@cacheset/core';
import { POLICY_FILE } from '../caching/policyFile.js';

/** Where the site's own policy lives: `<dataDir>/cacheset.yaml`. */
export function sitePolicyPath(dataDir: string): string {
  return join(dataDir, 'cacheset.yaml');
}

/**
 * The policy file this site runs on: `<dataDir>/cacheset.yaml`, a copy of the shipped policy made on
 * first start. The control panel saves its edits there (with a `.bak` beside it), never over the
 * file the gallery ships; deleting the copy goes back to the shipped policy at the next start.
 * Someone who edits the shipped file after the copy was made would otherwise see no change and no
 * reason, so start-up says so.
 */
export async function sitePolicyFile(dataDir: string, logger?: CachesetLogger): Promise<string> {
  const file = sitePolicyPath(dataDir);
  try {
    await copyFile(POLICY_FILE, file, constants.COPYFILE_EXCL);
    return file;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const [shipped, copy] = await Promise.all([stat(POLICY_FILE), stat(file)]);
  if (shipped.mtimeMs > copy.mtimeMs) {
    const [shippedText, copyText] = await Promise.all([readFile(POLICY_FILE, 'utf8'), readFile(file, 'utf8')]);
    if (shippedText !== copyText)
      logger?.warn(
        `cacheset gallery: ${POLICY_FILE} changed after this site's copy ${file} was made; the site runs on ` +
          'the copy (the control panel saves there). Delete the copy to start from the shipped policy.',
      );
  }
  return file;
}
