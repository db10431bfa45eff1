import { markClock } from './SharedPurgeMarks.js';

/** Taken when a request starts; a write is installed only if no purge of its page came after it. */
export interface FsWriteTicket {
  readonly seq: number;
  /** When it was taken (`markClock()`), compared with other processes' purges of the same root. */
  readonly at: number;
}

/** How many purged keys are remembered individually before older ones fold into one floor. */
const MAX_REMEMBERED = 65_536;

/**
 * Purge generations: the race-free answer to "a purge arrived while this page was rendering or
 * being written". A request takes a ticket before it renders; a purge bumps the sequence and records
 * it for the page's key synchronously, when the event fires. A write whose ticket predates a purge of
 * its key (or a `clear()`) is discarded, so a body rendered from old data never lands after the purge
 * that should have removed it.
 *
 * Memory is bounded: beyond `MAX_REMEMBERED` keys the oldest are forgotten and their sequence becomes
 * a floor below which every ticket counts as stale (a conservative answer: at worst a page is
 * rendered again).
 */
export class PurgeGenerations {
  #seq = 0;
  #floor = 0;
  #clearedAt = 0;
  readonly #purgedAt = new Map<string, number>();

  begin(): FsWriteTicket {
    return { seq: this.#seq, at: markClock() };
  }

  purge(key: string): void {
    this.#seq += 1;
    this.#purgedAt.delete(key);
    this.#purgedAt.set(key, this.#seq);
    if (this.#purgedAt.size > MAX_REMEMBERED) {
      const oldest = this.#purgedAt.entries().next().value;
      if (oldest !== undefined) {
        this.#purgedAt.delete(oldest[0]);
        this.#floor = Math.max(this.#floor, oldest[1]);
      }
    }
  }

  clear(): void {
    this.#seq += 1;
    this.#clearedAt = this.#seq;
    this.#purgedAt.clear();
  }

  isStale(ticket: FsWriteTicket, key: string): boolean {
    return ticket.seq < this.#clearedAt || ticket.seq < this.#floor || (this.#purgedAt.get(key) ?? 0) > ticket.seq;
  }
}
