import type { CachesetLogger } from './CachesetLogger.js';

export interface OnceLoggerOptions {
  /** How many distinct messages are remembered; past it they are only counted. Default 1024. */
  readonly maxDistinct?: number;
  /** Logged once when `maxDistinct` is reached. Default: a line saying further problems are not logged. */
  readonly saturatedMessage?: string;
  /** The interval of `throttled` summaries, in ms. Default 1000. */
  readonly throttleMs?: number;
}

type Level = 'warn' | 'error';

interface Throttled {
  readonly level: Level;
  readonly message: string;
  count: number;
  last: Readonly<Record<string, unknown>> | undefined;
  readonly timer: NodeJS.Timeout;
}

/**
 * The log-once logger every cacheset package writes its request-time problems through: a cache sees
 * the same problem on every request (a value it cannot store, a misconfigured ETag component, a proxy
 * that is down), and one line says as much as a thousand; the statistics keep the totals.
 *
 * - `warn` / `error`: each distinct message once (the first `maxDistinct`; past that one line says
 *   further ones are only counted, so a flood of distinct messages, one per URL, never drowns the log);
 * - `throttled`: occurrences grouped by a key: the first at once, the rest as one summary line per
 *   interval ("... (and 4312 more like this in the last 1000 ms)"), for trouble that must stay
 *   visible while it lasts (failed and dropped purges) without a line per occurrence;
 * - `always`: state changes that happen once per episode ("Redis is back").
 *
 * A logger that throws never turns a cache problem into a failed request.
 */
export class OnceLogger implements CachesetLogger {
  readonly #logger: CachesetLogger;
  readonly #seen = new Set<string>();
  readonly #maxDistinct: number;
  readonly #saturatedMessage: string;
  readonly #throttleMs: number;
  readonly #throttled = new Map<string, Throttled>();
  #saturated = false;

  constructor(logger: CachesetLogger, options: OnceLoggerOptions = {}) {
    this.#logger = logger;
    this.#maxDistinct = options.maxDistinct ?? 1024;
    this.#saturatedMessage =
      options.saturatedMessage ??
      `cacheset: ${this.#maxDistinct} distinct problems were logged; further ones are not logged.`;
    this.#throttleMs = options.throttleMs ?? 1_000;
  }

  error(message: string, details?: Readonly<Record<string, unknown>>): void {
    if (this.#remember(message)) this.#log('error', message, details);
  }

  warn(message: string, details?: Readonly<Record<string, unknown>>): void {
    if (this.#remember(message)) this.#log('warn', message, details);
  }

  /** Always logs (state changes such as "Redis is back" are rare by nature). */
  always(level: Level, message: string, details?: Readonly<Record<string, unknown>>): void {
    this.#log(level, message, details);
  }

  /** `key` groups occurrences; `message` is logged for the first, a count for the rest of each interval. */
  throttled(level: Level, key: string, message: string, details?: Readonly<Record<string, unknown>>): void {
    const pending = this.#throttled.get(key);
    if (pending !== undefined) {
      pending.count += 1;
      pending.last = details;
      return;
    }
    this.#log(level, message, details);
    const timer = setTimeout(() => this.#summarize(key), this.#throttleMs);
    // A pending summary must not keep a finished script alive.
    timer.unref();
    this.#throttled.set(key, { level, message, count: 0, last: undefined, timer });
  }

  /** Writes every pending summary of `throttled` now (at shutdown). */
  flush(): void {
    for (const [key, pending] of [...this.#throttled]) {
      clearTimeout(pending.timer);
      this.#throttled.delete(key);
      if (pending.count > 0)
        this.#log(
          pending.level,
          `${pending.message} (and ${pending.count} more like this before shutdown)`,
          pending.last,
        );
    }
  }

  #summarize(key: string): void {
    const pending = this.#throttled.get(key);
    this.#throttled.delete(key);
    if (pending === undefined || pending.count === 0) return;
    this.#log(
      pending.level,
      `${pending.message} (and ${pending.count} more like this in the last ${this.#throttleMs} ms)`,
      pending.last,
    );
  }

  #remember(message: string): boolean {
    if (this.#seen.has(message)) return false;
    if (this.#seen.size < this.#maxDistinct) {
      this.#seen.add(message);
      return true;
    }
    if (!this.#saturated) {
      this.#saturated = true;
      this.#log('warn', this.#saturatedMessage, undefined);
    }
    return false;
  }

  #log(level: Level, message: string, details: Readonly<Record<string, unknown>> | undefined): void {
    try {
      this.#logger[level](message, details);
    } catch {
      // A broken logger must never turn a cache problem into a failed request.
    }
  }
}

const shared = new WeakMap<CachesetLogger, OnceLogger>();

/**
 * The one `OnceLogger` of an application's logger: everything that reports through the same logger
 * (the engine, the HTTP adapters, the operations) shares one memory of what was said.
 */
export function onceLoggerFor(logger: CachesetLogger): OnceLogger {
  if (logger instanceof OnceLogger) return logger;
  let once = shared.get(logger);
  if (once === undefined) shared.set(logger, (once = new OnceLogger(logger)));
  return once;
}
