import { CachesetError, describeValue, isSurrogateKey, parseDuration, resolveLastModified } from '@cacheset/core';
import { DateTime } from 'luxon';
import { FlightTable } from '../coalescing/FlightTable.js';
import type { Flight } from '../coalescing/Flight.js';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { valueKey, viewOf, type ValueKeyParts } from '../keys/valueKey.js';
import { canonicalPath } from '../paths/canonicalPath.js';
import type { Duration } from '../options/RamCacheOptions.js';
import { decodeWireEntry, encodeWireEntry } from '../shared/entryWireFormat.js';
import { decodeValue, encodeValue, type EncodedValue } from '../serialization/encodeValue.js';
import { bytesSize, ENTRY_OVERHEAD_BYTES, stringBytes } from '../serialization/memorySize.js';
import { CacheEntry } from '../store/CacheEntry.js';
import type { CacheContext } from './CacheContext.js';

/** A value-cache call: the key parts, and optionally what the object's modification time is and how long the entry lives. */
export interface ValueOptions extends ValueKeyParts {
  /**
   * When the object last changed (luxon DateTime, Date or epoch ms). Entries made before it are
   * dropped (SCM-5). Default: the object's `ILastModified` adapter when the manager has a container;
   * `null` skips the adapter.
   */
  readonly lastModified?: DateTime | Date | number | null;
  /** Freshness of this entry (seconds or a duration), instead of the manager's `maxAge`. */
  readonly maxAge?: Duration;
  /** Stale-while-revalidate window of this entry, instead of the manager's. */
  readonly staleWhileRevalidate?: Duration;
  /** Tags (surrogate keys) that invalidate the entry, like a response's. */
  readonly tags?: readonly string[];
}

interface Prepared {
  readonly path: string;
  readonly view: string;
  readonly key: string;
  readonly lastModified: number | undefined;
  readonly freshMs: number;
  readonly staleMs: number;
  readonly tags: readonly string[];
}

type Outcome =
  | { readonly kind: 'entry'; readonly entry: CacheEntry }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

const TIMEOUT: Outcome = Object.freeze({ kind: 'timeout' });

function invalidArgument(where: string, message: string, value: unknown): never {
  throw ramError(RamErrorCodes.INVALID_ARGUMENT, `${where}: ${message}`, value);
}

/**
 * The value cache for application code, keyed like RAMCacheManager: object path + view name + the
 * sorted request variables + the sorted keywords. Values are stored as structured-clone bytes and
 * every read returns a fresh copy (strings, numbers, booleans, null and bigints are returned as
 * they are). Bad arguments are typed errors; everything else (a value that cannot be stored, Redis
 * down) is counted and logged, never thrown at the caller.
 */
export class ValueCache {
  readonly #ctx: CacheContext;
  readonly #flights: FlightTable<Outcome>;

  constructor(ctx: CacheContext) {
    this.#ctx = ctx;
    this.#flights = new FlightTable<Outcome>(ctx.options.now, ctx.options.fillTimeoutMs, (flight) => {
      if (this.#flights.finish(flight, TIMEOUT)) ctx.counters.fillTimeouts += 1;
    });
  }

  get inFlight(): number {
    return this.#flights.size;
  }

  /** The key an entry of `target` with these parts is stored under (for debugging and tests). */
  keyOf(target: object | string, options: ValueKeyParts = {}): string {
    const path = canonicalPath(this.#ctx.paths.require(target, 'values.keyOf'));
    return valueKey(path, viewOf(options, 'values.keyOf'), options, this.#ctx.options.requestVariables, 'values.keyOf');
  }

  /** The cached value, or undefined (a miss, an expired entry, caching switched off for the object). */
  async get<T = unknown>(target: object | string, options: ValueOptions = {}): Promise<T | undefined> {
    const p = await this.#prepare(target, options, 'values.get');
    const ctx = this.#ctx;
    if (ctx.closed || ctx.disabled.has(p.path)) return undefined;
    this.#checkModified(p);
    const entry = this.#fresh(p);
    if (entry !== undefined) {
      this.#countHit(entry);
      return read(entry) as T;
    }
    const shared = await this.#fromShared(p, undefined);
    if (shared !== undefined) {
      this.#countHit(shared.entry);
      return read(shared.entry) as T;
    }
    this.#countMiss(p);
    return undefined;
  }

  /**
   * Stores `value`; resolves true when it was stored. A value that cannot be stored faithfully (a
   * function, a symbol, a class instance, undefined, too large) is refused with a logged reason and
   * resolves false: the caller carries on.
   */
  async set(target: object | string, value: unknown, options: ValueOptions = {}): Promise<boolean> {
    const p = await this.#prepare(target, options, 'values.set');
    const ctx = this.#ctx;
    if (ctx.closed || ctx.disabled.has(p.path)) return false;
    return this.#store(p, value, ctx.log.epoch, undefined, false) !== undefined;
  }

  /**
   * The cached value, or `compute()`'s result, stored. Concurrent calls for the same key compute once:
   * the others wait (at most `waitTimeoutMs`, then compute themselves) and get a copy of the stored
   * value. When the computation throws, every caller waiting for it gets that error and nothing is
   * cached. With stale-while-revalidate, an expired entry is returned at once while one background
   * computation refreshes it. (A value that cannot be stored is handed to the waiting callers as it
   * is, not copied.)
   */
  async getOrCompute<T>(
    target: object | string,
    compute: () => T | Promise<T>,
    options: ValueOptions = {},
  ): Promise<T> {
    if (typeof compute !== 'function')
      invalidArgument('values.getOrCompute', `compute must be a function, got ${describeValue(compute)}.`, compute);
    const p = await this.#prepare(target, options, 'values.getOrCompute');
    const ctx = this.#ctx;
    if (ctx.closed || ctx.disabled.has(p.path)) return await compute();
    this.#checkModified(p);
    const entry = ctx.store.get(p.key);
    const now = ctx.options.now();
    if (entry !== undefined && !this.#older(entry, p) && now < entry.staleUntil) {
      if (now < entry.freshUntil) {
        this.#countHit(entry);
        return read(entry) as T;
      }
      // Within the stale window: serve it, refresh once in the background.
      this.#countHit(entry);
      ctx.counters.staleHits += 1;
      if (this.#flights.get(p.key) === undefined) {
        this.#lead(p, compute, this.#flights.start(p.key, ctx.log.epoch)).catch((error: unknown) => {
          ctx.logger.error(
            `cacheset ram (${ctx.options.name}): refreshing a stale value of ${p.path === '' ? '/' : p.path} failed; the stale value is served until it expires. ${error instanceof Error ? error.message : String(error)}`,
            { error },
          );
        });
      }
      return read(entry) as T;
    }
    const running = this.#flights.get(p.key);
    if (running !== undefined) {
      const outcome = await running.wait(ctx.options.waitTimeoutMs, () => TIMEOUT);
      switch (outcome.kind) {
        case 'entry':
          ctx.counters.hits += 1;
          ctx.counters.collapsedHits += 1;
          outcome.entry.hits += 1;
          return read(outcome.entry) as T;
        case 'value':
          ctx.counters.hits += 1;
          ctx.counters.collapsedHits += 1;
          return outcome.value as T;
        case 'error':
          throw outcome.error;
        case 'timeout':
          ctx.counters.waitTimeouts += 1;
          this.#countMiss(p);
          return await compute();
      }
    }
    return await this.#lead(p, compute, this.#flights.start(p.key, ctx.log.epoch));
  }

  /** Abandons every computation's waiters (the manager is closing): they compute for themselves. */
  close(): void {
    this.#flights.finishAll(() => TIMEOUT);
  }

  /** The leader of a flight: the shared tier first, then the computation; settles the flight either way. */
  async #lead<T>(p: Prepared, compute: () => T | Promise<T>, flight: Flight<Outcome>): Promise<T> {
    const ctx = this.#ctx;
    try {
      const shared = await this.#fromShared(p, flight);
      if (shared !== undefined) {
        this.#countHit(shared.entry);
        this.#flights.finish(flight, { kind: 'entry', entry: shared.entry });
        return read(shared.entry) as T;
      }
      this.#countMiss(p);
      let value: T;
      try {
        value = await compute();
      } catch (error) {
        ctx.counters.computeErrors += 1;
        this.#flights.finish(flight, { kind: 'error', error });
        throw error;
      }
      const entry = flight.settled ? undefined : this.#store(p, value, flight.epoch, flight.sharedEpoch, true);
      this.#flights.finish(flight, entry === undefined ? { kind: 'value', value } : { kind: 'entry', entry });
      return value;
    } catch (error) {
      this.#flights.finish(flight, { kind: 'error', error });
      throw error;
    }
  }

  async #prepare(target: object | string, options: ValueOptions, where: string): Promise<Prepared> {
    const ctx = this.#ctx;
    if (typeof options !== 'object' || options === null)
      invalidArgument(where, `expected options, got ${describeValue(options)}.`, options);
    const path = canonicalPath(ctx.paths.require(target, where));
    const view = viewOf(options, where);
    const key = valueKey(path, view, options, ctx.options.requestVariables, where);
    const tags = options.tags ?? [];
    if (!Array.isArray(tags) || !tags.every(isSurrogateKey)) {
      throw ramError(
        RamErrorCodes.INVALID_KEY,
        `${where}: tags must be a list of keys (visible ASCII without spaces or commas), got ${describeValue(tags)}.`,
        tags,
      );
    }
    const freshMs =
      options.maxAge === undefined ? ctx.options.maxAgeMs : durationMs(options.maxAge, `${where}: maxAge`);
    const staleMs =
      options.staleWhileRevalidate === undefined
        ? ctx.options.staleMs
        : durationMs(options.staleWhileRevalidate, `${where}: staleWhileRevalidate`);
    return {
      path,
      view,
      key,
      lastModified: await this.#lastModified(target, options, where),
      freshMs,
      staleMs,
      tags: Object.freeze([...tags]),
    };
  }

  async #lastModified(target: object | string, options: ValueOptions, where: string): Promise<number | undefined> {
    const given = options.lastModified;
    if (given === null) return undefined;
    if (given !== undefined) {
      if (DateTime.isDateTime(given) && given.isValid) return given.toMillis();
      if (given instanceof Date && Number.isFinite(given.getTime())) return given.getTime();
      if (typeof given === 'number' && Number.isFinite(given)) return given;
      throw ramError(
        RamErrorCodes.INVALID_KEY,
        `${where}: lastModified must be a valid luxon DateTime, a Date, epoch milliseconds or null, got ${describeValue(given)}.`,
        given,
      );
    }
    const adapters = this.#ctx.adapters;
    if (adapters === undefined || typeof target !== 'object') return undefined;
    try {
      return (await resolveLastModified(adapters, target))?.toMillis();
    } catch (error) {
      // A broken ILastModified adapter makes the modification time unknown, not the request failed.
      this.#ctx.logger.error(
        `cacheset ram (${this.#ctx.options.name}): ${CachesetError.is(error) ? error.message : String(error)}`,
        { error },
      );
      return undefined;
    }
  }

  /** SCM-5: a modification time newer than the object's drops all of its entries. */
  #checkModified(p: Prepared): void {
    if (p.lastModified === undefined) return;
    const group = this.#ctx.store.existingGroup('value', p.path);
    if (group === undefined || group.lastModified >= p.lastModified) return;
    group.lastModified = p.lastModified;
    for (const entry of group.list()) this.#ctx.store.delete(entry);
  }

  #older(entry: CacheEntry, p: Prepared): boolean {
    return p.lastModified !== undefined && entry.lastModified < p.lastModified;
  }

  #fresh(p: Prepared): CacheEntry | undefined {
    const entry = this.#ctx.store.get(p.key);
    if (entry === undefined || this.#older(entry, p) || entry.freshUntil <= this.#ctx.options.now()) return undefined;
    return entry;
  }

  /** Reads the shared tier; notes its epoch on the flight (for the write that may follow). */
  async #fromShared(p: Prepared, flight: Flight<Outcome> | undefined): Promise<{ entry: CacheEntry } | undefined> {
    const ctx = this.#ctx;
    const tier = ctx.sharedTier;
    if (tier === undefined) return undefined;
    const read = await tier.get(p.key);
    if (flight !== undefined) flight.sharedEpoch = read.epoch;
    if (read.blob === undefined) return undefined;
    const wire = decodeWireEntry(read.blob);
    if (wire === undefined || wire.kind !== 'value' || wire.key !== p.key || wire.primitive === undefined)
      return undefined;
    const now = ctx.options.now();
    if (wire.freshUntil !== null && wire.freshUntil <= now) return undefined;
    if (p.lastModified !== undefined && (wire.lastModified === null || wire.lastModified < p.lastModified))
      return undefined;
    if (flight !== undefined && ctx.log.coveredSince(flight.epoch, p.path, wire.tags)) return undefined;
    const encoded: EncodedValue = { ok: true, bytes: wire.payload, primitive: wire.primitive };
    const entry = this.#keep(
      p,
      encoded,
      wire.lastModified ?? undefined,
      undefined,
      wire.freshUntil ?? Number.POSITIVE_INFINITY,
      wire.tags,
    );
    return entry === undefined ? undefined : { entry };
  }

  /** Encodes and stores a value; undefined (counted, logged) when it is refused. */
  #store(
    p: Prepared,
    value: unknown,
    epoch: number,
    sharedEpoch: number | undefined,
    computed: boolean,
  ): CacheEntry | undefined {
    const ctx = this.#ctx;
    const where = `${p.path === '' ? '/' : p.path}${p.view === '' ? '' : ` (${p.view})`}`;
    const encoded = encodeValue(value);
    if (!encoded.ok) {
      ctx.refuse(value === undefined ? 'undefined' : 'unserializable', `the value for ${where}: ${encoded.reason}.`);
      return undefined;
    }
    const group = ctx.store.existingGroup('value', p.path);
    if (p.lastModified !== undefined && group !== undefined && p.lastModified < group.lastModified) {
      ctx.refuse(
        'invalidated-while-rendering',
        `the value for ${where} was made from a version older than the object's latest.`,
      );
      return undefined;
    }
    if (computed && ctx.log.coveredSince(epoch, p.path, p.tags)) {
      ctx.refuse('invalidated-while-rendering', `${where} was invalidated while its value was computed.`);
      return undefined;
    }
    const now = ctx.options.now();
    const freshUntil = p.freshMs > 0 ? now + p.freshMs : Number.POSITIVE_INFINITY;
    const entry = this.#keep(p, encoded, p.lastModified, sharedEpoch, freshUntil, p.tags);
    if (entry === undefined) {
      ctx.refuse('too-large', `the value for ${where} needs more than maxEntryBytes (${ctx.options.maxEntryBytes}).`);
      return undefined;
    }
    const tier = ctx.sharedTier;
    // A computed value whose computation started while the shared epoch was unknown (Redis away)
    // stays local: written as of "now" it could hide an invalidation made while it was computed.
    if (tier !== undefined && !(computed && sharedEpoch === undefined)) {
      const blob = encodeWireEntry({
        key: p.key,
        kind: 'value',
        path: p.path,
        view: p.view,
        tags: p.tags,
        freshUntil: Number.isFinite(freshUntil) ? freshUntil : null,
        lastModified: p.lastModified ?? null,
        primitive: encoded.primitive,
        payload: encoded.bytes,
      });
      tier.write(p.key, blob, sharedEpoch, p.path, p.tags, entry.lifetimeMs);
    }
    return entry;
  }

  #keep(
    p: Prepared,
    encoded: EncodedValue,
    lastModified: number | undefined,
    sharedEpoch: number | undefined,
    freshUntil: number,
    tags: readonly string[],
  ): CacheEntry | undefined {
    const ctx = this.#ctx;
    const size =
      ENTRY_OVERHEAD_BYTES +
      stringBytes(p.key) +
      (encoded.primitive ? encoded.bytes.byteLength : bytesSize(encoded.bytes));
    if (size > ctx.options.maxEntryBytes) return undefined;
    const now = ctx.options.now();
    const group = ctx.store.group('value', p.path);
    if (lastModified !== undefined && lastModified > group.lastModified) group.lastModified = lastModified;
    const entry = new CacheEntry({
      key: p.key,
      kind: 'value',
      group,
      view: p.view,
      tags,
      size,
      madeAt: now,
      freshUntil,
      lifetimeMs: Number.isFinite(freshUntil) ? Math.max(1, freshUntil - now + p.staleMs) : 0,
      lastModified: lastModified ?? Number.NEGATIVE_INFINITY,
      epoch: sharedEpoch,
      staleMs: p.staleMs,
      response: undefined,
      value: encoded.primitive ? decodeValue(encoded.bytes) : undefined,
      bytes: encoded.primitive ? undefined : encoded.bytes,
    });
    return ctx.store.put(entry) ? entry : undefined;
  }

  #countHit(entry: CacheEntry): void {
    entry.hits += 1;
    this.#ctx.counters.hits += 1;
  }

  #countMiss(p: Prepared): void {
    this.#ctx.counters.misses += 1;
    this.#ctx.store.group('value', p.path).misses += 1;
  }
}

function read(entry: CacheEntry): unknown {
  return entry.bytes === undefined ? entry.value : decodeValue(entry.bytes);
}

function durationMs(value: Duration, where: string): number {
  try {
    return parseDuration(value) * 1000;
  } catch (error) {
    throw ramError(
      RamErrorCodes.INVALID_ARGUMENT,
      `${where}: ${CachesetError.is(error) ? error.message : String(error)}`,
      value,
      error,
    );
  }
}
