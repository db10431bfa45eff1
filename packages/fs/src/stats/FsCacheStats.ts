import type { RefusalReason } from './RefusalReason.js';

/** A snapshot of what the filesystem cache holds and has done since it was opened. */
export interface FsCacheStats {
  /** Files under the root that the cache owns (pages and compressed siblings). */
  readonly files: number;
  /** Their total size in bytes. */
  readonly bytes: number;
  /** Pages written (each with its siblings counts once). */
  readonly writes: number;
  /** Files deleted by purges, evictions, type changes and `clear()`. */
  readonly deletes: number;
  /** Pages evicted to keep within `maxBytes`. */
  readonly evictions: number;
  /** Purge keys handled (one per path of a Purge event or `purge()` call). */
  readonly purges: number;
  /** Times `clear()` ran. */
  readonly clears: number;
  /** Responses not written, by reason. */
  readonly refused: Readonly<Partial<Record<RefusalReason, number>>>;
  /** Total of `refused`. */
  readonly refusedTotal: number;
  /** Filesystem errors while deleting or scanning (logged; writes that failed count as `refused['io-error']`). */
  readonly errors: number;
}

/** The mutable counters behind `FsCacheStats`. */
export class FsCacheCounters {
  writes = 0;
  deletes = 0;
  evictions = 0;
  purges = 0;
  clears = 0;
  errors = 0;
  readonly #refused = new Map<RefusalReason, number>();
  #refusedTotal = 0;

  refuse(reason: RefusalReason): void {
    this.#refused.set(reason, (this.#refused.get(reason) ?? 0) + 1);
    this.#refusedTotal += 1;
  }

  snapshot(files: number, bytes: number): FsCacheStats {
    return Object.freeze({
      files,
      bytes,
      writes: this.writes,
      deletes: this.deletes,
      evictions: this.evictions,
      purges: this.purges,
      clears: this.clears,
      refused: Object.freeze(Object.fromEntries(this.#refused)) as Readonly<Partial<Record<RefusalReason, number>>>,
      refusedTotal: this.#refusedTotal,
      errors: this.errors,
    });
  }
}
