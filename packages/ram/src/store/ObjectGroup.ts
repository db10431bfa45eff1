import type { CacheEntry } from './CacheEntry.js';

export type EntryKind = 'response' | 'value';

/**
 * Everything cached for one object (RAMCacheManager's per-object entry set): its entries, its
 * modification time (SCM-5), and its statistics row. Response entries are grouped by request path,
 * values by object path.
 */
export class ObjectGroup {
  readonly kind: EntryKind;
  /** Canonical path ('' is the root). */
  readonly path: string;
  /** Made when the object gets its first entry and let go when it has none: idle rows stay small. */
  #entries: Set<CacheEntry> | undefined;
  /** View name → number of entries with it (the report lists the distinct names). */
  #views: Map<string, number> | undefined;
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
    return this.#entries?.size ?? 0;
  }

  /** A snapshot of the entries (safe to delete from while iterating). */
  list(): CacheEntry[] {
    return this.#entries === undefined ? [] : [...this.#entries];
  }

  /** The distinct view names of the entries. */
  viewNames(): string[] {
    return this.#views === undefined ? [] : [...this.#views.keys()];
  }

  add(entry: CacheEntry): void {
    (this.#entries ??= new Set()).add(entry);
    const views = (this.#views ??= new Map());
    views.set(entry.view, (views.get(entry.view) ?? 0) + 1);
    this.bytes += entry.size;
  }

  /** Removes an entry, keeping its reads in the row's counts; false when it was not here. */
  remove(entry: CacheEntry): boolean {
    if (this.#entries === undefined || !this.#entries.delete(entry)) return false;
    this.#retiredHits += entry.hits;
    this.#retiredAtWindow += entry.hitsAtWindow;
    this.#retiredBefore += entry.hitsBefore;
    this.bytes -= entry.size;
    const views = this.#views;
    if (views !== undefined) {
      const left = (views.get(entry.view) ?? 1) - 1;
      if (left === 0) views.delete(entry.view);
      else views.set(entry.view, left);
    }
    if (this.#entries.size === 0) {
      this.#entries = undefined;
      this.#views = undefined;
    }
    return true;
  }

  /** Reads of the object's entries, gone ones included. */
  get hits(): number {
    let hits = this.#retiredHits;
    if (this.#entries !== undefined) for (const entry of this.#entries) hits += entry.hits;
    return hits;
  }

  /** Reads in the current and the previous statistics window (the ancestor's "recent hits"). */
  recentHits(): number {
    let recent = this.#retiredHits - this.#retiredBefore;
    if (this.#entries !== undefined) for (const entry of this.#entries) recent += entry.recentHits;
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
    if (this.#entries === undefined) return;
    for (const entry of this.#entries) {
      if (windows >= 2) entry.hitsBefore = entry.hitsAtWindow = entry.hits;
      else {
        entry.hitsBefore = entry.hitsAtWindow;
        entry.hitsAtWindow = entry.hits;
      }
    }
  }
}
