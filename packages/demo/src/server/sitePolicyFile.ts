import { copyFile, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_FILE } from '../caching/policyFile.js';

/**
 * The policy file this site runs on: `<dataDir>/cacheset.yaml`, a copy of the shipped policy made on
 * first start. The control panel saves its edits there (with a `.bak` beside it), never over the
 * file the gallery ships; deleting the copy goes back to the shipped policy at the next start.
 */
export async function sitePolicyFile(dataDir: string): Promise<string> {
  const file = join(dataDir, 'cacheset.yaml');
  try {
    await copyFile(POLICY_FILE, file, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return file;
}
