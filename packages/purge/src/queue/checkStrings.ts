import { describeValue } from '@cacheset/core';
import { PurgeErrorCodes, purgeError, type PurgeErrorCode } from '../errors/purgeErrorCodes.js';

/**
 * The error code of each kind of hand-given invalidation: a bad tag is `INVALID_TAG` wherever it
 * enters (`purgeTags`, `purgeNow`, the endpoint), never the path code a shared default once gave it.
 */
export const INPUT_ERROR_CODES = {
  paths: PurgeErrorCodes.INVALID_PATH,
  absolutePaths: PurgeErrorCodes.INVALID_PATH,
  tags: PurgeErrorCodes.INVALID_TAG,
  bans: PurgeErrorCodes.INVALID_BAN,
} as const satisfies Readonly<Record<string, PurgeErrorCode>>;

/** A list of strings from an iterable of them; anything else is `code`, naming `where` and the bad value. */
export function checkStrings(values: Iterable<string> | undefined, where: string, code: PurgeErrorCode): string[] {
  if (
    values === undefined ||
    values === null ||
    typeof values === 'string' ||
    typeof (values as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
  ) {
    throw purgeError(code, `${where}: expected a list of strings, got ${describeValue(values)}.`, values);
  }
  const out: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string')
      throw purgeError(code, `${where}: expected strings, got ${describeValue(value)}.`, value);
    out.push(value);
  }
  return out;
}
