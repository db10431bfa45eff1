type Waiter<R> = (result: R) => void;

/**
 * One key being rendered or computed by one request while others wait for it (request coalescing,
 * cache-manager's `coalesceAsync`, Varnish's request collapsing). Every waiter has its own deadline:
 * when the render takes too long it stops waiting and renders itself, so a slow or stuck render
 * never holds more than one request hostage for longer than the wait timeout.
 */
export class Flight<R> {
  readonly key: string;
  /** The local invalidation epoch when the render started: a store after a matching invalidation is refused. */
  readonly epoch: number;
  /** The shared tier's epoch when the render started, once known (undefined: the entry stays local). */
  sharedEpoch: number | undefined;
  /** When it started (epoch ms), for the sweep that drops renders that never report back. */
  readonly startedAt: number;
  #settled = false;
  /** Made when the first request waits: most flights have no waiters. */
  #waiters: Set<Waiter<R>> | undefined;

  constructor(key: string, epoch: number, startedAt: number) {
    this.key = key;
    this.epoch = epoch;
    this.startedAt = startedAt;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Waits for the outcome; after `timeoutMs`, resolves with `onTimeout()` instead. */
  wait(timeoutMs: number, onTimeout: () => R): Promise<R> {
    return new Promise<R>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters?.delete(waiter);
        resolve(onTimeout());
      }, timeoutMs);
      timer.unref();
      const waiter: Waiter<R> = (result) => {
        clearTimeout(timer);
        resolve(result);
      };
      (this.#waiters ??= new Set()).add(waiter);
    });
  }

  /** Ends the flight: every waiter gets `result`. Only the first call counts. */
  settle(result: R): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (waiters !== undefined) for (const waiter of waiters) waiter(result);
    return true;
  }
}
