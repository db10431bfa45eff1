import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EditorTokenSource {
  readonly token: string;
  /** Where it came from: the environment, or the file in the data folder. */
  readonly from: 'DEMO_EDITOR_TOKEN' | string;
  /** Made now, on first start. */
  readonly generated: boolean;
}

/**
 * The editor token: `DEMO_EDITOR_TOKEN` if set, else the one kept in the data folder, else a new
 * random one written there readable by its owner only (mode 0600).
 */
export function editorToken(dataDir: string, fromSettings: string | undefined): EditorTokenSource {
  if (fromSettings !== undefined) return { token: fromSettings, from: 'DEMO_EDITOR_TOKEN', generated: false };
  const file = join(dataDir, 'editor-token');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 16) return { token: kept, from: file, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, from: file, generated: true };
}
