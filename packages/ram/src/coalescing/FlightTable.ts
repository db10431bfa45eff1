import { Flight } from './Flight.js';

/**
 * The flights in progress, by key; a settled flight leaves the table. Flights that never report
 * back are dropped by one periodic sweep rather than a timer each: a miss must not cost a timer.
 */
export class FlightTable<R> {
  readonly #flights = new Map<string, Flight<R>>();
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  readonly #onExpire: (flight: Flight<R>) => void;
  #sweeper: NodeJS.Timeout | undefined;

  /** `onExpire` is called for a flight still unsettled `maxAgeMs` after it started; it should finish it. */
  constructor(now: () => number, maxAgeMs: number, onExpire: (flight: Flight<R>) => void) {
    this.#now = now;
    this.#maxAgeMs = maxAgeMs;
    this.#onExpire = onExpire;
  }

  get(key: string): Flight<R> | undefined {
    return this.#flights.get(key);
  }

  /** Starts a flight for `key` (the caller checked there is none). */
  start(key: string, epoch: number): Flight<R> {
    const flight = this.detached(key, epoch);
    this.#flights.set(key, flight);
    if (this.#sweeper === undefined) {
      this.#sweeper = setInterval(() => this.#sweep(), Math.max(5, Math.min(1_000, Math.floor(this.#maxAgeMs / 4))));
      this.#sweeper.unref();
    }
    return flight;
  }

  /** A flight nobody can join (its result is stored, but nobody waits for it). */
  detached(key: string, epoch: number): Flight<R> {
    return new Flight<R>(key, epoch, this.#now());
  }

  /** Settles `flight` and removes it, if it is still the table's flight for its key. */
  finish(flight: Flight<R>, result: R): boolean {
    if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key);
    return flight.settle(result);
  }

  get size(): number {
    return this.#flights.size;
  }

  /** Settles every flight with `result(flight)` and stops the sweep (the manager is closing). */
  finishAll(result: (flight: Flight<R>) => R): void {
    const flights = [...this.#flights.values()];
    this.#flights.clear();
    this.#stopSweeping();
    for (const flight of flights) flight.settle(result(flight));
  }

  #sweep(): void {
    if (this.#flights.size === 0) {
      this.#stopSweeping();
      return;
    }
    const deadline = this.#now() - this.#maxAgeMs;
    for (const flight of [...this.#flights.values()]) if (flight.startedAt <= deadline) this.#onExpire(flight);
  }

  #stopSweeping(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
