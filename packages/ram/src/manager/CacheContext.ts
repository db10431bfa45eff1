import type { AdapterLookup } from '@cacheset/core';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import type { InvalidationLog } from '../invalidation/InvalidationLog.js';
import type { Invalidator } from '../invalidation/Invalidator.js';
import type { ResolvedOptions } from '../options/resolveOptions.js';
import type { ObjectPathResolver } from '../paths/ObjectPathResolver.js';
import type { RedisTier } from '../shared/RedisTier.js';
import type { Counters, RefusalCategory } from '../stats/Counters.js';
import type { EntryStore } from '../store/EntryStore.js';
import { type OnceLogger } from '@cacheset/core/internal';

/** What the manager's parts share: one store, one set of counters, one invalidation log, one tier. */
export class CacheContext {
  readonly options: ResolvedOptions;
  readonly counters: Counters;
  readonly store: EntryStore;
  readonly log: InvalidationLog;
  readonly invalidator: Invalidator;
  readonly paths: ObjectPathResolver;
  readonly adapters: AdapterLookup | undefined;
  readonly logger: OnceLogger;
  /** Canonical paths of objects whose caching is switched off (SCM-11). */
  readonly disabled = new Set<string>();
  tier: RedisTier | undefined;
  closed = false;

  constructor(init: {
    options: ResolvedOptions;
    counters: Counters;
    store: EntryStore;
    log: InvalidationLog;
    invalidator: Invalidator;
    paths: ObjectPathResolver;
    adapters: AdapterLookup | undefined;
    logger: OnceLogger;
  }) {
    this.options = init.options;
    this.counters = init.counters;
    this.store = init.store;
    this.log = init.log;
    this.invalidator = init.invalidator;
    this.paths = init.paths;
    this.adapters = init.adapters;
    this.logger = init.logger;
  }

  /** The shared tier, when it is connected and resynchronised. */
  get sharedTier(): RedisTier | undefined {
    const tier = this.tier;
    return tier !== undefined && tier.state === 'up' ? tier : undefined;
  }

  /**
   * Counts a refusal and logs its reason once per distinct message: the ancestor swallowed these
   * silently; a value that is never cached should be visible to whoever wonders why.
   */
  refuse(category: RefusalCategory, message: string, details?: Readonly<Record<string, unknown>>): void {
    this.counters.refuse(category);
    this.logger.warn(`cacheset ram (${this.options.name}): not stored: ${message}`, {
      code: RamErrorCodes.UNSTORABLE,
      reason: category,
      ...details,
    });
  }
}
