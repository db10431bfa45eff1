/** Why something was not stored, as counted in the statistics (the log line has the details). */
export type RefusalCategory =
  | 'unserializable'
  | 'undefined'
  | 'too-large'
  | 'unsafe-response'
  | 'malformed'
  | 'invalid-key'
  | 'disabled'
  | 'invalidated-while-rendering';

/**
 * The manager-wide counters. Plain fields, incremented in place: the hit path must not allocate or
 * call anything it does not need.
 */
export class Counters {
  hits = 0;
  /** Hits answered with an expired entry while another request refreshed it (stale-while-revalidate). */
  staleHits = 0;
  /** Hits that waited for another request rendering or computing the same key. */
  collapsedHits = 0;
  misses = 0;
  stores = 0;
  refusals = 0;
  evictions = 0;
  expirations = 0;
  invalidations = 0;
  /** Requests that stopped waiting for another one and rendered themselves. */
  waitTimeouts = 0;
  /** Renders or computations that never said whether they stored (dropped after fillTimeoutMs). */
  fillTimeouts = 0;
  /** Computations (getOrCompute) that threw; never cached. */
  computeErrors = 0;
  readonly refusalsBy = new Map<RefusalCategory, number>();

  refuse(category: RefusalCategory): void {
    this.refusals += 1;
    this.refusalsBy.set(category, (this.refusalsBy.get(category) ?? 0) + 1);
  }

  reset(): void {
    this.hits = this.staleHits = this.collapsedHits = this.misses = this.stores = this.refusals = 0;
    this.evictions =
      this.expirations =
      this.invalidations =
      this.waitTimeouts =
      this.fillTimeouts =
      this.computeErrors =
        0;
    this.refusalsBy.clear();
  }
}
