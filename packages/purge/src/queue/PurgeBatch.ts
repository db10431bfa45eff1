/** What one unit of work asked to purge, as plain lists (for `pending()` and the endpoint). */
export interface QueuedPurges {
  /** Relative paths after virtual-host rewriting, percent-encoded as they go on the wire. */
  readonly paths: readonly string[];
  /** Absolute paths, percent-encoded, sent as they are. */
  readonly absolutePaths: readonly string[];
  readonly tags: readonly string[];
  /** BAN regular expressions (Varnish). */
  readonly bans: readonly string[];
}

/**
 * The de-duplicated set of invalidations of one unit of work (plone.cachepurging's per-request set).
 * Paths are de-duplicated after rewriting and encoding, so `/a b` and `/a%20b`, or `` and `/`, are
 * one URL and purged once (plone de-duplicated on the raw path and could purge a URL twice).
 */
export class PurgeBatch {
  readonly paths = new Set<string>();
  readonly absolutePaths = new Set<string>();
  readonly tags = new Set<string>();
  readonly bans = new Set<string>();

  get empty(): boolean {
    return this.paths.size === 0 && this.absolutePaths.size === 0 && this.tags.size === 0 && this.bans.size === 0;
  }

  /** Invalidations in the batch. */
  get size(): number {
    return this.paths.size + this.absolutePaths.size + this.tags.size + this.bans.size;
  }

  merge(other: PurgeBatch): void {
    for (const p of other.paths) this.paths.add(p);
    for (const p of other.absolutePaths) this.absolutePaths.add(p);
    for (const t of other.tags) this.tags.add(t);
    for (const b of other.bans) this.bans.add(b);
  }

  snapshot(): QueuedPurges {
    return {
      paths: [...this.paths],
      absolutePaths: [...this.absolutePaths],
      tags: [...this.tags],
      bans: [...this.bans],
    };
  }
}
