import type { FillAbandonReason } from './AbandonReason.js';
import type { ResponseScope } from './ResponseScope.js';

/** A whole response kept by a response cache. */
export interface StoredResponse {
  readonly status: number;
  /** Lower-case names, as sent (without Set-Cookie, Date, Age, Connection, Transfer-Encoding). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  /** When it was rendered (epoch ms). */
  readonly storedAt: number;
}

/** What a store is told about a response it keeps, for expiry and invalidation. */
export interface StoredResponseInfo {
  readonly key: string;
  /** The request path, without the query: invalidation by path (`/a` covers `/a/b`) uses it. */
  readonly path: string;
  readonly ruleset: string;
  /** The surrogate keys of the response, for invalidation by tag. */
  readonly surrogateKeys: readonly string[];
}

/**
 * The request that missed a key and renders it: it must call exactly one of `store` (the response
 * is complete and storable) or `abandon` (it is not: an error, a cookie, a client gone away), so that
 * requests waiting for the same key (coalescing) stop waiting.
 */
export interface ResponseCacheFill {
  store(info: StoredResponseInfo, response: StoredResponse): void;
  /** Why the response is not stored: a code the store decides by (see `FillAbandonReason`). */
  abandon(reason: FillAbandonReason): void;
}

export interface ResponseCacheLookup {
  /** The stored response, on a hit. */
  readonly response?: StoredResponse | undefined;
  /** On a miss: this request renders the key. */
  readonly fill?: ResponseCacheFill | undefined;
  /** On a hit: true when this request waited for another one rendering the same key. */
  readonly collapsed?: boolean;
}

/**
 * Where whole responses are kept (the `ramCache` option of the HTTP operations). The RAM cache
 * manager provides the real one (byte-bounded LRU, Redis tier, coalescing, statistics); anything
 * implementing this plugs in. A store must never throw from these methods: failures are its own to count and report.
 *
 * What may be kept is the HTTP side's decision: it never hands a fill a response the application
 * marked private or no-store, that sets a cookie, or that is not a complete 200. The `private` of a
 * stored response is then the operation's own (browser-only forms, the per-user downgrade), which a
 * store cannot tell from the application's by reading the header, and must not try to.
 */
/** What a store would do with a response, for an explained request (see `ResponseCache.judge`). */
export interface ResponseCacheVerdict {
  readonly stores: boolean;
  /** Why not, when it would not store. */
  readonly reason?: string;
  /** How long it would keep the response fresh, in seconds (absent: until evicted or invalidated). */
  readonly ttlSeconds?: number;
}

export interface ResponseCache {
  /**
   * The copy of `key` for `scope` (undefined: shared). A store must keep scopes apart: a copy filled
   * under one scope is found only by lookups with an equal scope (same user id, same sorted roles).
   */
  lookup(key: string, scope?: ResponseScope): ResponseCacheLookup | Promise<ResponseCacheLookup>;
  /**
   * Optional, for explained requests: whether a fresh copy of `key` for `scope` is kept now, without
   * counting, touching or filling anything.
   */
  peek?(key: string, scope?: ResponseScope): boolean;
  /** Optional, for explained requests: whether the store would keep `response`; it stores nothing. */
  judge?(info: StoredResponseInfo, response: StoredResponse): ResponseCacheVerdict;
}
