import type { RedisTierStatistics } from '../shared/RedisTier.js';
import type { EntryKind } from '../store/ObjectGroup.js';
import type { RefusalCategory } from './Counters.js';

/** One row of the report: one cached object (RAMCacheManager's getCacheReport, with real misses). */
export interface ObjectStatistics {
  /** The object's path (response rows: the request path), `/` for the root. */
  readonly path: string;
  readonly kind: EntryKind;
  readonly hits: number;
  /** Lookups that found nothing and rendered or computed (the ancestor counted stores here). */
  readonly misses: number;
  readonly stores: number;
  /** Entries dropped to make room (least recently used first). */
  readonly evictions: number;
  /** Entries dropped because their lifetime ran out. */
  readonly expirations: number;
  /** Entries dropped by invalidation (Purge, a path, a tag, a newer modification time, everything). */
  readonly invalidations: number;
  readonly entries: number;
  readonly bytes: number;
  /** Hits in the current and the previous statistics window. */
  readonly recentHits: number;
  /** Distinct view names of its entries, sorted; `<default>` for the unnamed view. */
  readonly views: readonly string[];
}

/** The whole cache. */
export interface RamCacheStatistics {
  readonly name: string;
  readonly hits: number;
  readonly staleHits: number;
  readonly collapsedHits: number;
  readonly misses: number;
  readonly stores: number;
  readonly refusals: number;
  readonly refusalsBy: Readonly<Partial<Record<RefusalCategory, number>>>;
  readonly evictions: number;
  readonly expirations: number;
  readonly invalidations: number;
  readonly waitTimeouts: number;
  readonly fillTimeouts: number;
  readonly computeErrors: number;
  readonly entries: number;
  /** Bytes charged to the budget: the entries plus `reservedBytes`. Never above `maxBytes`. */
  readonly bytes: number;
  /** The part of the budget the LRU's slot tables take (56 bytes per `maxEntries`). */
  readonly reservedBytes: number;
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  /** Statistics rows (objects with entries, and recently emptied ones). */
  readonly objects: number;
  /** Keys being rendered or computed right now. */
  readonly inFlight: number;
  /** The shared tier, when configured. */
  readonly redis: RedisTierStatistics | undefined;
}

export type StatisticsSortKey =
  | 'path'
  | 'hits'
  | 'misses'
  | 'stores'
  | 'evictions'
  | 'expirations'
  | 'invalidations'
  | 'entries'
  | 'bytes'
  | 'recentHits';

export interface ReportOptions {
  /** Default `'hits'`, as the ancestor's report. */
  readonly sortBy?: StatisticsSortKey;
  /** Default `'desc'` (`'asc'` for `path`). */
  readonly order?: 'asc' | 'desc';
  /** Only the first rows. */
  readonly limit?: number;
  /** Only responses or only values. */
  readonly kind?: EntryKind;
}
