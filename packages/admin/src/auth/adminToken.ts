import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the admin token came from. */
export interface AdminTokenSource {
  readonly token: string;
  /** `env` (the variable named), or the file in the data folder. */
  readonly from: string;
  /** Made now: print it, the administrator has no other way to learn it. */
  readonly generated: boolean;
}

/** The shortest token accepted: a short one could be guessed despite the log-in back-off. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * The admin token: `fromEnv` when given (`CACHESET_ADMIN_TOKEN`), else the one kept in
 * `<dataDir>/admin-token`, else a new random one (32 bytes) written there readable by its owner only
 * (mode 0600) on first start.
 */
export function adminToken(dataDir: string, fromEnv?: string, envName = 'CACHESET_ADMIN_TOKEN'): AdminTokenSource {
  if (fromEnv !== undefined) return { token: fromEnv, from: envName, generated: false };
  const file = join(dataDir, 'admin-token');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= MIN_TOKEN_LENGTH) return { token: kept, from: file, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, from: file, generated: true };
}
