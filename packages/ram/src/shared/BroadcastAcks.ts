/** Acknowledgements kept for sequences nobody waits for yet (early ones), at most this many. */
const MAX_EARLY = 1_024;

interface Waiting {
  needed: number;
  readonly resolve: (delivered: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The acknowledgements of this process's invalidation broadcasts: every process that received one
 * answers with its sequence number once it has dropped its own copies, and the invalidation is
 * delivered when as many answered as Redis delivered the message to. An answer may come before the
 * count is known (the broadcast and the command's reply travel on different connections), so early
 * answers are kept, a bounded number of them.
 */
export class BroadcastAcks {
  readonly #early = new Map<string, number>();
  readonly #waiting = new Map<string, Waiting>();

  /** One process answered for `sequence`. */
  received(sequence: string): void {
    const waiting = this.#waiting.get(sequence);
    if (waiting !== undefined) {
      waiting.needed -= 1;
      if (waiting.needed <= 0) this.#settle(sequence, true);
      return;
    }
    this.#early.set(sequence, (this.#early.get(sequence) ?? 0) + 1);
    // Answers for a broadcast whose command failed are never waited for: the oldest go first.
    if (this.#early.size > MAX_EARLY) this.#early.delete(this.#early.keys().next().value as string);
  }

  /**
   * Resolves to true once `receivers` answers for `sequence` arrived, to false after `timeoutMs`
   * (a process that did not answer in time: it may still hold copies until it applies the message).
   */
  wait(sequence: string, receivers: number, timeoutMs: number): Promise<boolean> {
    const early = this.#early.get(sequence) ?? 0;
    this.#early.delete(sequence);
    const needed = receivers - early;
    if (needed <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.#settle(sequence, false), timeoutMs);
      timer.unref();
      this.#waiting.set(sequence, { needed, resolve, timer });
    });
  }

  /** Stops waiting (the tier closed): every wait resolves to false. */
  close(): void {
    for (const sequence of [...this.#waiting.keys()]) this.#settle(sequence, false);
    this.#early.clear();
  }

  #settle(sequence: string, delivered: boolean): void {
    const waiting = this.#waiting.get(sequence);
    if (waiting === undefined) return;
    this.#waiting.delete(sequence);
    clearTimeout(waiting.timer);
    waiting.resolve(delivered);
  }
}
