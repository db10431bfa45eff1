import { trackWork, type CachesetLogger } from '@cacheset/core';
import type { RedisTier } from '../shared/RedisTier.js';
import type { Invalidation } from '../shared/InvalidationMessage.js';
import type { CacheEntry } from '../store/CacheEntry.js';
import type { EntryStore } from '../store/EntryStore.js';
import type { InvalidationLog } from './InvalidationLog.js';

/**
 * Applies invalidations to the in-process tier and hands them to the shared tier, which records them
 * in Redis and broadcasts them. The log is written first, so a render in progress that the
 * invalidation covers will not store its result afterwards. The in-process part is done when
 * `apply` returns; the shared part is work the caller waits for (`trackWork`): the unit of work (and
 * the HTTP response) of the edit that caused it finishes only once Redis has the record and every
 * other process has been sent it.
 */
export class Invalidator {
  readonly #store: EntryStore;
  readonly #log: InvalidationLog;
  readonly #logger: CachesetLogger;
  #tier: RedisTier | undefined;

  constructor(store: EntryStore, log: InvalidationLog, logger: CachesetLogger) {
    this.#store = store;
    this.#log = log;
    this.#logger = logger;
  }

  /** The shared tier to broadcast to (set once it exists: it needs this invalidator's hooks first). */
  attachTier(tier: RedisTier): void {
    this.#tier = tier;
  }

  /**
   * Removes every entry the invalidation covers from this process and, when `broadcast`, from every
   * other process and from Redis: the entries at or under each of its paths, those at exactly each
   * of its pages, and those carrying one of its tags. Returns how many entries this process dropped.
   */
  apply(invalidation: Invalidation, broadcast: boolean): number {
    if (isEmpty(invalidation)) return 0;
    this.#log.record(invalidation);
    let removed = 0;
    if (invalidation.all) {
      removed = this.#store.clear();
    } else {
      const doomed = new Set<CacheEntry>();
      for (const path of invalidation.paths) for (const entry of this.#store.under(path)) doomed.add(entry);
      for (const page of invalidation.pages) for (const entry of this.#store.at(page)) doomed.add(entry);
      for (const tag of invalidation.tags) for (const entry of this.#store.tagged(tag)) doomed.add(entry);
      for (const entry of doomed) if (this.#store.delete(entry)) removed += 1;
    }
    const recorded = broadcast ? this.#tier?.invalidate(invalidation) : undefined;
    if (recorded !== undefined)
      trackWork(recorded, { label: 'recording a RAM invalidation in Redis', logger: this.#logger });
    return removed;
  }
}

function isEmpty(invalidation: Invalidation): boolean {
  return (
    !invalidation.all &&
    invalidation.paths.length === 0 &&
    invalidation.pages.length === 0 &&
    invalidation.tags.length === 0
  );
}
