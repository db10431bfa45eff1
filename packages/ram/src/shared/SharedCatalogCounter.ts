import { trackWork, type CachesetLogger, type CatalogCounter } from '@cacheset/core';
import type { RedisTier } from './RedisTier.js';

/**
 * Makes a process's catalog counter (the core's `CatalogCounter`) follow the site's: a local change
 * is sent to Redis, which keeps the highest value any process reached and publishes every new one;
 * values published by other processes raise this process's counter. The counter stays synchronous:
 * it changes here at once, and the send is work the edit waits for (`trackWork`), so that when the
 * edit's response goes out every process has been told.
 *
 * Changes made while Redis is away are sent when it is back (`ready`); a change during a send is
 * carried by one more send after it, however many there were.
 */
export class SharedCatalogCounter {
  readonly #counter: CatalogCounter;
  readonly #tier: RedisTier;
  readonly #logger: CachesetLogger;
  readonly #unsubscribe: () => void;
  /** Local changes Redis has not seen yet. */
  #unsent = false;
  /** The send after the one in flight, shared by every change made meanwhile. */
  #queued: Promise<void> | undefined;
  #last: Promise<void> = Promise.resolve();

  constructor(counter: CatalogCounter, tier: RedisTier, logger: CachesetLogger) {
    this.#counter = counter;
    this.#tier = tier;
    this.#logger = logger;
    this.#unsubscribe = counter.onBump(() => this.#changed());
  }

  /** Another process published `value`. */
  received(value: number): void {
    this.#counter.advanceTo(value);
  }

  /** The tier is up (again): send what changed meanwhile, or catch up with the shared value. */
  ready(): void {
    void this.#send();
  }

  close(): void {
    this.#unsubscribe();
  }

  #changed(): void {
    this.#unsent = true;
    if (this.#tier.state !== 'up') return;
    trackWork(this.#send(), { label: 'sharing the catalog counter through Redis', logger: this.#logger });
  }

  #send(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const queued = this.#last.then(() => {
      this.#queued = undefined;
      return this.#sendNow();
    });
    this.#queued = queued;
    this.#last = queued;
    return queued;
  }

  async #sendNow(): Promise<void> {
    const bump = this.#unsent;
    this.#unsent = false;
    const shared = await this.#tier.shareCatalogValue(this.#counter.value(), bump);
    if (shared === undefined) {
      // Redis is away or failed (the tier counted and logged it): send again when it is back.
      this.#unsent ||= bump;
      return;
    }
    this.#counter.advanceTo(shared);
  }
}
