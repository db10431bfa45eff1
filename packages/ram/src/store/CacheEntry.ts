import { SCOPED_KEY_MARK } from '../keys/responseKey.js';
import type { EntryKind, ObjectGroup } from './ObjectGroup.js';
import { type ResponseCacheLookup, type StoredResponse } from '@cacheset/core';

export interface CacheEntryInit {
  readonly key: string;
  readonly kind: EntryKind;
  readonly group: ObjectGroup;
  readonly view: string;
  readonly tags: readonly string[];
  readonly size: number;
  readonly freshUntil: number;
  readonly lifetimeMs: number;
  readonly lastModified: number;
  readonly epoch: number | undefined;
  /** How long after `freshUntil` it may still be served while it is refreshed (ms). */
  readonly staleMs: number;
  /** A response entry: what it replays. */
  readonly response: StoredResponse | undefined;
  /** A value entry: the primitive value, or (for objects) undefined with `bytes` set. */
  readonly value: unknown;
  readonly bytes: Uint8Array | undefined;
  /** When it was made (epoch ms); responses carry their rendering time instead. */
  readonly madeAt: number;
}

const NO_HEADERS: readonly (readonly [string, string])[] = Object.freeze([]);
const NO_BYTES = new Uint8Array(0);

/**
 * One stored response or value.
 *
 * A response entry is its own lookup answer (`{ response }`) and its own stored response (status,
 * headers, body, storedAt), with `response` pointing at itself: a hit hands out the entry as it is,
 * and the request reads everything from one object. Every extra object on the hit path is one more
 * cache miss when the store is large, and the hit path is what the store is measured on (DESIGN.md
 * §5: at least 0.8 of a bare lru-cache get). The fields a hit touches come first, so they share the
 * object's first cache lines.
 */
export class CacheEntry implements ResponseCacheLookup, StoredResponse {
  // Read or written on every hit.
  /** This entry, for a response; undefined for a value. */
  readonly response: CacheEntry | undefined;
  /** Reads of this entry. */
  hits = 0;
  /** Fresh until (epoch ms); Infinity when it never goes stale. */
  readonly freshUntil: number;
  /**
   * Stored under a per-user or per-role key (one that starts with the scoped mark), which a shared
   * lookup must never answer with. Kept here because the hit path reads this object anyway, while
   * reading the looked-up key's first character costs a hit a third of its time when the key is a
   * concatenated string, as request keys are.
   */
  readonly scoped: boolean;
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  readonly storedAt: number;
  // Bookkeeping.
  readonly key: string;
  readonly kind: EntryKind;
  readonly group: ObjectGroup;
  readonly view: string;
  readonly tags: readonly string[];
  /** Bytes charged to the budget. */
  readonly size: number;
  /** The LRU time-to-live: freshness plus the stale-while-revalidate window; 0 when unlimited. */
  readonly lifetimeMs: number;
  /** Until when it may be served stale while one refresh runs (epoch ms); equal to freshUntil without a stale window. */
  readonly staleUntil: number;
  /** The object's modification time when the value was made (epoch ms), or -Infinity. */
  readonly lastModified: number;
  /** The shared tier's invalidation epoch when its rendering started (undefined: not shareable). */
  readonly epoch: number | undefined;
  /** A primitive value, kept as it is. */
  readonly value: unknown;
  /** An object value's structured-clone bytes, decoded into a fresh copy on every read. */
  readonly bytes: Uint8Array | undefined;
  /** `hits` when the current statistics window began, and when the previous one began. */
  hitsAtWindow = 0;
  hitsBefore = 0;
  #collapsed: ResponseCacheLookup | undefined;

  constructor(init: CacheEntryInit) {
    const response = init.response;
    this.response = response === undefined ? undefined : this;
    this.freshUntil = init.freshUntil;
    this.scoped = init.key.charCodeAt(0) === SCOPED_KEY_MARK;
    this.status = response?.status ?? 0;
    this.headers = response?.headers ?? NO_HEADERS;
    this.body = response?.body ?? NO_BYTES;
    this.storedAt = response?.storedAt ?? init.madeAt;
    this.key = init.key;
    this.kind = init.kind;
    this.group = init.group;
    this.view = init.view;
    this.tags = init.tags;
    this.size = init.size;
    this.lifetimeMs = init.lifetimeMs;
    this.staleUntil = init.freshUntil + init.staleMs;
    this.lastModified = init.lastModified;
    this.epoch = init.epoch;
    this.value = init.value;
    this.bytes = init.bytes;
  }

  /** Reads in the current and the previous statistics window (see EntryStore.rotateWindow). */
  get recentHits(): number {
    return this.hits - this.hitsBefore;
  }

  /** `{ response, collapsed: true }`: what requests that waited for this entry get (made when first needed). */
  get collapsedHit(): ResponseCacheLookup | undefined {
    if (this.response === undefined) return undefined;
    return (this.#collapsed ??= Object.freeze({ response: this, collapsed: true }));
  }
}
