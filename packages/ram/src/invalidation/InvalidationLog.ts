import { isUnder } from '../paths/canonicalPath.js';
import type { Invalidation } from '../shared/InvalidationMessage.js';

interface Record {
  readonly epoch: number;
  readonly invalidation: Invalidation;
}

const KEPT = 512;

/**
 * The recent invalidations, numbered. A render that started before an invalidation covering its
 * entry must not store what it rendered (it may show the old data), so every flight notes the epoch
 * at its start and asks, when it wants to store, whether anything since then covered it. Only the
 * last 512 invalidations are kept; a render older than those is refused, which is always safe.
 */
export class InvalidationLog {
  readonly #records: Record[] = [];
  #epoch = 0;

  get epoch(): number {
    return this.#epoch;
  }

  record(invalidation: Invalidation): number {
    this.#epoch += 1;
    this.#records.push({ epoch: this.#epoch, invalidation });
    if (this.#records.length > KEPT) this.#records.splice(0, this.#records.length - KEPT);
    return this.#epoch;
  }

  /**
   * Whether an invalidation after `epoch` covers an entry at `path` (canonical) with `tags`: one of
   * everything, of a subtree the path lies in, of the path's own page, or of one of the tags.
   */
  coveredSince(epoch: number, path: string, tags: readonly string[]): boolean {
    if (epoch === this.#epoch) return false;
    const oldest = this.#records[0];
    if (oldest === undefined || oldest.epoch > epoch + 1) return true;
    for (let i = this.#records.length - 1; i >= 0; i -= 1) {
      const record = this.#records[i] as Record;
      if (record.epoch <= epoch) break;
      const invalidation = record.invalidation;
      if (invalidation.all || invalidation.pages.includes(path)) return true;
      for (const p of invalidation.paths) if (isUnder(path, p)) return true;
      for (const t of invalidation.tags) if (tags.includes(t)) return true;
    }
    return false;
  }
}
