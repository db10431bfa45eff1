import {
  AdapterLookup,
  CachesetError,
  catalogCounterOf,
  describeValue,
  isSurrogateKey,
  type ResponseCache,
  type ResponseCacheLookup,
  type ResponseCacheVerdict,
  type ResponseScope,
  type StoredResponse,
  type StoredResponseInfo,
} from '@cacheset/core';
import type { Registry } from 'prom-client';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { InvalidationLog } from '../invalidation/InvalidationLog.js';
import { Invalidator } from '../invalidation/Invalidator.js';
import { listenForPurges } from '../invalidation/PurgeListener.js';
import { purgeTargets } from '../invalidation/purgeTargets.js';
import type { RamCacheOptions } from '../options/RamCacheOptions.js';
import { resolveOptions } from '../options/resolveOptions.js';
import { assertPath, canonicalPath, pathProblem } from '../paths/canonicalPath.js';
import { ObjectPathResolver } from '../paths/ObjectPathResolver.js';
import type { Invalidation } from '../shared/InvalidationMessage.js';
import { RedisTier } from '../shared/RedisTier.js';
import { SharedCatalogCounter } from '../shared/SharedCatalogCounter.js';
import { buildReport, checkReportOptions } from '../stats/buildReport.js';
import { Counters, type RefusalCategory } from '../stats/Counters.js';
import { prometheusText, registerRamMetrics, type RamMetricsSource } from '../stats/prometheus.js';
import type { ObjectStatistics, RamCacheStatistics, ReportOptions } from '../stats/RamCacheStatistics.js';
import { EntryStore, type EntryTable } from '../store/EntryStore.js';
import { CacheContext } from './CacheContext.js';
import { ResponseStore } from './ResponseStore.js';
import { ValueCache } from './ValueCache.js';
import { OnceLogger } from '@cacheset/core/internal';

/**
 * The RAM cache manager: one byte-bounded store with two uses.
 *
 * - **Responses**: it is a `ResponseCache`; give it to `createHttpCaching({ responseCache: manager })`
 *   and the `ramCache` option of the HTTP operations stores whole 200 responses in it and replays them.
 * - **Values**: `manager.values.get / set / getOrCompute` for application code, keyed like
 *   RAMCacheManager (object path, view name, request variables, keywords).
 *
 * Entries are invalidated by `Purge` events on the bus, by path (`/a` covers `/a/b`), by page (`/a`
 * alone, whatever its query), by tag, by a newer modification time, or all at once; with the `redis`
 * option, in every process of the site.
 * With the `redis` option the bus's catalog counter (`catalogCounterOf(bus)`, the `catalogCounter`
 * ETag component) is shared too: an edit in one process changes that ETag in every process.
 *
 * @example
 * const ram = new RamCacheManager({ maxBytes: '128MB', container, redis: { url: 'redis://127.0.0.1:6379', prefix: 'cacheset:mysite:' } });
 * const caching = createHttpCaching({ policy, container, responseCache: ram });
 * const html = await ram.values.getOrCompute(image, () => renderTeaser(image), { view: 'teaser' });
 */
export class RamCacheManager implements ResponseCache {
  readonly name: string;
  /** The response cache (also reachable as the manager itself). */
  readonly responses: ResponseStore;
  /** The value cache for application code. */
  readonly values: ValueCache;
  readonly #ctx: CacheContext;
  readonly #table: EntryTable;
  readonly #counters: Counters;
  /** With stale-while-revalidate, freshness needs a clock reading: left to the ResponseStore. */
  readonly #grace: boolean;
  readonly #unsubscribe: (() => void) | undefined;
  readonly #catalog: SharedCatalogCounter | undefined;
  readonly #windowTimer: NodeJS.Timeout;
  #closing: Promise<void> | undefined;
  /** Removes this cache from each prom-client registry it reports to. */
  readonly #metricsRegistrations = new Set<() => void>();
  readonly #remoteListeners = new Set<(invalidation: Invalidation) => void>();

  constructor(options: RamCacheOptions = {}) {
    const resolved = resolveOptions(options);
    this.name = resolved.name;
    const counters = new Counters();
    const store = new EntryStore({
      maxBytes: resolved.maxBytes,
      reservedBytes: resolved.reservedBytes,
      maxEntries: resolved.maxEntries,
      maxEntryBytes: resolved.maxEntryBytes,
      maxStatsRows: resolved.maxStatsRows,
      now: resolved.now,
      counters,
    });
    const log = new InvalidationLog();
    const adapters = resolved.container === undefined ? undefined : new AdapterLookup(resolved.container);
    const ctx = new CacheContext({
      options: resolved,
      counters,
      store,
      log,
      invalidator: new Invalidator(store, log, resolved.logger),
      paths: new ObjectPathResolver(resolved.objectPath, adapters),
      adapters,
      logger: new OnceLogger(resolved.logger, {
        saturatedMessage:
          'cacheset ram: 1024 distinct problems were logged; further ones are only counted in the statistics.',
      }),
    });
    this.#ctx = ctx;
    this.#table = store.table;
    this.#counters = counters;
    this.#grace = resolved.staleMs > 0;
    this.responses = new ResponseStore(ctx);
    this.values = new ValueCache(ctx);
    const tick = (): void => {
      store.rotateWindow(Math.floor(resolved.now() / resolved.statsWindowMs));
    };
    tick();
    this.#windowTimer = setInterval(tick, Math.min(1_000, resolved.statsWindowMs));
    this.#windowTimer.unref();
    if (resolved.redis !== undefined) {
      const tier = new RedisTier(
        resolved.redis,
        {
          onRemoteInvalidation: (invalidation) => {
            ctx.invalidator.apply(invalidation, false);
            for (const listener of [...this.#remoteListeners]) {
              try {
                listener(invalidation);
              } catch (error) {
                resolved.logger.error('cacheset ram: an onRemoteInvalidation listener failed.', { error });
              }
            }
          },
          onResync: () => ctx.invalidator.apply(EVERYTHING, false),
          onReady: () => this.#catalog?.ready(),
          onCatalogValue: (value) => this.#catalog?.received(value),
        },
        ctx.logger,
      );
      ctx.tier = tier;
      ctx.invalidator.attachTier(tier);
      if (resolved.bus !== undefined)
        this.#catalog = new SharedCatalogCounter(catalogCounterOf(resolved.bus), tier, resolved.logger);
    }
    this.#unsubscribe =
      resolved.bus === undefined ? undefined : listenForPurges(resolved.bus, (object) => this.#purge(object));
  }

  /** `ResponseCache.peek` (for explained requests): see `ResponseStore`. */
  peek(key: string, scope?: ResponseScope): boolean {
    return this.responses.peek(key, scope);
  }

  /** `ResponseCache.judge` (for explained requests): see `ResponseStore`. */
  judge(info: StoredResponseInfo, response: StoredResponse): ResponseCacheVerdict {
    return this.responses.judge(info, response);
  }

  /**
   * `ResponseCache.lookup`: see `ResponseStore`. The hit path is repeated here rather than delegated:
   * one call level fewer lets the engine inline the LRU's own get into it (its inlining budget is
   * small), which is most of the cost of a hit.
   */
  lookup(key: string, scope?: ResponseScope): ResponseCacheLookup | Promise<ResponseCacheLookup> {
    // Shared lookups only: a scoped one binds its key first, and a shared key with the scoped mark
    // is refused by the store (it could otherwise name a per-user copy): the entry found under such
    // a key is a scoped one, which says so itself.
    if (scope === undefined || scope?.kind === 'shared') {
      const entry = this.#table.get(key);
      if (entry !== undefined && entry.response !== undefined && !this.#grace && !entry.scoped) {
        entry.hits += 1;
        this.#counters.hits += 1;
        return entry;
      }
    }
    return this.responses.lookup(key, scope);
  }

  /**
   * What a `Purge` of `target` does, callable directly: invalidates its own path and everything under
   * it, the pages its `IPurgePaths` adapters name (each page alone, as `invalidatePages`) and the tags
   * of its `ISurrogateKeys` adapters, here and in every other process. A string is an object's path
   * (as `invalidatePaths`). Returns the entries this process dropped.
   */
  invalidate(target: object | string): number {
    if (typeof target === 'string') return this.invalidatePaths([target]);
    if (typeof target !== 'object' || target === null) {
      throw ramError(
        RamErrorCodes.INVALID_ARGUMENT,
        `invalidate: expected an object or a path, got ${describeValue(target)}.`,
        target,
      );
    }
    return this.#purge(target);
  }

  /** Invalidates entries at or under each path (`/a` covers `/a/b`, not `/ab`; SCM-9), everywhere. */
  invalidatePaths(paths: Iterable<string>): number {
    return this.#apply({ ...NOTHING, paths: canonicalList(paths, 'invalidatePaths') });
  }

  /**
   * Invalidates each page alone, everywhere: the responses to every request for it (`/a`, `/a/`,
   * `/a?page=2`) and the values whose object path it is, not what lies under it (`/a/b` stays), as a
   * caching proxy purges one URL. `'/'` is the front page only.
   */
  invalidatePages(paths: Iterable<string>): number {
    return this.#apply({ ...NOTHING, pages: canonicalList(paths, 'invalidatePages') });
  }

  /** Invalidates every entry carrying one of the tags (surrogate keys), everywhere. */
  invalidateTags(tags: Iterable<string>): number {
    const list: string[] = [];
    for (const tag of checkIterable(tags, 'invalidateTags')) {
      if (!isSurrogateKey(tag))
        throw ramError(
          RamErrorCodes.INVALID_KEY,
          `invalidateTags: ${describeValue(tag)} is not a tag (visible ASCII without spaces or commas).`,
          tag,
        );
      list.push(tag);
    }
    return this.#apply({ ...NOTHING, tags: list });
  }

  /** Invalidates everything, everywhere (the control panel's "purge RAM cache"). */
  invalidateAll(): number {
    return this.#apply(EVERYTHING);
  }

  /**
   * Switches caching off (or on again) for one object (SCM-11): while off, value reads miss, stores
   * do nothing and responses at its path are not stored; invalidation still works. Switching off
   * drops what is cached for it.
   */
  setEnabled(target: object | string, enabled: boolean): void {
    if (typeof enabled !== 'boolean')
      throw ramError(
        RamErrorCodes.INVALID_ARGUMENT,
        `setEnabled: enabled must be true or false, got ${describeValue(enabled)}.`,
        enabled,
      );
    const path = canonicalPath(this.#ctx.paths.require(target, 'setEnabled'));
    if (enabled) {
      this.#ctx.disabled.delete(path);
      return;
    }
    this.#ctx.disabled.add(path);
    const store = this.#ctx.store;
    for (const kind of ['response', 'value'] as const) {
      const group = store.existingGroup(kind, path);
      if (group !== undefined) for (const entry of group.list()) store.delete(entry);
    }
  }

  isEnabled(target: object | string): boolean {
    return !this.#ctx.disabled.has(canonicalPath(this.#ctx.paths.require(target, 'isEnabled')));
  }

  /** The totals. */
  statistics(): RamCacheStatistics {
    const { counters, store, options } = this.#ctx;
    const refusalsBy: Partial<Record<RefusalCategory, number>> = {};
    for (const [category, count] of counters.refusalsBy) refusalsBy[category] = count;
    return {
      name: this.name,
      hits: counters.hits,
      staleHits: counters.staleHits,
      collapsedHits: counters.collapsedHits,
      misses: counters.misses,
      stores: counters.stores,
      refusals: counters.refusals,
      refusalsBy,
      evictions: counters.evictions,
      expirations: counters.expirations,
      invalidations: counters.invalidations,
      waitTimeouts: counters.waitTimeouts,
      fillTimeouts: counters.fillTimeouts,
      computeErrors: counters.computeErrors,
      entries: store.entries,
      bytes: store.bytes,
      maxBytes: options.maxBytes,
      reservedBytes: options.reservedBytes,
      maxEntries: options.maxEntries,
      maxEntryBytes: options.maxEntryBytes,
      objects: store.groupCount,
      inFlight: this.responses.inFlight + this.values.inFlight,
      redis: this.#ctx.tier?.statistics(),
    };
  }

  /** One row per cached object, sorted (default: most hits first), for the admin page. */
  report(options: ReportOptions = {}): ObjectStatistics[] {
    const { store, options: resolved } = this.#ctx;
    store.rotateWindow(Math.floor(resolved.now() / resolved.statsWindowMs));
    return buildReport(store.groups(), options);
  }

  /**
   * The statistics as Prometheus text (exposition format 0.0.4), from a registry of its own; per-object
   * series for the `objects` rows with most hits (default 50).
   */
  async prometheus(options: { readonly objects?: number } = {}): Promise<string> {
    return await prometheusText(this.#metricsSource(options.objects));
  }

  /**
   * Adds this cache's metrics to a prom-client registry, typically the application's (`register` from
   * prom-client), so that they are scraped with its other metrics; per-object series for the `objects`
   * rows with most hits (default 50). Several caches may share a registry when their names differ.
   * Returns the function that removes them again; `close()` removes them too.
   */
  registerMetrics(registry: Registry, options: { readonly objects?: number } = {}): () => void {
    const remove = registerRamMetrics(registry, this.#metricsSource(options.objects));
    const registration = (): void => {
      this.#metricsRegistrations.delete(registration);
      remove();
    };
    this.#metricsRegistrations.add(registration);
    return registration;
  }

  #metricsSource(objects = 50): RamMetricsSource {
    checkReportOptions({ limit: objects });
    return {
      name: this.name,
      statistics: () => this.statistics(),
      topObjects: () => this.report({ sortBy: 'hits', limit: objects }),
    };
  }

  /**
   * Calls `listener` with every invalidation another process broadcast through the Redis tier, after
   * this process's RAM copies are dropped: for other per-process state that must follow the same
   * purges, such as the purge generations of a disk dump several processes write. Returns the
   * function that stops it. Without a Redis tier nothing is ever called.
   */
  onRemoteInvalidation(listener: (invalidation: Invalidation) => void): () => void {
    this.#remoteListeners.add(listener);
    return () => void this.#remoteListeners.delete(listener);
  }

  /** The shared tier's state, or undefined without one. */
  get redisState(): string | undefined {
    return this.#ctx.tier?.state;
  }

  get closed(): boolean {
    return this.#ctx.closed;
  }

  /**
   * Stops listening for purges, releases waiting requests, closes the Redis connections and drops
   * every entry (SCM-12: a deleted manager's cache is gone). Afterwards lookups miss and stores are
   * ignored; nothing throws.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const ctx = this.#ctx;
    ctx.closed = true;
    this.#unsubscribe?.();
    for (const registration of [...this.#metricsRegistrations]) registration();
    this.#catalog?.close();
    clearInterval(this.#windowTimer);
    this.responses.close();
    this.values.close();
    ctx.store.reset();
    ctx.disabled.clear();
    this.#closing = ctx.tier === undefined ? Promise.resolve() : ctx.tier.close();
    return this.#closing;
  }

  #apply(invalidation: Invalidation): number {
    if (this.#ctx.closed) return 0;
    return this.#ctx.invalidator.apply(invalidation, true);
  }

  #purge(object: unknown): number {
    const ctx = this.#ctx;
    if (ctx.closed) return 0;
    const targets = purgeTargets(object, ctx.paths, ctx.adapters);
    for (const error of targets.errors) {
      ctx.logger.error(
        `cacheset ram (${ctx.options.name}): while purging ${describeValue(object)}: ${CachesetError.is(error) || error instanceof Error ? error.message : String(error)}`,
        { error },
      );
    }
    const canonical = (list: readonly string[]): string[] => [
      ...new Set(list.filter((p) => pathProblem(p) === undefined).map(canonicalPath)),
    ];
    const invalidation = {
      all: false,
      paths: canonical(targets.paths),
      pages: canonical(targets.pages),
      tags: [...new Set(targets.tags)],
    };
    return ctx.invalidator.apply(invalidation, true);
  }
}

const NOTHING: Invalidation = Object.freeze({ all: false, paths: [], pages: [], tags: [] });
const EVERYTHING: Invalidation = Object.freeze({ ...NOTHING, all: true });

/** The canonical spelling of each path of a list a caller gave; a bad list or path is a typed error. */
function canonicalList(paths: Iterable<string>, where: string): string[] {
  const canonical: string[] = [];
  for (const path of checkIterable(paths, where)) {
    assertPath(path, where);
    canonical.push(canonicalPath(path));
  }
  return canonical;
}

function checkIterable<T>(value: Iterable<T>, where: string): Iterable<T> {
  if (
    typeof value === 'string' ||
    typeof (value as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== 'function'
  ) {
    throw ramError(RamErrorCodes.INVALID_ARGUMENT, `${where}: expected a list, got ${describeValue(value)}.`, value);
  }
  return value;
}
