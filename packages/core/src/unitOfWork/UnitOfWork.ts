import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { consoleLogger, type CachesetLogger } from '../logging/CachesetLogger.js';
import { describeValue } from '../names/dottedName.js';
import { PendingWork } from './PendingWork.js';
import {
  holdUnitStorage,
  holdUnitStorageUntilCollected,
  releaseUnitStorage,
  unitStorage,
  UnitCell,
} from './unitStorage.js';

export type UnitOfWorkState = 'open' | 'committed' | 'aborted';

type Callback = (unit: UnitOfWork) => void | Promise<void>;
type FirstWorkListener = (unit: UnitOfWork) => void;

/** Returned when there is nothing to wait for: one shared promise, not one per request. */
const SETTLED: Promise<void> = Promise.resolve();

/** How long a unit waits for one piece of in-process work by default (`workTimeoutMs`). */
export const DEFAULT_WORK_TIMEOUT_MS = 5_000;

export interface UnitOfWorkOptions {
  /** What the unit is, for logs: 'GET /images/cat', 'nightly import'; a function is called only when needed. */
  readonly label?: string | (() => string);
  /** Where failing commit/abort callbacks and failing or overdue work are reported. Default: the console. */
  readonly logger?: CachesetLogger;
  /**
   * How long the unit waits for one piece of work registered with `waitFor` before it goes on without
   * it (the work is reported as overdue and continues in the background). Default 5000 ms.
   */
  readonly workTimeoutMs?: number;
  /**
   * A dry unit (an explained request): events fired inside it are not delivered (nothing is purged
   * or invalidated, in this process or any other), and closing it runs no commit or abort callback.
   */
  readonly dry?: boolean;
}

/**
 * One piece of work whose side effects on caches happen together, after it succeeded: an HTTP
 * request (the HTTP adapters open and close one per request) or a scope that a script or queue
 * consumer opens with `runInUnitOfWork`. Plugins keep per-unit state with `state()` and act in
 * `onCommit` (the purge queue sends its purges there) or `onAbort`.
 *
 * The current unit follows async calls (AsyncLocalStorage), so domain code deep inside a request can
 * fire a `Purge` without holding the request.
 *
 * In-process invalidation is part of the unit: participants register the work a `Purge` started
 * (deleting dumped files, recording the invalidation in Redis) with `waitFor`, and the unit is done
 * only when that work is. Closing a unit (`commit()` or `abort()`) goes in this order:
 *   1. the unit closes: `onCommit` / `onAbort` throw from now on;
 *   2. the work registered with `waitFor` settles (each piece bounded by `workTimeoutMs`);
 *   3. the commit (or abort) callbacks run, in order (the purge queue sends proxy purges here);
 *   4. work those callbacks registered settles; then the promise resolves and `finished` is true.
 * The HTTP adapters also hold a response's last bytes back until the work registered so far settled.
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
  readonly #workTimeoutMs: number;
  #work: PendingWork | undefined;
  // One listener in the usual case (the HTTP adapter's), so no array per request.
  #onFirstWork: FirstWorkListener | FirstWorkListener[] | undefined;
  #closing: Promise<void> | undefined;
  #finished = false;
  /**
   * What the storage holds while this unit's code runs (see UnitCell), made by the first `run`, which
   * also takes a hold on the storage: the hold lasts until the unit finished.
   */
  #cell: UnitCell | undefined;
  readonly #dry: boolean;
  #suppressed: string[] | undefined;

  constructor(options: UnitOfWorkOptions = {}) {
    this.#label = options.label ?? 'unit of work';
    this.#logger = options.logger ?? consoleLogger;
    const timeout = options.workTimeoutMs ?? DEFAULT_WORK_TIMEOUT_MS;
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `UnitOfWork: workTimeoutMs must be a positive number of milliseconds, got ${describeValue(timeout)}.`,
        { details: { value: timeout } },
      );
    }
    this.#workTimeoutMs = timeout;
    this.#dry = options.dry === true;
  }

  /** Whether the unit is dry: its events are not delivered and it closes without callbacks. */
  get dry(): boolean {
    return this.#dry;
  }

  /** The names of the events a dry unit did not deliver, in order. */
  get suppressedEvents(): readonly string[] {
    return this.#suppressed ?? [];
  }

  /** Notes an event that was not delivered because the unit is dry (the event bus calls it). */
  suppress(event: object): void {
    const name = (Object.getPrototypeOf(event) as { constructor?: { name?: string } } | null)?.constructor?.name;
    (this.#suppressed ??= []).push(name ?? 'event');
  }

  /** What the unit is, for logs. */
  get label(): string {
    if (typeof this.#label === 'function') this.#label = this.#label();
    return this.#label;
  }

  get status(): UnitOfWorkState {
    return this.#status;
  }

  /**
   * Whether anything is registered to run at commit or abort, or in-process work is pending (most
   * requests register nothing).
   */
  get hasWork(): boolean {
    return this.#onCommit !== undefined || this.#onAbort !== undefined || this.hasPendingWork;
  }

  /** Whether work registered with `waitFor` is still running (and not yet given up on). */
  get hasPendingWork(): boolean {
    return this.#work !== undefined && this.#work.size > 0;
  }

  /** True once `commit()` or `abort()` has resolved: the unit waits for nothing more. */
  get finished(): boolean {
    return this.#finished;
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

  /**
   * Registers in-process work the unit must wait for: it is done only once `work` settled (or ran
   * past `workTimeoutMs`), and an HTTP response of the unit keeps its last bytes until then. For
   * work a participant started on the unit's behalf, such as deleting the files of a purged page; a
   * failure is reported (`ERR_CACHESET_WORK_FAILED`), never thrown. Allowed until the unit is
   * `finished` (commit callbacks may register more); afterwards it throws `ERR_CACHESET_UNIT_CLOSED`.
   * Code that may run outside any unit uses `trackWork` instead.
   */
  waitFor(work: PromiseLike<unknown>, label = 'in-process work'): void {
    if (typeof (work as { then?: unknown } | null)?.then !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `UnitOfWork.waitFor: expected a promise, got ${describeValue(work)}.`,
        { details: { value: work } },
      );
    }
    this.#register('waitFor', (pending) => pending.add(work, label, this.#logger));
  }

  #register(what: string, add: (work: PendingWork) => void): void {
    if (this.#finished) {
      throw new CachesetError(
        CoreErrorCodes.UNIT_CLOSED,
        `UnitOfWork.${what}: '${this.label}' has finished; register work while it is open or closing, ` +
          'or use trackWork(), which falls back to work outside any unit.',
      );
    }
    const first = this.#work === undefined;
    add((this.#work ??= new PendingWork(this.#workTimeoutMs, () => `the unit of work '${this.label}'`)));
    if (!first || this.#onFirstWork === undefined) return;
    const listeners = this.#onFirstWork;
    this.#onFirstWork = undefined;
    if (typeof listeners === 'function') this.#callSafely(listeners);
    else for (const listener of listeners) this.#callSafely(listener);
  }

  /**
   * Like `waitFor`, for work that must begin only after the unit's other work has settled (or passed
   * its deadline): `start` is called then, and the unit waits for what it returns. The purge queue's
   * synchronous mode sends proxy purges this way, once the dumped files and the RAM copies they would
   * re-fetch are gone. Pieces registered this way do not wait for one another. Same rules as `waitFor`.
   */
  waitForAfterOtherWork(start: () => PromiseLike<unknown>, label = 'in-process work'): void {
    if (typeof start !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `UnitOfWork.waitForAfterOtherWork: expected a function, got ${describeValue(start)}.`,
        { details: { value: start } },
      );
    }
    this.#register('waitForAfterOtherWork', (work) => work.addLast(start, label, this.#logger));
  }

  /**
   * Calls `listener` once, when work is first registered with `waitFor` (at once if some already
   * was): the HTTP adapters hold their response back from then on, so a request that purges nothing
   * pays nothing.
   */
  onFirstWork(listener: FirstWorkListener): void {
    if (typeof listener !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ARGUMENT,
        `UnitOfWork.onFirstWork: expected a function, got ${describeValue(listener)}.`,
      );
    }
    const waiting = this.#onFirstWork;
    if (this.#work !== undefined) this.#callSafely(listener);
    else if (waiting === undefined) this.#onFirstWork = listener;
    else this.#onFirstWork = typeof waiting === 'function' ? [waiting, listener] : [...waiting, listener];
  }

  /**
   * Resolves when the work registered with `waitFor` so far, and any registered meanwhile, has
   * settled or passed its deadline. Never rejects.
   */
  settled(): Promise<void> {
    return this.#work === undefined || this.#work.size === 0 ? SETTLED : this.#work.settled();
  }

  /** Runs `fn` with this unit as the current one (for it and everything it calls, sync or async). */
  run<T>(fn: () => T): T {
    // A finished unit that runs again is current for that code alone, and takes no hold.
    if (this.#finished) return unitStorage().run(new UnitCell(this), fn);
    if (this.#cell === undefined) {
      this.#cell = new UnitCell(this);
      if (this.#dry) holdUnitStorageUntilCollected(this);
      else holdUnitStorage();
    }
    return unitStorage().run(this.#cell, fn);
  }

  /**
   * Closes the unit as successful: waits for its in-process work, runs the commit callbacks in order,
   * then waits for the work they started (see the class comment). A failing callback is reported and
   * does not stop the others. Closing again returns the first close's promise.
   */
  commit(): Promise<void> {
    if (this.#status !== 'open') return this.#closing ?? SETTLED;
    this.#status = 'committed';
    return this.#close(this.#onCommit, 'commit');
  }

  /** Closes the unit as failed: commit callbacks never run; abort callbacks do, after the work settled. */
  abort(reason?: unknown): Promise<void> {
    if (this.#status !== 'open') return this.#closing ?? SETTLED;
    this.#status = 'aborted';
    this.#reason = reason;
    return this.#close(this.#onAbort, 'abort');
  }

  #close(given: readonly Callback[] | undefined, phase: string): Promise<void> {
    // A dry unit is discarded: whatever was registered for its close does not run.
    const callbacks = this.#dry ? undefined : given;
    // Most requests register nothing: no promise, no async function call.
    if (callbacks === undefined && !this.hasPendingWork) {
      this.#finish();
      return SETTLED;
    }
    return (this.#closing = this.#closeAfterWork(callbacks, phase));
  }

  async #closeAfterWork(callbacks: readonly Callback[] | undefined, phase: string): Promise<void> {
    try {
      await this.settled();
      if (callbacks !== undefined) await this.#runAll(callbacks, phase);
      await this.settled();
    } finally {
      this.#finish();
    }
  }

  #finish(): void {
    this.#finished = true;
    // A dry unit stays in its cell, so that what its code fires late is still suppressed; its hold
    // goes when the unit is collected (see holdUnitStorageUntilCollected).
    if (this.#dry || this.#cell === undefined) return;
    // Async resources its code created (a socket's keep-alive timer...) keep the cell, not the unit.
    this.#cell.unit = undefined;
    releaseUnitStorage();
  }

  #callSafely(listener: FirstWorkListener): void {
    try {
      listener(this);
    } catch (error) {
      try {
        this.#logger.error(`cacheset: an onFirstWork listener of '${this.label}' failed.`, { error, unit: this.label });
      } catch {
        // A broken logger must not turn a reported failure into a thrown one.
      }
    }
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

/** The unit of work the calling code runs in, if any. */
export function currentUnitOfWork(): UnitOfWork | undefined {
  return unitStorage().getStore()?.unit;
}

/**
 * Runs `fn` in a unit of work and closes it: committed when `fn` returns (or resolves), aborted when it
 * throws (or rejects), and the error re-thrown. It resolves (or rejects) only once the unit is
 * finished: the in-process invalidation its purges started is done. Called inside an open unit, it
 * joins that unit instead of opening another (like a nested transaction): the outer unit decides.
 *
 * @example
 * await runInUnitOfWork(async () => {
 *   await importImages();            // fires Purge events
 * }, { label: 'nightly import' });   // dumps and RAM copies are gone here; proxy purges sent once each
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
