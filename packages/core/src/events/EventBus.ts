import { EventEmitter } from 'eventemitter3';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { consoleLogger, type CachesetLogger } from '../logging/CachesetLogger.js';
import { describeValue } from '../names/dottedName.js';
import { currentUnitOfWork } from '../unitOfWork/UnitOfWork.js';
import { installPurgeRedispatch } from './purgeRedispatch.js';

/** Any event class; events are plain class instances. */
export type EventClass<E extends object> = abstract new (...args: never[]) => E;

export type EventListener<E> = (event: E) => void | Promise<void>;

export interface EventBusOptions {
  /** Where listener failures are reported. Default: the console. */
  readonly logger?: CachesetLogger;
  /** Re-fire lifecycle events of `IPurgeable` objects as `Purge` (z3c.caching's handlers). Default: true. */
  readonly purgeRedispatch?: boolean;
}

/**
 * The event channel between domain code and cache plugins. `notify(event)` calls, synchronously, every
 * listener subscribed to the event's class or to any of its base classes (most specific first).
 * A listener that throws, or whose promise rejects, is reported and counted; it never breaks the
 * emitter, the other listeners or the caller of `notify`.
 *
 * @example
 * const bus = new EventBus();
 * bus.subscribe(Purge, (event) => ramCache.invalidate(event.object));
 * bus.notify(new Purge(page));
 */
export class EventBus {
  readonly #emitter = new EventEmitter();
  readonly #channels = new WeakMap<object, symbol>();
  readonly #logger: CachesetLogger;
  readonly #redispatch: boolean;
  #failures = 0;

  constructor(options: EventBusOptions = {}) {
    this.#logger = options.logger ?? consoleLogger;
    this.#redispatch = options.purgeRedispatch ?? true;
    if (this.#redispatch) installPurgeRedispatch(this);
  }

  /** Calls `listener` for every event of `eventClass` or a subclass. Returns the unsubscribe function. */
  subscribe<E extends object>(eventClass: EventClass<E>, listener: EventListener<E>): () => void {
    if (typeof eventClass !== 'function' || typeof (eventClass as { prototype?: unknown }).prototype !== 'object') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `subscribe: expected an event class such as Purge, got ${describeValue(eventClass)}.`,
        { details: { value: eventClass } },
      );
    }
    if (typeof listener !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `subscribe(${eventClass.name}): expected a listener function, got ${describeValue(listener)}.`,
        { details: { value: listener } },
      );
    }
    const channel = this.#channel(eventClass);
    const guarded = (event: E): void => {
      try {
        const result: unknown = listener(event);
        if (
          typeof result === 'object' &&
          result !== null &&
          typeof (result as { then?: unknown }).then === 'function'
        ) {
          (result as Promise<unknown>).then(undefined, (error: unknown) => this.#report(error, event, listener));
        }
      } catch (error) {
        this.#report(error, event, listener);
      }
    };
    this.#emitter.on(channel, guarded);
    return () => {
      this.#emitter.off(channel, guarded);
    };
  }

  /** Delivers `event` to the listeners of its class and of each base class. */
  notify(event: object): void {
    if (typeof event !== 'object' || event === null) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_EVENT,
        `notify: expected an event object such as new Purge(page), got ${describeValue(event)}.`,
        { details: { value: event } },
      );
    }
    // An explained request runs in a dry unit: its events change nothing anywhere.
    const unit = currentUnitOfWork();
    if (unit !== undefined && unit.dry) {
      unit.suppress(event);
      return;
    }
    let proto: object | null = Object.getPrototypeOf(event) as object | null;
    while (proto !== null) {
      const ctor: unknown = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
      const channel = typeof ctor === 'function' ? this.#channels.get(ctor) : undefined;
      if (channel !== undefined) this.#emitter.emit(channel, event);
      proto = Object.getPrototypeOf(proto) as object | null;
    }
  }

  /** Listeners subscribed to exactly `eventClass`. */
  listenerCount(eventClass: EventClass<object>): number {
    const channel = this.#channels.get(eventClass);
    return channel === undefined ? 0 : this.#emitter.listenerCount(channel);
  }

  /** How many listener calls have failed since the bus was created. */
  get listenerFailures(): number {
    return this.#failures;
  }

  /** Removes every listener (the purge redispatch comes back if it was on). */
  clear(): void {
    this.#emitter.removeAllListeners();
    if (this.#redispatch) installPurgeRedispatch(this);
  }

  #channel(eventClass: object): symbol {
    let channel = this.#channels.get(eventClass);
    if (channel === undefined) {
      channel = Symbol((eventClass as { name?: string }).name ?? 'event');
      this.#channels.set(eventClass, channel);
    }
    return channel;
  }

  #report(error: unknown, event: object, listener: EventListener<never>): void {
    this.#failures += 1;
    try {
      const eventName =
        (Object.getPrototypeOf(event) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'event';
      this.#logger.error(
        `cacheset: a listener for ${eventName} failed; the other listeners and the caller carried on.`,
        {
          event: eventName,
          listener: listener.name || '(anonymous)',
          error,
        },
      );
    } catch {
      // A broken logger must not turn a reported failure into a thrown one.
    }
  }
}
