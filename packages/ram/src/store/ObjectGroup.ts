import type { CacheEntry } from './CacheEntry.js';

export type EntryKind = 'response' | 'value';

const NO_ENTRIES: readonly CacheEntry[] = Object.freeze([]);

/**
 * Everything cached for one object (RAMCacheManager's per-object entry set): its entries, its
 * modification time (SCM-5), and its statistics row. Response entries are grouped by request path,
 * values by object path.
 */
export class ObjectGroup {
  readonly kind: EntryKind;
  /** Canonical path ('' is the root). */
  readonly path: string;
  /**
   * The entries: most objects have one, held directly; a Set is made only for the second (a Set
   * costs about 150 bytes of heap, a tenth of what a one-entry object would otherwise hold), and
   * let go when the object has none: idle rows stay small. The report's view names are read from
   * the entries when asked for, not kept per object.
   */
  #one: CacheEntry | undefined;
  #entries: Set<CacheEntry> | undefined;
  /** Reads of entries that are gone (the entries count their own reads while they live), and the window marks of those reads. */
  #retiredHits = 0;
  #retiredAtWindow = 0;
  #retiredBefore = 0;
  misses = 0;
  stores = 0;
  evictions = 0;
  expirations = 0;
  invalidations = 0;
  bytes = 0;
  /** The newest modification time seen for the object (epoch ms), or -Infinity. */
  lastModified = Number.NEGATIVE_INFINITY;
  /** Has entries (otherwise it is one of the idle rows). */
  active = false;
  /** Dropped from the rows (idle for too long); filed again if it gets an entry. */
  forgotten = false;

  constructor(kind: EntryKind, path: string) {
    this.kind = kind;
    this.path = path;
  }

  get size(): number {
    return this.#entries !== undefined ? this.#entries.size : this.#one !== undefined ? 1 : 0;
  }

  list(): CacheEntry[] {
    if (this.#entries !== undefined) return [...this.#entries];
    return this.#one === undefined ? [] : [this.#one];
  }

  viewNames(): string[] {
    return [...new Set(this.list().map((entry) => entry.view))];
  }

  add(entry: CacheEntry): void {
    if (this.#entries !== undefined) {
      if (this.#entries.has(entry)) return;
      this.#entries.add(entry);
    } else if (this.#one === undefined) {
      this.#one = entry;
    } else {
      if (this.#one === entry) return;
      this.#entries = new Set([this.#one, entry]);
      this.#one = undefined;
    }
    this.bytes += entry.size;
  }

  remove(entry: CacheEntry): boolean {
    if (this.#entries !== undefined) {
      if (!this.#entries.delete(entry)) return false;
      if (this.#entries.size === 0) this.#entries = undefined;
    } else if (this.#one === entry) {
      this.#one = undefined;
    } else {
      return false;
    }
    this.#retiredHits += entry.hits;
    this.#retiredAtWindow += entry.hitsAtWindow;
    this.#retiredBefore += entry.hitsBefore;
    this.bytes -= entry.size;
    return true;
  }

  get hits(): number {
    let hits = this.#retiredHits;
    for (const entry of this.#live()) hits += entry.hits;
    return hits;
  }

  /** Reads in the current and the previous statistics window (the ancestor's "recent hits"). */
  recentHits(): number {
    let recent = this.#retiredHits - this.#retiredBefore;
    for (const entry of this.#live()) recent += entry.recentHits;
    return recent;
  }

  /**
   * A new statistics window began `windows` windows after the last one: each entry notes its read
   * count, so "recent" stays a subtraction and a hit stays a single increment.
   */
  rotate(windows: number): void {
    if (windows >= 2) this.#retiredBefore = this.#retiredAtWindow = this.#retiredHits;
    else {
      this.#retiredBefore = this.#retiredAtWindow;
      this.#retiredAtWindow = this.#retiredHits;
    }
    for (const entry of this.#live()) {
      if (windows >= 2) entry.hitsBefore = entry.hitsAtWindow = entry.hits;
      else {
        entry.hitsBefore = entry.hitsAtWindow;
        entry.hitsAtWindow = entry.hits;
      }
    }
  }

  /** The live entries, without copying them. */
  #live(): Iterable<CacheEntry> {
    return this.#entries ?? (this.#one === undefined ? NO_ENTRIES : [this.#one]);
  }
}
