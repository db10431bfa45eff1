import { CachesetError } from '@cacheset/core';

/**
 * The error codes raised by @cacheset/fs. Every one of them is a start-up (or command-line) error:
 * a response that cannot be dumped is refused and counted with its reason (`FsCacheStats.refused`),
 * never thrown at the request.
 */
export const FsErrorCodes = {
  /** An `FsCache` option is missing, of the wrong type or out of range. */
  INVALID_OPTIONS: 'ERR_CACHESET_FS_INVALID_OPTIONS',
  /** The document root cannot be used: not a directory, a symlink, not writable, or `/`. */
  INVALID_ROOT: 'ERR_CACHESET_FS_INVALID_ROOT',
  /** The content-type table is malformed: a bad or duplicate extension, a bad media type. */
  INVALID_CONTENT_TYPES: 'ERR_CACHESET_FS_INVALID_CONTENT_TYPES',
  /** An option of the nginx or Apache configuration generator is malformed (app address, port, names). */
  INVALID_SERVER_CONFIG: 'ERR_CACHESET_FS_INVALID_SERVER_CONFIG',
  /** The command line was used wrongly (unknown command or flag, missing value). */
  INVALID_CLI_USAGE: 'ERR_CACHESET_FS_INVALID_CLI_USAGE',
  /** The cache was used after `close()`. */
  CLOSED: 'ERR_CACHESET_FS_CLOSED',
  /** `staticCacheControl` could not run the policy for a ruleset (unknown ruleset, no operation). */
  INVALID_RULESET: 'ERR_CACHESET_FS_INVALID_RULESET',
} as const;

export type FsErrorCode = (typeof FsErrorCodes)[keyof typeof FsErrorCodes];

/** A start-up error with the offending value in `details.value`. */
export function fsError(code: FsErrorCode, message: string, value?: unknown, cause?: unknown): CachesetError {
  return new CachesetError(code, message, { details: { value }, ...(cause === undefined ? {} : { cause }) });
}
