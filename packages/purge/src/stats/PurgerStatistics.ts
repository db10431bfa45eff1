import type { ProxyStatistics } from './ProxyCounters.js';

/** Everything the admin page shows about purging. */
export interface PurgerStatistics {
  readonly enabled: boolean;
  readonly closed: boolean;
  readonly proxies: readonly ProxyStatistics[];
  /** Objects queued (Purge events and `queue()` calls). */
  readonly objectsQueued: number;
  /** Units of work whose purges were handed to the proxies. */
  readonly unitsCommitted: number;
  /** Units of work that aborted, and the invalidations they discarded (intended: nothing changed). */
  readonly unitsAborted: number;
  readonly discardedWithAbortedUnits: number;
  /** Batches of purges fired outside any open unit of work, sent on the next tick. */
  readonly implicitBatches: number;
  /** `IPurgePaths` / `ISurrogateKeys` adapters that failed (logged; the other adapters' paths were used). */
  readonly adapterErrors: number;
  /** Synchronous mode: batches a unit waited for, and waits cut short by `synchronousTimeoutMs`. */
  readonly synchronousBatches: number;
  readonly synchronousTimeouts: number;
}
