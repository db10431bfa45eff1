/**
 * @cacheset/ram: the RAM cache manager. One byte-bounded, least-recently-used store for two uses:
 * whole HTTP responses (a core `ResponseCache`, for the HTTP operations' `ramCache` option) and
 * values for application code, keyed like Zope's RAMCacheManager. Invalidation by `Purge` events, path, tag and modification time;
 * request coalescing; statistics as data and Prometheus text; and a Redis tier shared by every process
 * of a site, with an invalidation broadcast.
 *
 * @module
 */
export { RamCacheManager } from './manager/RamCacheManager.js';
export type { ResponseStore } from './manager/ResponseStore.js';
export type { ValueCache, ValueOptions } from './manager/ValueCache.js';
export type { ByteSize, Duration, RamCacheOptions } from './options/RamCacheOptions.js';
export { parseByteSize } from './options/parseByteSize.js';
export type { RedisTierOptions } from './shared/RedisTierOptions.js';
export type { RedisTierStatistics, TierState } from './shared/RedisTier.js';
export type { KeywordValue, ValueKeyParts } from './keys/valueKey.js';
export { IObjectPath } from './paths/IObjectPath.js';
export { canonicalPath, isUnder } from './paths/canonicalPath.js';
export type {
  ObjectStatistics,
  RamCacheStatistics,
  ReportOptions,
  StatisticsSortKey,
} from './stats/RamCacheStatistics.js';
export type { RefusalCategory } from './stats/Counters.js';
export type { EntryKind } from './store/ObjectGroup.js';
export { RamErrorCodes, type RamErrorCode } from './errors/ramErrorCodes.js';
export type { Invalidation } from './shared/InvalidationMessage.js';
