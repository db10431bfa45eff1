import { AsyncLocalStorage } from 'node:async_hooks';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { consoleLogger, type CachesetLogger } from '../logging/CachesetLogger.js';
import { describeValue } from '../names/dottedName.js';

export type UnitOfWorkState = 'open' | 'committed' | 'aborted';

type Callback = (unit: UnitOfWork) => void | Promise<void>;

/** Returned when there is nothing to wait for: one shared promise, not one per request. */
const SETTLED: Promise<void> = Promise.resolve();

export interface UnitOfWorkOptions {
  /** What the unit is, for logs: 'GET /images/cat', 'nightly import'; a function is called only when needed. */
  readonly label?: string | (() => string);
  /** Where failing commit/abort callbacks are reported. Default: the console. */
  readonly logger?: CachesetLogger;
}

/**
 * One piece of work whose side effects on caches happen together, after it succeeded: an HTTP
 * request (the HTTP adapters open and close one per request) or a scope that a script or queue
 * consumer opens with `runInUnitOfWork`. Plugins keep per-unit state with `state()` and act in
 * `onCommit` (the purge queue sends its purges there) or `onAbort`.
 *
 * The current unit follows async calls (AsyncLocalStorage), so domain code deep inside a request can
 * fire a `Purge` without holding the request.
 */
export class UnitOfWork {
  #label: string | (() => string);
  readonly #logger: CachesetLogger;
  // Created on first use: most requests never register anything, and a unit is opened per request.
  #state: Map<symbol, unknown> | undefined;
  #onCommit: Callback[] | undefined;
  #onAbort: Callback[] | undefined;
  #status: UnitOfWorkState = 'open';
  #reason: unknown;

  constructor(options: UnitOfWorkOptions = {}) {
    this.#label = options.label ?? 'unit of work';
    this.#logger = options.logger ?? consoleLogger;
  }

  /** What the unit is, for logs. */
  get label(): string {
    if (typeof this.#label === 'function') this.#label = this.#label();
    return this.#label;
  }

  get status(): UnitOfWorkState {
    return this.#status;
  }

  /** Whether anything is registered to run at commit or abort (most requests register nothing). */
  get hasWork(): boolean {
    return this.#onCommit !== undefined || this.#onAbort !== undefined;
  }

  /** Why the unit was aborted, when it was. */
  get abortReason(): unknown {
    return this.#reason;
  }

  /** Per-unit state of one participant, created on first use. */
  state<T>(key: symbol, create: () => T): T {
    const state = (this.#state ??= new Map());
    if (state.has(key)) return state.get(key) as T;
    const value = create();
    state.set(key, value);
    return value;
  }

  /** Runs `callback` when the unit commits. Throws `ERR_CACHESET_UNIT_CLOSED` once the unit is closed. */
  onCommit(callback: Callback): void {
    this.#assertOpen('onCommit', callback);
    (this.#onCommit ??= []).push(callback);
  }

  /** Runs `callback` when the unit aborts. Throws `ERR_CACHESET_UNIT_CLOSED` once the unit is closed. */
  onAbort(callback: Callback): void {
    this.#assertOpen('onAbort', callback);
    (this.#onAbort ??= []).push(callback);
  }

  /** Runs `fn` with this unit as the current one (for it and everything it calls, sync or async). */
  run<T>(fn: () => T): T {
    return storage().run(this, fn);
  }

  /**
   * Closes the unit as successful and runs the commit callbacks in order. A failing callback is
   * reported and does not stop the others. Closing twice does nothing.
   */
  commit(): Promise<void> {
    if (this.#status !== 'open') return SETTLED;
    this.#status = 'committed';
    return this.#onCommit === undefined ? SETTLED : this.#runAll(this.#onCommit, 'commit');
  }

  /** Closes the unit as failed: commit callbacks never run; abort callbacks do. */
  abort(reason?: unknown): Promise<void> {
    if (this.#status !== 'open') return SETTLED;
    this.#status = 'aborted';
    this.#reason = reason;
    return this.#onAbort === undefined ? SETTLED : this.#runAll(this.#onAbort, 'abort');
  }

  #assertOpen(what: string, callback: unknown): void {
    if (typeof callback !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `UnitOfWork.${what}: expected a function, got ${describeValue(callback)}.`,
      );
    }
    if (this.#status !== 'open') {
      throw new CachesetError(
        CoreErrorCodes.UNIT_CLOSED,
        `UnitOfWork.${what}: '${this.label}' is already ${this.#status}; work for it must be registered while it is open.`,
      );
    }
  }

  async #runAll(callbacks: readonly Callback[], phase: string): Promise<void> {
    for (const callback of callbacks) {
      try {
        await callback(this);
      } catch (error) {
        try {
          this.#logger.error(
            `cacheset: ${phase === 'abort' ? 'an' : 'a'} ${phase} callback of '${this.label}' failed; the others still ran.`,
            { error, unit: this.label },
          );
        } catch {
          // A broken logger must not turn a reported failure into a thrown one.
        }
      }
    }
  }
}

const storageKey = Symbol.for('@cacheset/core/unitOfWorkStorage@1');
const holder = globalThis as { [storageKey]?: AsyncLocalStorage<UnitOfWork> };

function storage(): AsyncLocalStorage<UnitOfWork> {
  return (holder[storageKey] ??= new AsyncLocalStorage<UnitOfWork>());
}

/** The unit of work the calling code runs in, if any. */
export function currentUnitOfWork(): UnitOfWork | undefined {
  return storage().getStore();
}

/**
 * Runs `fn` in a unit of work and closes it: committed when `fn` returns (or resolves), aborted when it
 * throws (or rejects), and the error re-thrown. Called inside an open unit, it joins that unit instead
 * of opening another (like a nested transaction): the outer unit decides.
 *
 * @example
 * await runInUnitOfWork(async () => {
 *   await importImages();            // fires Purge events
 * }, { label: 'nightly import' });   // the purges are sent here, once each
 */
export async function runInUnitOfWork<T>(fn: () => T | Promise<T>, options: UnitOfWorkOptions = {}): Promise<T> {
  const outer = currentUnitOfWork();
  if (outer !== undefined && outer.status === 'open') return await fn();
  const unit = new UnitOfWork(options);
  let result: T;
  try {
    result = await unit.run(fn);
  } catch (error) {
    await unit.abort(error);
    throw error;
  }
  await unit.commit();
  return result;
}
