import type { CachesetLogger } from '@cacheset/core';

const MAX_REMEMBERED = 1024;

/**
 * Logs each distinct message once: a cache sees the same problem on every request (a value it cannot
 * store, a Redis that is down), and one line says as much as a thousand. The counters in the
 * statistics keep the totals. State changes that happen once per episode (Redis lost, Redis back)
 * use `always`.
 */
export class OnceLogger {
  readonly #logger: CachesetLogger;
  readonly #seen = new Set<string>();
  #saturated = false;

  constructor(logger: CachesetLogger) {
    this.#logger = logger;
  }

  error(message: string, details?: Readonly<Record<string, unknown>>): void {
    if (this.#remember(message)) safely(() => this.#logger.error(message, details));
  }

  warn(message: string, details?: Readonly<Record<string, unknown>>): void {
    if (this.#remember(message)) safely(() => this.#logger.warn(message, details));
  }

  /** Always logs (state changes such as "Redis is back" are rare by nature). */
  always(level: 'warn' | 'error', message: string, details?: Readonly<Record<string, unknown>>): void {
    safely(() => this.#logger[level](message, details));
  }

  #remember(message: string): boolean {
    if (this.#seen.has(message)) return false;
    if (this.#seen.size < MAX_REMEMBERED) {
      this.#seen.add(message);
      return true;
    }
    // Past the bound a flood of distinct messages (one per URL) would drown the log: say so once and
    // leave the rest to the statistics, which count every occurrence.
    if (!this.#saturated) {
      this.#saturated = true;
      safely(() =>
        this.#logger.warn(
          `cacheset ram: ${MAX_REMEMBERED} distinct problems were logged; further ones are only counted in the statistics.`,
        ),
      );
    }
    return false;
  }
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // A broken logger must never turn a cache problem into a failed request.
  }
}
