import type { HttpCachingOptions } from './HttpCaching.js';

/** Every option of `createHttpCaching`, so that a misspelt one is an error naming it (kept complete by the type). */
export const HTTP_OPTION_KEYS: readonly string[] = Object.keys({
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
  preparedAnswers: true,
} satisfies Record<keyof HttpCachingOptions, true>);
