import {
  describeValue,
  isSurrogateKey,
  type FillAbandonReason,
  type ResponseCache,
  type ResponseCacheFill,
  type ResponseCacheLookup,
  type ResponseCacheVerdict,
  type ResponseScope,
  type StoredResponse,
  type StoredResponseInfo,
} from '@cacheset/core';
import { LRUCache } from 'lru-cache';
import type { Flight } from '../coalescing/Flight.js';
import { FlightTable } from '../coalescing/FlightTable.js';
import { MAX_RESPONSE_KEY_LENGTH, SCOPED_KEY_MARK, scopedResponseKey } from '../keys/responseKey.js';
import type { Counters } from '../stats/Counters.js';
import type { EntryStore, EntryTable } from '../store/EntryStore.js';
import { canonicalPath, pathProblem } from '../paths/canonicalPath.js';
import { decodeWireEntry, encodeWireEntry, wireResponse } from '../shared/entryWireFormat.js';
import type { RedisTier } from '../shared/RedisTier.js';
import { bytesSize, ENTRY_OVERHEAD_BYTES, headersSize, stringBytes } from '../serialization/memorySize.js';
import { ownedResponse, responseRefusal } from '../serialization/storedResponse.js';
import { CacheEntry } from '../store/CacheEntry.js';
import type { CacheContext } from './CacheContext.js';

const EMPTY: ResponseCacheLookup = Object.freeze({});

interface FillSink {
  store(
    flight: Flight<ResponseCacheLookup>,
    lookedUp: string,
    info: StoredResponseInfo,
    response: StoredResponse,
  ): void;
  abandon(flight: Flight<ResponseCacheLookup>, reason: FillAbandonReason): void;
  misuse(what: 'stored' | 'abandoned'): void;
}

/** The fill handed to the one request that renders a key: exactly one of store or abandon counts. */
class ResponseFill implements ResponseCacheFill {
  readonly #flight: Flight<ResponseCacheLookup>;
  /** The key as the caller looked it up (the flight's is bound to the scope). */
  readonly #lookedUp: string;
  readonly #sink: FillSink;
  #done = false;

  constructor(flight: Flight<ResponseCacheLookup>, lookedUp: string, sink: FillSink) {
    this.#flight = flight;
    this.#lookedUp = lookedUp;
    this.#sink = sink;
  }

  store(info: StoredResponseInfo, response: StoredResponse): void {
    if (this.#done) return this.#sink.misuse('stored');
    this.#done = true;
    this.#sink.store(this.#flight, this.#lookedUp, info, response);
  }

  abandon(reason: FillAbandonReason): void {
    if (this.#done) return this.#sink.misuse('abandoned');
    this.#done = true;
    this.#sink.abandon(this.#flight, reason);
  }
}
const ABANDONED_KEYS_KEPT = 10_000;

/**
 * Abandon reasons that say nothing about the page itself: a HEAD request, a client that went away, a
 * server error, a body too large to buffer, a response nothing stored. After those, requests keep
 * waiting for each other (a failing backend should see one request per wave, not a stampede); after
 * any other reason (a cookie, private, a Vary the key cannot follow, a 404, an unknown code) the
 * page is uncacheable by nature and they stop waiting.
 */
const TRANSIENT: ReadonlySet<FillAbandonReason> = new Set<FillAbandonReason>([
  'head',
  'client-gone',
  'server-error',
  'too-large',
  'not-stored',
]);

function uncacheableByNature(reason: FillAbandonReason): boolean {
  return !TRANSIENT.has(reason);
}
const NO_TAGS: readonly string[] = Object.freeze([]);

/** What is wrong with the info a fill was stored with, or undefined. */
function storeInfoProblem(info: StoredResponseInfo, key: string): string | undefined {
  if (typeof info !== 'object' || info === null) return `the store info is ${describeValue(info)}`;
  if (info.key !== key) return `the store info names the key ${describeValue(info.key)}, not the one looked up`;
  const problem = pathProblem(info.path);
  if (problem !== undefined) return `the path ${describeValue(info.path)} ${problem}`;
  if (!Array.isArray(info.surrogateKeys) || !info.surrogateKeys.every(isSurrogateKey))
    return `the surrogate keys ${describeValue(info.surrogateKeys)} are not a list of keys`;
  return undefined;
}

/**
 * The response cache (core's `ResponseCache` contract) behind the HTTP operations' `ramCache` option.
 *
 * - A hit answers synchronously with the entry itself (it is its own `{ response }`): no allocation,
 *   no promise.
 * - A miss hands out a fill to exactly one request per key; concurrent requests for the key wait for
 *   it (each at most `waitTimeoutMs`) and get the stored response, or render themselves when it was
 *   abandoned (an error, a cookie, a client gone away): errors are never cached and never shared.
 * - With `staleWhileRevalidate`, an expired entry is still served to everyone while the one request
 *   that found it expired renders the fresh copy: the only way "serve stale" fits the interface,
 *   since the request holding a fill must render.
 * - With the shared tier, a miss asks Redis before handing out the fill; a stored response is written
 *   to Redis unless an invalidation since its rendering started covers it.
 * - Nothing here throws: a failure is counted, logged once, and the request renders.
 */
export class ResponseStore implements ResponseCache {
  readonly #ctx: CacheContext;
  // Direct references for the hit path (one property load fewer each).
  readonly #store: EntryStore;
  readonly #table: EntryTable;
  readonly #counters: Counters;
  readonly #now: () => number;
  readonly #flights: FlightTable<ResponseCacheLookup>;
  readonly #abandoned: LRUCache<string, true> | undefined;
  readonly #grace: boolean;
  /** What fills report to; made once, so a fill is one small object. */
  readonly #sink: FillSink;

  constructor(ctx: CacheContext) {
    this.#ctx = ctx;
    this.#store = ctx.store;
    this.#table = ctx.store.table;
    this.#counters = ctx.counters;
    this.#now = ctx.options.now;
    this.#grace = ctx.options.staleMs > 0;
    this.#flights = new FlightTable<ResponseCacheLookup>(ctx.options.now, ctx.options.fillTimeoutMs, (flight) =>
      this.#expire(flight),
    );
    this.#sink = {
      store: (flight, lookedUp, info, response) => {
        try {
          this.#complete(flight, lookedUp, info, response);
        } catch (error) {
          ctx.logger.error(
            `cacheset ram (${ctx.options.name}): storing a response failed: ${error instanceof Error ? error.message : String(error)}`,
            { error },
          );
          this.#flights.finish(flight, EMPTY);
        }
      },
      abandon: (flight, reason) => {
        if (uncacheableByNature(reason)) this.#abandoned?.set(flight.key, true);
        this.#flights.finish(flight, EMPTY);
      },
      misuse: (what) =>
        ctx.logger.error(
          `cacheset ram (${ctx.options.name}): a response fill was ${what} after it had been completed; each fill takes exactly one store or abandon.`,
        ),
    };
    const ttl = ctx.options.abandonedKeyTtlMs;
    this.#abandoned =
      ttl > 0
        ? new LRUCache<string, true>({
            max: ABANDONED_KEYS_KEPT,
            ttl,
            perf: { now: ctx.options.now },
            ttlResolution: ctx.options.now === Date.now ? 1 : 0,
          })
        : undefined;
  }

  /** Keys being rendered now. */
  get inFlight(): number {
    return this.#flights.size;
  }

  /**
   * A shared lookup (no scope) goes straight to the store key; a per-user or per-role one first binds
   * the key to its scope (`scopedResponseKey`), so it finds only copies filled under the same scope.
   */
  lookup(key: string, scope?: ResponseScope): ResponseCacheLookup | Promise<ResponseCacheLookup> {
    // `?.`: a null scope from untyped code is a bad scope, not a TypeError.
    if (scope !== undefined && scope?.kind !== 'shared') return this.#scoped(key, scope);
    // The hit path, kept this small so that the engine inlines it with the LRU's own get: one get,
    // two increments, and the entry itself as the answer. Everything else (stale entries, key
    // checks, misses) is in #slow; a key that could not be stored cannot be found, and a closed
    // manager's store is empty, so neither needs checking here. A shared key that starts with the
    // scoped mark could name a per-user copy: what it finds is never an answer (#slow refuses it).
    const found = this.#table.get(key);
    const entry = found !== undefined && found.scoped ? undefined : found;
    if (entry !== undefined && entry.response !== undefined && (!this.#grace || entry.freshUntil > this.#now())) {
      entry.hits += 1;
      this.#counters.hits += 1;
      return entry;
    }
    return this.#slow(key, key, entry);
  }

  #scoped(key: string, scope: ResponseScope): ResponseCacheLookup | Promise<ResponseCacheLookup> {
    if (typeof key !== 'string' || key.length === 0) return this.#badKey(key);
    const bound = typeof scope === 'object' && scope !== null ? scopedResponseKey(key, scope) : undefined;
    if (bound === undefined) return this.#badScope(scope);
    const entry = this.#table.get(bound);
    if (entry !== undefined && entry.response !== undefined && (!this.#grace || entry.freshUntil > this.#now())) {
      entry.hits += 1;
      this.#counters.hits += 1;
      return entry;
    }
    return this.#slow(bound, key, entry);
  }

  /** `bound` is the store key (the key bound to its scope); `key` is the key as looked up. */
  #slow(bound: string, key: string, entry: CacheEntry | undefined): ResponseCacheLookup | Promise<ResponseCacheLookup> {
    if (entry !== undefined && entry.response !== undefined && this.#flights.get(bound) !== undefined) {
      // Stale-while-revalidate: another request is refreshing it; do not make this one wait.
      entry.hits += 1;
      this.#counters.hits += 1;
      this.#counters.staleHits += 1;
      return entry;
    }
    if (
      typeof key !== 'string' ||
      key.length === 0 ||
      bound.length > MAX_RESPONSE_KEY_LENGTH ||
      key.charCodeAt(0) === 0 ||
      key.charCodeAt(0) === SCOPED_KEY_MARK
    )
      return this.#badKey(key);
    if (this.#ctx.closed) return EMPTY;
    return this.#miss(bound, key);
  }

  /** `ResponseCache.peek`: a fresh copy is kept for `key` and `scope`; counts and touches nothing. */
  peek(key: string, scope?: ResponseScope): boolean {
    if (typeof key !== 'string' || key.length === 0) return false;
    const bound = scope === undefined ? key : scopedResponseKey(key, scope);
    const entry = bound === undefined ? undefined : this.#store.peek(bound);
    return entry?.response !== undefined && entry.freshUntil > this.#now();
  }

  /**
   * `ResponseCache.judge`: whether `response` would be kept under `info`, by the same checks a fill's
   * `store` makes (the record, the response, a switched-off path, the entry size); stores nothing.
   */
  judge(info: StoredResponseInfo, response: StoredResponse): ResponseCacheVerdict {
    const ctx = this.#ctx;
    const infoProblem = storeInfoProblem(info, info.key);
    if (infoProblem !== undefined) return { stores: false, reason: 'malformed' };
    const refusal = responseRefusal(response);
    if (refusal !== undefined) return { stores: false, reason: refusal.category };
    if (ctx.disabled.has(canonicalPath(info.path))) return { stores: false, reason: 'disabled' };
    const size =
      ENTRY_OVERHEAD_BYTES + stringBytes(info.key) + headersSize(response.headers) + bytesSize(response.body);
    if (size > ctx.options.maxEntryBytes) return { stores: false, reason: 'too-large' };
    const { maxAgeMs } = ctx.options;
    return maxAgeMs > 0 ? { stores: true, ttlSeconds: maxAgeMs / 1000 } : { stores: true };
  }

  /** Abandons every render in progress (the manager is closing): waiting requests render themselves. */
  close(): void {
    this.#flights.finishAll(() => EMPTY);
    this.#abandoned?.clear();
  }

  #miss(bound: string, key: string): ResponseCacheLookup | Promise<ResponseCacheLookup> {
    const ctx = this.#ctx;
    const running = this.#flights.get(bound);
    if (running !== undefined) return this.#join(running);
    if (this.#abandoned?.has(bound) === true) {
      // Hit-for-miss: recently abandoned, so do not queue requests behind one another; each renders,
      // and whichever result is storable is stored.
      ctx.counters.misses += 1;
      return { fill: this.#fill(this.#flights.detached(bound, ctx.log.epoch), key) };
    }
    const flight = this.#flights.start(bound, ctx.log.epoch);
    const tier = ctx.sharedTier;
    if (tier !== undefined) return this.#fromShared(flight, key, tier);
    ctx.counters.misses += 1;
    return { fill: this.#fill(flight, key) };
  }

  async #join(flight: Flight<ResponseCacheLookup>): Promise<ResponseCacheLookup> {
    const counters = this.#ctx.counters;
    const result = await flight.wait(this.#ctx.options.waitTimeoutMs, () => {
      counters.waitTimeouts += 1;
      return EMPTY;
    });
    if (result.response === undefined) {
      counters.misses += 1;
      return EMPTY;
    }
    counters.hits += 1;
    counters.collapsedHits += 1;
    const entry = this.#store.peek(flight.key);
    if (entry !== undefined) entry.hits += 1;
    return result;
  }

  async #fromShared(flight: Flight<ResponseCacheLookup>, key: string, tier: RedisTier): Promise<ResponseCacheLookup> {
    const ctx = this.#ctx;
    const read = await tier.get(flight.key);
    flight.sharedEpoch = read.epoch;
    if (read.blob !== undefined && !flight.settled) {
      const entry = this.#adopt(flight, read.blob);
      if (entry !== undefined) {
        ctx.counters.hits += 1;
        entry.hits += 1;
        this.#flights.finish(flight, entry.collapsedHit ?? EMPTY);
        return entry;
      }
    }
    ctx.counters.misses += 1;
    // Settled meanwhile (closed, or timed out): render without a fill.
    if (flight.settled) return EMPTY;
    return { fill: this.#fill(flight, key) };
  }

  /** An entry from Redis, checked like a fresh store, kept in this process too. */
  #adopt(flight: Flight<ResponseCacheLookup>, blob: Buffer): CacheEntry | undefined {
    const ctx = this.#ctx;
    const wire = decodeWireEntry(blob);
    const response = wire === undefined ? undefined : wireResponse(wire);
    if (wire === undefined || response === undefined || wire.key !== flight.key) {
      ctx.logger.warn(
        `cacheset ram (${ctx.options.name}): ignored an unreadable shared entry under ${ctx.tier?.prefix ?? ''}.`,
      );
      return undefined;
    }
    const now = ctx.options.now();
    if (wire.freshUntil !== null && wire.freshUntil <= now) return undefined;
    if (responseRefusal(response) !== undefined || ctx.disabled.has(wire.path)) return undefined;
    if (ctx.log.coveredSince(flight.epoch, wire.path, wire.tags)) return undefined;
    return this.#keep(flight.key, wire.path, wire.view, wire.tags, ownedResponse(response), undefined, wire.freshUntil);
  }

  #fill(flight: Flight<ResponseCacheLookup>, key: string): ResponseCacheFill {
    return new ResponseFill(flight, key, this.#sink);
  }

  #complete(
    flight: Flight<ResponseCacheLookup>,
    lookedUp: string,
    info: StoredResponseInfo,
    response: StoredResponse,
  ): void {
    const ctx = this.#ctx;
    const refuse = (category: Parameters<CacheContext['refuse']>[0], message: string): void => {
      ctx.refuse(category, message, { key: flight.key });
      if (category === 'unsafe-response' || category === 'disabled') this.#abandoned?.set(flight.key, true);
      this.#flights.finish(flight, EMPTY);
    };
    if (flight.settled) {
      ctx.logger.warn(
        `cacheset ram (${ctx.options.name}): a render finished after fillTimeoutMs (${ctx.options.fillTimeoutMs} ms); its response was not stored.`,
      );
      return;
    }
    const infoProblem = storeInfoProblem(info, lookedUp);
    if (infoProblem !== undefined) return refuse('malformed', `${infoProblem}.`);
    const refusal = responseRefusal(response);
    if (refusal !== undefined) return refuse(refusal.category, `the response to ${info.path}: ${refusal.reason}.`);
    const path = canonicalPath(info.path);
    const tags = info.surrogateKeys.length === 0 ? NO_TAGS : Object.freeze([...info.surrogateKeys]);
    if (ctx.disabled.has(path)) return refuse('disabled', `caching is switched off for ${info.path}.`);
    if (ctx.log.coveredSince(flight.epoch, path, tags))
      return refuse(
        'invalidated-while-rendering',
        `${info.path} was invalidated while it rendered; the next request renders it again.`,
      );
    const owned = ownedResponse(response);
    const entry = this.#keep(
      flight.key,
      path,
      typeof info.ruleset === 'string' ? info.ruleset : '',
      tags,
      owned,
      flight.sharedEpoch,
      undefined,
    );
    if (entry === undefined)
      return refuse(
        'too-large',
        `the response to ${info.path} needs more than maxEntryBytes (${ctx.options.maxEntryBytes}).`,
      );
    entry.group.misses += 1;
    this.#flights.finish(flight, entry.collapsedHit ?? EMPTY);
    const tier = ctx.sharedTier;
    if (tier !== undefined && flight.sharedEpoch !== undefined) {
      const blob = encodeWireEntry({
        key: entry.key,
        kind: 'response',
        path,
        view: entry.view,
        tags,
        freshUntil: Number.isFinite(entry.freshUntil) ? entry.freshUntil : null,
        lastModified: null,
        response: { status: owned.status, headers: owned.headers, storedAt: owned.storedAt },
        payload: owned.body,
      });
      tier.write(entry.key, blob, flight.sharedEpoch, path, tags, entry.lifetimeMs);
    }
  }

  /** Builds and stores an entry; undefined when it is larger than maxEntryBytes. */
  #keep(
    key: string,
    path: string,
    view: string,
    tags: readonly string[],
    response: StoredResponse,
    epoch: number | undefined,
    freshUntilGiven: number | null | undefined,
  ): CacheEntry | undefined {
    const ctx = this.#ctx;
    const { maxAgeMs, staleMs, maxEntryBytes } = ctx.options;
    const size = ENTRY_OVERHEAD_BYTES + stringBytes(key) + headersSize(response.headers) + bytesSize(response.body);
    if (size > maxEntryBytes) return undefined;
    const now = ctx.options.now();
    let freshUntil = maxAgeMs > 0 ? now + maxAgeMs : Number.POSITIVE_INFINITY;
    if (typeof freshUntilGiven === 'number') freshUntil = Math.min(freshUntil, freshUntilGiven);
    const lifetimeMs = Number.isFinite(freshUntil) ? Math.max(1, freshUntil - now + staleMs) : 0;
    const entry = new CacheEntry({
      key,
      kind: 'response',
      group: ctx.store.group('response', path),
      view,
      tags,
      size,
      madeAt: now,
      freshUntil,
      lifetimeMs,
      lastModified: Number.NEGATIVE_INFINITY,
      epoch,
      staleMs,
      response,
      value: undefined,
      bytes: undefined,
    });
    return ctx.store.put(entry) ? entry : undefined;
  }

  #expire(flight: Flight<ResponseCacheLookup>): void {
    if (!this.#flights.finish(flight, EMPTY)) return;
    const ctx = this.#ctx;
    ctx.counters.fillTimeouts += 1;
    ctx.logger.warn(
      `cacheset ram (${ctx.options.name}): a render neither stored nor abandoned its response within fillTimeoutMs (${ctx.options.fillTimeoutMs} ms); waiting requests render themselves.`,
    );
  }

  #badScope(scope: unknown): ResponseCacheLookup {
    this.#ctx.refuse(
      'invalid-key',
      `the response scope ${describeValue(scope)} is not { kind: 'shared' }, { kind: 'user', id, roles? } ` +
        `or { kind: 'roles', roles }, with a non-empty id and string roles (at most 4096 characters in all).`,
    );
    return EMPTY;
  }

  #badKey(key: unknown): ResponseCacheLookup {
    const ctx = this.#ctx;
    ctx.refuse(
      'invalid-key',
      `the response key ${describeValue(typeof key === 'string' ? key.slice(0, 80) : key)} is empty, longer than ${MAX_RESPONSE_KEY_LENGTH} characters, or starts with NUL or U+0001.`,
    );
    return EMPTY;
  }
}
