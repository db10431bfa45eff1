import type { CachesetLogger } from '@cacheset/core';

interface Pending {
  readonly level: 'warn' | 'error';
  readonly message: string;
  count: number;
  timer: NodeJS.Timeout;
  last: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Logs the first occurrence of each kind of trouble at once, and further ones as one summary line per
 * interval ("... and 4 312 more in the last second"). A proxy that is down must show in the log
 * without writing a line per purge: dropped and failed purges are never silent, and never a flood.
 */
export class ThrottledReporter {
  readonly #logger: CachesetLogger;
  readonly #intervalMs: number;
  readonly #pending = new Map<string, Pending>();

  constructor(logger: CachesetLogger, intervalMs = 1_000) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /** `key` groups occurrences; `message` is logged for the first, a count for the rest. */
  report(level: 'warn' | 'error', key: string, message: string, details?: Readonly<Record<string, unknown>>): void {
    const pending = this.#pending.get(key);
    if (pending !== undefined) {
      pending.count += 1;
      pending.last = details;
      return;
    }
    this.#log(level, message, details);
    const entry: Pending = {
      level,
      message,
      count: 0,
      last: undefined,
      timer: setTimeout(() => this.#summarize(key), this.#intervalMs),
    };
    // A pending summary must not keep a finished script alive.
    entry.timer.unref();
    this.#pending.set(key, entry);
  }

  /** Writes every pending summary now (at shutdown). */
  flush(): void {
    for (const [key, pending] of [...this.#pending]) {
      clearTimeout(pending.timer);
      this.#pending.delete(key);
      if (pending.count > 0)
        this.#log(
          pending.level,
          `${pending.message} (and ${pending.count} more like this before shutdown)`,
          pending.last,
        );
    }
  }

  #summarize(key: string): void {
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    if (pending === undefined || pending.count === 0) return;
    this.#log(
      pending.level,
      `${pending.message} (and ${pending.count} more like this in the last ${this.#intervalMs} ms)`,
      pending.last,
    );
  }

  #log(level: 'warn' | 'error', message: string, details: Readonly<Record<string, unknown>> | undefined): void {
    try {
      if (level === 'warn') this.#logger.warn(message, details);
      else this.#logger.error(message, details);
    } catch {
      // A broken logger must not break delivery.
    }
  }
}
