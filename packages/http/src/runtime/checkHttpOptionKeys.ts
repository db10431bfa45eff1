import { CachesetError, didYouMean } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import type { HttpCachingOptions } from './HttpCaching.js';

/** Every option, so that a misspelt one is an error naming it (kept complete by the type). */
const OPTION_KEYS = Object.keys({
  policy: true,
  rulesets: true,
  operations: true,
  container: true,
  logger: true,
  user: true,
  authenticatedCookies: true,
  behindProxy: true,
  surrogateKeyHeader: true,
  responseCache: true,
  ramCacheMaxBytes: true,
  cacheStopRequestVariables: true,
  resourceVersion: true,
  etagComponents: true,
  cacheStatusName: true,
  lookupRuleset: true,
  catalogCounter: true,
  invalidationTimeoutMs: true,
  now: true,
} satisfies Record<keyof HttpCachingOptions, true>);

/** A misspelt option (`resposeCache`) would otherwise be ignored, silently. */
export function checkHttpOptionKeys(options: HttpCachingOptions): void {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw new CachesetError(
        HttpErrorCodes.INVALID_HTTP_OPTIONS,
        `createHttpCaching: unknown option '${key}'.${didYouMean(key, OPTION_KEYS)} ` +
          `The options are ${OPTION_KEYS.join(', ')}.`,
        { details: { value: key } },
      );
  }
}
