import { PurgeBatch } from './PurgeBatch.js';

/**
 * Committed batches on their way to the proxies. Batches committed in the same turn of the event loop
 * are merged and handed over together on the next turn (`setImmediate`): under load, dozens of requests
 * commit per turn, often purging the same pages, and one merged, de-duplicated batch costs far less to
 * turn into requests than one batch per request. The delay is one turn of the event loop; the purges
 * still leave after each response has finished.
 */
export class Outbox<Result> {
  readonly #send: (batch: PurgeBatch) => Promise<Result>;
  #batch: PurgeBatch | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #result: { promise: Promise<Result>; resolve(result: Promise<Result>): void } | undefined;

  constructor(send: (batch: PurgeBatch) => Promise<Result>) {
    this.#send = send;
  }

  /** Adds a committed batch; resolves with the outcome of the merged delivery it is part of. */
  add(batch: PurgeBatch): Promise<Result> {
    if (this.#batch === undefined) {
      this.#batch = new PurgeBatch();
      let resolve!: (result: Promise<Result>) => void;
      const promise = new Promise<Result>((r) => {
        resolve = r;
      });
      this.#result = { promise, resolve };
      // Referenced: a script whose unit committed stays alive until its purges are handed over.
      this.#immediate = setImmediate(() => this.release());
    }
    this.#batch.merge(batch);
    return (this.#result as { promise: Promise<Result> }).promise;
  }

  /** Hands the merged batch over now (the scheduled turn, `flush()` or `close()`). */
  release(): void {
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#immediate = undefined;
    const batch = this.#batch;
    const result = this.#result;
    this.#batch = undefined;
    this.#result = undefined;
    if (batch !== undefined && result !== undefined) result.resolve(this.#send(batch));
  }
}
