import type { CachesetLogger, EventBus } from '@cacheset/core';
import type { Container } from 'inversify';
import type { RedisTierOptions } from '../shared/RedisTierOptions.js';

/** A byte count: a number of bytes, or text such as `'64MB'`, `'512 KiB'`, `'1.5gb'` (binary units: 1 MB = 1 MiB). */
export type ByteSize = number | string;

/** Seconds, or a readable duration as the policy options take them: `600`, `'10m'`, `'1h30m'`, `'1d'`. */
export type Duration = number | string;

/**
 * Options of a `RamCacheManager`. Every one has a default; the defaults suit one site on one machine.
 * Units are in the names where they are not seconds (`...Ms`, bytes).
 */
export interface RamCacheOptions {
  /** The cache's name in statistics and metrics (`cache="..."`). Default `'default'`. */
  readonly name?: string;
  /**
   * The memory budget of the in-process tier: stored bytes, per-entry bookkeeping, and the LRU's
   * slot tables (56 bytes per `maxEntries`). Default 64 MiB.
   */
  readonly maxBytes?: ByteSize;
  /** The most entries kept, whatever their size. Default one per KiB of `maxBytes`, at most 100 000. */
  readonly maxEntries?: number;
  /** The largest single entry; larger ones are refused, so one entry can never flush the cache. Default 1/16 of the budget. */
  readonly maxEntryBytes?: ByteSize;
  /** How long an entry is fresh (seconds or a duration). `0` keeps entries until evicted or invalidated. Default 3600 (the ancestor's max_age). */
  readonly maxAge?: Duration;
  /**
   * How long past `maxAge` an entry may still be served while one request refreshes it. Default 0
   * (expired entries are never served).
   */
  readonly staleWhileRevalidate?: Duration;
  /** How long a request waits for another one that renders or computes the same key before doing it itself. Default 10 000 ms. */
  readonly waitTimeoutMs?: number;
  /** A render that has neither stored nor abandoned its key after this long is dropped, so the key can be filled again. Default 60 000 ms. */
  readonly fillTimeoutMs?: number;
  /**
   * After a render of a key was abandoned (not storable), requests for that key stop waiting on each
   * other for this long: a page that always sets a cookie must not serialize its visitors (Varnish's
   * hit-for-miss). Default 5 000 ms; 0 turns it off.
   */
  readonly abandonedKeyTtlMs?: number;
  /**
   * The request variables that key value-cache entries, after RAMCacheManager's `request_vars`:
   * `'user'` (the user id; all anonymous users share one entry), `'roles'`, `'method'`, `'path'`,
   * `'url'`, `'header:<name>'`, `'query:<name>'`. Sorted by name, as the ancestor sorts them. Default `['user']`.
   */
  readonly requestVariables?: readonly string[];
  /** The application's inversify container: `IObjectPath`, `IPurgePaths`, `ISurrogateKeys` and `ILastModified` adapters are looked up there. */
  readonly container?: Container;
  /**
   * The path of an object (a content item, a view), tried before any `IObjectPath` adapter. Return
   * undefined when it does not know. Paths start with `/`; `/a` covers `/a/b` in invalidation.
   */
  readonly objectPath?: (object: object) => string | undefined;
  /** The event bus whose `Purge` events invalidate entries. Default: the core's default bus; `false`: none. */
  readonly bus?: EventBus | false;
  /** Where problems are reported, once each. Default: the console. */
  readonly logger?: CachesetLogger;
  /** The shared tier: entries and invalidations shared by every process of the site through Redis. */
  readonly redis?: RedisTierOptions;
  /** The window of "recent hits" in the statistics (seconds or a duration). Default `'5m'`. */
  readonly statsWindow?: Duration;
  /** Statistics rows kept for objects that have no entries any more (their counters, about 200 bytes each, outside the budget). Default 1 000. */
  readonly maxStatsRows?: number;
  /** The clock, epoch ms (for tests). */
  readonly now?: () => number;
}
