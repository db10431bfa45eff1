import type { RefusalReason } from '../stats/RefusalReason.js';

/** The errno code of a Node filesystem error, if it has one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a filesystem error met while writing a page to the refusal reason it is counted under. */
export function problemOfError(error: unknown): RefusalReason {
  switch (errnoOf(error)) {
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return 'path-conflict';
    case 'ELOOP':
      return 'symlink';
    case 'ENAMETOOLONG':
      return 'name-too-long';
    default:
      return 'io-error';
  }
}
