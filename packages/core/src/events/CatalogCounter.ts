import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';
import { currentUnitOfWork } from '../unitOfWork/UnitOfWork.js';
import { getDefaultBus } from './defaultBus.js';
import type { EventBus } from './EventBus.js';
import { ObjectModifiedEvent, ObjectMovedEvent } from './lifecycleEvents.js';
import { Purge } from './Purge.js';

export type CatalogCounterListener = (value: number) => void;

// One table per process, shared by every copy of this package, as the default bus is.
const countersKey = Symbol.for('cacheset.core.catalogCounters@1');
const holder = globalThis as { [countersKey]?: WeakMap<EventBus, CatalogCounter> };
const counters = (holder[countersKey] ??= new WeakMap<EventBus, CatalogCounter>());

/**
 * A number that changes whenever any content changes, after plone.app.caching's `catalogCounter`:
 * an ETag built from it (the `catalogCounter` ETag component of @cacheset/http) changes with every
 * edit anywhere, which is what a page that lists content needs, since no single object's
 * modification time tells when the list changed.
 *
 * It counts the content events on its bus: `ObjectModifiedEvent`, every `ObjectMovedEvent` (adds,
 * removals, renames and moves) and `Purge`. A change inside a unit of work counts at once and once
 * more when the unit commits: a page rendered between the two from data the unit had not committed
 * yet does not keep a current-looking ETag.
 *
 * The value is read synchronously and never goes backwards in a process. It starts at the clock
 * (milliseconds since the epoch) and a change sets it to at least the clock, so a restarted process
 * does not hand out a value that an earlier run used for other content. With the Redis tier of
 * @cacheset/ram it is shared: every process's counter follows the highest value any process reached.
 */
export class CatalogCounter {
  #value = Date.now();
  #listeners: CatalogCounterListener[] = [];
  readonly #unitKey = Symbol('cacheset.core.catalogCountedAtCommit');

  /**
   * Prefer `catalogCounterOf(bus)`. A bus has one counter, so that every plugin reads the same one:
   * a second `new CatalogCounter(bus)` throws `ERR_CACHESET_INVALID_ARGUMENT`.
   */
  constructor(bus: EventBus) {
    if (typeof (bus as { subscribe?: unknown } | null)?.subscribe !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `CatalogCounter: expected an EventBus, got ${describeValue(bus)}.`,
        { details: { value: bus } },
      );
    }
    if (counters.has(bus)) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        'CatalogCounter: this bus already has a catalog counter; use catalogCounterOf(bus) to get it.',
      );
    }
    counters.set(bus, this);
    const changed = (): void => this.#changed();
    bus.subscribe(ObjectModifiedEvent, changed);
    bus.subscribe(ObjectMovedEvent, changed);
    bus.subscribe(Purge, changed);
  }

  /** The current value (synchronous: an ETag component reads it on every request). */
  value(): number {
    return this.#value;
  }

  /** Counts a change now and tells the listeners; returns the new value. */
  bump(): number {
    this.#value = Math.max(this.#value + 1, Date.now());
    const value = this.#value;
    for (const listener of this.#listeners) {
      try {
        listener(value);
      } catch {
        // A listener (the shared tier) reports its own failures; it must not break the edit.
      }
    }
    return value;
  }

  /** Raises the value to one seen elsewhere (another process); never lowers it. Returns whether it rose. */
  advanceTo(value: number): boolean {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= this.#value) return false;
    this.#value = value;
    return true;
  }

  /** Calls `listener` with the new value after every local change (the shared tier sends it on). */
  onBump(listener: CatalogCounterListener): () => void {
    if (typeof listener !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `CatalogCounter.onBump: expected a function, got ${describeValue(listener)}.`,
      );
    }
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #changed(): void {
    this.bump();
    const unit = currentUnitOfWork();
    if (unit === undefined || unit.status !== 'open') return;
    unit.state(this.#unitKey, () => {
      // Run inside the unit: what the listeners start (the shared tier's write) is work it waits for.
      unit.onCommit((committed) => void committed.run(() => this.bump()));
      return true;
    });
  }
}

/**
 * The catalog counter of `bus` (default: the default bus), created on first use. The `catalogCounter`
 * ETag component of @cacheset/http and the Redis tier of @cacheset/ram both use the counter of the
 * bus they are given, so they agree without being wired to each other.
 */
export function catalogCounterOf(bus: EventBus = getDefaultBus()): CatalogCounter {
  return counters.get(bus) ?? new CatalogCounter(bus);
}
