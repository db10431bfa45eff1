import { CachesetError } from '@cacheset/core';

/**
 * The error codes raised by @cacheset/purge. Configuration errors are thrown by `createPurger` and
 * `purgeEndpoint` at start-up; the delivery codes appear in purge records (`PurgeRecord.code`), since
 * a proxy that fails is reported and counted, never thrown at the code that fired the purge.
 */
export const PurgeErrorCodes = {
  /** A purger option is missing, of the wrong type or out of range. */
  INVALID_OPTIONS: 'ERR_CACHESET_PURGE_INVALID_OPTIONS',
  /** A proxy URL cannot be used (unknown scheme, credentials, query string, ...). */
  INVALID_PROXY_URL: 'ERR_CACHESET_PURGE_INVALID_PROXY_URL',
  /** Two proxies share a name or the same URL. */
  DUPLICATE_PROXY: 'ERR_CACHESET_PURGE_DUPLICATE_PROXY',
  /** A public domain for virtual hosting cannot be used. */
  INVALID_DOMAIN: 'ERR_CACHESET_PURGE_INVALID_DOMAIN',
  /** A proxy kind was given an option it cannot honour (tags or soft purge on nginx, ...). */
  UNSUPPORTED: 'ERR_CACHESET_PURGE_UNSUPPORTED',
  /** A path given to `purgePaths` or the endpoint is not a string path. */
  INVALID_PATH: 'ERR_CACHESET_PURGE_INVALID_PATH',
  /** A tag given to `purgeTags` or the endpoint is not a valid surrogate key, or is longer than a proxy's header limit. */
  INVALID_TAG: 'ERR_CACHESET_PURGE_INVALID_TAG',
  /** A BAN expression is empty, not a regular expression, or cannot travel in a header. */
  INVALID_BAN: 'ERR_CACHESET_PURGE_INVALID_BAN',
  /** Purging is switched off (`enabled: false`): an on-demand purge was refused. */
  DISABLED: 'ERR_CACHESET_PURGE_DISABLED',
  /** The purger was closed: the purge was not accepted. */
  CLOSED: 'ERR_CACHESET_PURGE_CLOSED',
  /** A proxy's queue was full: the purge was dropped (and counted). */
  QUEUE_FULL: 'ERR_CACHESET_PURGE_QUEUE_FULL',
  /** Every attempt failed: connection errors, timeouts, protocol errors or 5xx answers. */
  DELIVERY_FAILED: 'ERR_CACHESET_PURGE_DELIVERY_FAILED',
  /** The proxy answered a status that retrying cannot fix (403 from an ACL, 405, 400, ...). */
  REJECTED: 'ERR_CACHESET_PURGE_REJECTED',
  /** Shut down before the purge could be delivered. */
  ABANDONED: 'ERR_CACHESET_PURGE_ABANDONED',
  /** The proxy kind cannot carry this invalidation (a tag purge to nginx); counted as unsupported. */
  NOT_SUPPORTED_BY_PROXY: 'ERR_CACHESET_PURGE_NOT_SUPPORTED_BY_PROXY',
  /** The operator endpoint was configured wrongly (a token that is too short, ...). */
  INVALID_ENDPOINT_OPTIONS: 'ERR_CACHESET_PURGE_INVALID_ENDPOINT_OPTIONS',
} as const;

export type PurgeErrorCode = (typeof PurgeErrorCodes)[keyof typeof PurgeErrorCodes];

/** A start-up error with the offending value in `details.value`. */
export function purgeError(code: PurgeErrorCode, message: string, value?: unknown): CachesetError {
  return new CachesetError(code, message, { details: { value } });
}
