import { LRUCache } from 'lru-cache';
import { PathTrie } from '../paths/PathTrie.js';
import type { Counters } from '../stats/Counters.js';
import type { CacheEntry } from './CacheEntry.js';
import { ObjectGroup, type EntryKind } from './ObjectGroup.js';

/** What the hit path may do with the LRU: read. */
export type EntryTable = Pick<LRUCache<string, CacheEntry>, 'get'>;

export interface EntryStoreOptions {
  readonly maxBytes: number;
  /** Part of maxBytes taken by the slot tables; entries share the rest. */
  readonly reservedBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxStatsRows: number;
  readonly now: () => number;
  readonly counters: Counters;
}

/**
 * The in-process tier: an `lru-cache` bounded by bytes (each entry's measured size) and by count,
 * with lazy expiry on read. Least-recently-used eviction by bytes deliberately replaces the
 * ancestor's least-frequently-used cleanup, which could delete the whole cache at once (SCM-8): here
 * an insert evicts only as many of the least recently used entries as it needs room for, and no
 * entry may exceed `maxEntryBytes`, so a full cache stays full.
 *
 * Around the LRU it keeps what invalidation and statistics need: entries grouped per object, groups
 * filed by path (sub-path invalidation visits only the subtree, a page's only its own node), entries
 * by tag, and statistics rows of objects that have no entries any more (bounded, least recently
 * emptied dropped first).
 */
export class EntryStore {
  readonly #lru: LRUCache<string, CacheEntry>;
  /** Every statistics row, per kind, by canonical path (rows with entries, and recently emptied ones). */
  readonly #groups: Readonly<Record<EntryKind, Map<string, ObjectGroup>>> = { response: new Map(), value: new Map() };
  /** Rows of objects without entries, least recently emptied first (a Set keeps insertion order). */
  readonly #idle = new Set<ObjectGroup>();
  readonly #maxIdle: number;
  readonly #paths = new PathTrie<ObjectGroup>();
  readonly #tags = new Map<string, Set<CacheEntry>>();
  readonly #counters: Counters;
  readonly maxBytes: number;
  readonly reservedBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  #window = 0;

  constructor(options: EntryStoreOptions) {
    this.maxBytes = options.maxBytes;
    this.reservedBytes = options.reservedBytes;
    this.maxEntries = options.maxEntries;
    this.maxEntryBytes = options.maxEntryBytes;
    this.#counters = options.counters;
    this.#lru = new LRUCache<string, CacheEntry>({
      max: options.maxEntries,
      maxSize: options.maxBytes - options.reservedBytes,
      maxEntrySize: options.maxEntryBytes,
      sizeCalculation: (entry) => entry.size,
      // Lazy expiry: an expired entry is dropped when it is read or when LRU pressure reaches it;
      // no timers per entry.
      ttlAutopurge: false,
      allowStale: false,
      updateAgeOnGet: false,
      perf: { now: options.now },
      // lru-cache reuses a clock reading for 1 ms; an injected clock (tests) must be read every time.
      ttlResolution: options.now === Date.now ? 1 : 0,
      dispose: (entry, _key, reason) => this.#detach(entry, reason),
    });
    // A plain Map rather than another LRUCache: lru-cache clears its whole arrays when its last item
    // is deleted, and a row leaves this list every time its object gets an entry again.
    this.#maxIdle = options.maxStatsRows;
  }

  /** The entry under `key` if it is within its lifetime (an expired one is dropped and counted). */
  get(key: string): CacheEntry | undefined {
    return this.#lru.get(key);
  }

  /**
   * The LRU, read-only, for the response hit path (one call fewer per hit). Reading through it is
   * the same as `get`; every change goes through the store.
   */
  get table(): EntryTable {
    return this.#lru;
  }

  /** Like `get`, without touching recency. */
  peek(key: string): CacheEntry | undefined {
    return this.#lru.peek(key);
  }

  /** The statistics group of an object, created (as an idle row) if needed. */
  group(kind: EntryKind, path: string): ObjectGroup {
    let group = this.#groups[kind].get(path);
    if (group === undefined) {
      group = new ObjectGroup(kind, path);
      this.#register(group);
      this.#rest(group);
    }
    return group;
  }

  /** The group of an object if it exists. */
  existingGroup(kind: EntryKind, path: string): ObjectGroup | undefined {
    return this.#groups[kind].get(path);
  }

  /** Stores `entry` (its size already checked against maxEntryBytes), replacing any entry under its key. */
  put(entry: CacheEntry): boolean {
    const group = entry.group;
    // Activate first: evictions made room for this entry must not drop its group's row meanwhile.
    this.#activate(group);
    // A fresh options object each time: lru-cache writes a status field into it.
    this.#lru.set(entry.key, entry, { ttl: entry.lifetimeMs });
    if (this.#lru.peek(entry.key) !== entry) {
      if (group.size === 0) this.#deactivate(group);
      return false;
    }
    this.#activate(group);
    group.add(entry);
    for (const tag of entry.tags) {
      let set = this.#tags.get(tag);
      if (set === undefined) this.#tags.set(tag, (set = new Set()));
      set.add(entry);
    }
    group.stores += 1;
    this.#counters.stores += 1;
    return true;
  }

  /** Removes `entry` if it is still the one stored under its key; counted as an invalidation. */
  delete(entry: CacheEntry): boolean {
    if (this.#lru.peek(entry.key) !== entry) return false;
    return this.#lru.delete(entry.key);
  }

  /** Every entry of every object at or under the canonical path. */
  under(path: string): CacheEntry[] {
    const found: CacheEntry[] = [];
    for (const group of this.#paths.under(path)) for (const entry of group.list()) found.push(entry);
    return found;
  }

  /**
   * Every entry of every object at exactly the canonical path: a page's responses (each request
   * target with that path, whatever its query) and the values whose object path it is.
   */
  at(path: string): CacheEntry[] {
    const found: CacheEntry[] = [];
    for (const group of this.#paths.at(path)) for (const entry of group.list()) found.push(entry);
    return found;
  }

  /** Every entry carrying the tag. */
  tagged(tag: string): CacheEntry[] {
    const set = this.#tags.get(tag);
    return set === undefined ? [] : [...set];
  }

  /** Removes every entry (each counted as an invalidation); the statistics rows stay. */
  clear(): number {
    const size = this.#lru.size;
    this.#lru.clear();
    return size;
  }

  get entries(): number {
    return this.#lru.size;
  }

  /** Bytes charged to the budget: the entries held now plus the reserved slot tables. */
  get bytes(): number {
    return this.#lru.calculatedSize + this.reservedBytes;
  }

  /** Starts statistics window `window` (an increasing number) if it is not the current one. */
  rotateWindow(window: number): void {
    if (window <= this.#window) return;
    const windows = this.#window === 0 ? 2 : window - this.#window;
    this.#window = window;
    for (const group of this.groups()) group.rotate(windows);
  }

  /** How many statistics rows there are. */
  get groupCount(): number {
    return this.#groups.response.size + this.#groups.value.size;
  }

  /** Every statistics row (objects with entries, and recently emptied ones). */
  *groups(): IterableIterator<ObjectGroup> {
    yield* this.#groups.response.values();
    yield* this.#groups.value.values();
  }

  /** Forgets every row and entry (the manager is closing). */
  reset(): void {
    this.#lru.clear();
    this.#idle.clear();
    this.#groups.response.clear();
    this.#groups.value.clear();
    this.#paths.clear();
    this.#tags.clear();
  }

  // A row is filed in the path index for as long as it is kept (with entries or idle), so that an
  // object whose entries come and go does not add and remove index nodes each time.
  #register(group: ObjectGroup): void {
    this.#groups[group.kind].set(group.path, group);
    this.#paths.add(group.path, group);
    group.forgotten = false;
  }

  #activate(group: ObjectGroup): void {
    if (group.active) return;
    group.active = true;
    this.#idle.delete(group);
    if (group.forgotten) this.#register(group);
  }

  #deactivate(group: ObjectGroup): void {
    group.active = false;
    this.#rest(group);
  }

  /** Files a row among the idle ones; past maxStatsRows the least recently emptied row is forgotten. */
  #rest(group: ObjectGroup): void {
    this.#idle.delete(group);
    this.#idle.add(group);
    if (this.#idle.size <= this.#maxIdle) return;
    const oldest = this.#idle.values().next().value as ObjectGroup;
    this.#idle.delete(oldest);
    if (oldest.active) return;
    oldest.forgotten = true;
    if (this.#groups[oldest.kind].get(oldest.path) === oldest) this.#groups[oldest.kind].delete(oldest.path);
    this.#paths.remove(oldest.path, oldest);
  }

  #detach(entry: CacheEntry, reason: LRUCache.DisposeReason): void {
    const group = entry.group;
    if (!group.remove(entry)) return;
    for (const tag of entry.tags) {
      const set = this.#tags.get(tag);
      if (set === undefined) continue;
      set.delete(entry);
      if (set.size === 0) this.#tags.delete(tag);
    }
    if (reason === 'evict') {
      group.evictions += 1;
      this.#counters.evictions += 1;
    } else if (reason === 'expire') {
      group.expirations += 1;
      this.#counters.expirations += 1;
    } else if (reason === 'delete') {
      group.invalidations += 1;
      this.#counters.invalidations += 1;
    }
    if (group.size === 0) this.#deactivate(group);
  }
}
