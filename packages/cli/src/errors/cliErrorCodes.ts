import { CachesetError } from '@cacheset/core';

/** The command line's own error codes; stable, never reused. */
export const CliErrorCodes = {
  /** The command line was used wrongly: exit status 2. */
  USAGE: 'ERR_CACHESET_CLI_USAGE',
  /** A file named on the command line cannot be read. */
  FILE_READ: 'ERR_CACHESET_CLI_FILE_READ',
  /** check-config found problems in the policy file. */
  CONFIG_PROBLEMS: 'ERR_CACHESET_CLI_CONFIG_PROBLEMS',
  /** The admin API could not be reached (connection refused, timeout, not JSON). */
  ADMIN_UNREACHABLE: 'ERR_CACHESET_CLI_ADMIN_UNREACHABLE',
  /** The admin API answered with an error; its own code is in details.apiCode. */
  ADMIN_REFUSED: 'ERR_CACHESET_CLI_ADMIN_REFUSED',
  /** warm: the URL list has no URL, or a line that is not one. */
  WARM_INPUT: 'ERR_CACHESET_CLI_WARM_INPUT',
  /** warm: some URLs failed (status ≥ 400 or no answer), or the time bound was reached. */
  WARM_INCOMPLETE: 'ERR_CACHESET_CLI_WARM_INCOMPLETE',
  /** purge --wait: a proxy did not confirm every purge. */
  PURGE_UNDELIVERED: 'ERR_CACHESET_CLI_PURGE_UNDELIVERED',
} as const;

export type CliErrorCode = (typeof CliErrorCodes)[keyof typeof CliErrorCodes];

export function cliError(code: CliErrorCode, message: string, details: Record<string, unknown> = {}): CachesetError {
  return new CachesetError(code, message, { details });
}

export function usageError(message: string): CachesetError {
  return cliError(CliErrorCodes.USAGE, message);
}

/** 2 for a usage error, 1 for every other failure. */
export function exitCodeOf(error: CachesetError): 1 | 2 {
  return error.code === CliErrorCodes.USAGE || error.code === 'ERR_CACHESET_FS_INVALID_CLI_USAGE' ? 2 : 1;
}
