import type { CachesetError } from '../errors/CachesetError.js';
import type { CachesetLogger } from '../logging/CachesetLogger.js';
import { describeValue } from '../names/dottedName.js';
import { didYouMean } from '../names/suggestName.js';
import { parseDuration } from '../operations/parseDuration.js';

/** Makes a package's own error for a bad option (its `ERR_CACHESET_<PACKAGE>_INVALID_OPTIONS` code). */
export type OptionErrorFactory = (message: string, value: unknown, cause?: unknown) => CachesetError;

export interface NumberRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The one way cacheset packages read their options at start-up, so every bad option says the same
 * things the same way: where it is (`proxies[0].retry.attempts`), what was expected, the value given,
 * and, for an unknown key, the likely intended one ("Did you mean ...?") and the list of known keys;
 * all as the package's own error code. Nothing is read lazily: a typo fails start-up, never a request.
 *
 * A schema library was considered (valibot, zod, typebox): each would have needed a custom message
 * for every rule to say the same, so this stays a small reader. Rules particular to one option (a
 * prefix pattern, a Cache-Control value) are written beside the option with `invalid`.
 *
 * @example
 * const read = new OptionReader((m, v) => fsError(FsErrorCodes.INVALID_OPTIONS, m, v), 'FsCache: ');
 * read.keys('', options, KNOWN);
 * const maxBytes = read.integer('maxBytes', options.maxBytes, 0, { min: 1, max: 2 ** 31 - 1 });
 */
export class OptionReader {
  readonly #fail: OptionErrorFactory;
  readonly #prefix: string;

  /** `prefix` starts every message: the component whose options these are (`FsCache: `). */
  constructor(fail: OptionErrorFactory, prefix = '') {
    this.#fail = fail;
    this.#prefix = prefix;
  }

  /** Throws `<path> <problem>, got <value>.` (or without the value when `value` is omitted). */
  invalid(path: string, problem: string, ...value: [] | [unknown]): never {
    const got = value.length === 0 ? '' : `, got ${describeValue(value[0])}`;
    throw this.#fail(`${this.#prefix}${path} ${problem}${got}.`, value[0]);
  }

  /** Throws `<message>` as it is (prefixed), for problems that involve several options. */
  fail(message: string, value: unknown, cause?: unknown): never {
    throw this.#fail(`${this.#prefix}${message}`, value, cause);
  }

  /** A mapping of options (not null, not an array); `expected` shows what one looks like. */
  record(path: string, value: unknown, expected: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.invalid(path, `must be ${expected}`, value);
    return value as Record<string, unknown>;
  }

  /**
   * Every key of `value` must be known: a misspelt option would otherwise be ignored, silently.
   * `where` names the group (`proxies[0]`); empty for the top level.
   */
  keys(where: string, value: object, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const group = where === '' ? '' : `${where}: `;
      throw this.#fail(
        `${this.#prefix}${group}unknown option '${key}'.${didYouMean(key, known)} The options are ${known.join(', ')}.`,
        key,
      );
    }
  }

  integer(path: string, value: unknown, fallback: number, range: NumberRange): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max)
      this.invalid(path, `must be an integer from ${range.min} to ${range.max}`, value);
    return value;
  }

  number(path: string, value: unknown, fallback: number, range: NumberRange): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max)
      this.invalid(path, `must be a number from ${range.min} to ${range.max}`, value);
    return value;
  }

  flag(path: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.invalid(path, 'must be true or false', value);
    return value;
  }

  /** One of `allowed` (compared as given). */
  oneOf<T extends string>(path: string, value: unknown, fallback: T, allowed: readonly T[]): T {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !allowed.includes(value as T))
      this.invalid(path, `must be one of ${allowed.join(', ')}`, value);
    return value as T;
  }

  /** A string matching `pattern`; `expected` says in words what matches. */
  text(path: string, value: unknown, fallback: string, pattern: RegExp, expected: string): string {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !pattern.test(value)) this.invalid(path, `must be ${expected}`, value);
    return value;
  }

  /** A list of non-empty strings. */
  names(path: string, value: unknown, expected: string): readonly string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0))
      this.invalid(path, `must be ${expected}`, value);
    return value as readonly string[];
  }

  /** A function, when given. */
  func<F extends (...args: never[]) => unknown>(path: string, value: F | undefined, expected: string): F | undefined {
    if (value !== undefined && typeof value !== 'function') this.invalid(path, `must be ${expected}`, value);
    return value;
  }

  /** Seconds, from a number or a readable duration ('10m', '1d'). */
  duration(path: string, value: unknown, fallbackSeconds: number): number {
    if (value === undefined) return fallbackSeconds;
    try {
      return parseDuration(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return this.fail(`${path}: ${reason}`, value, error);
    }
  }

  /** A logger with warn(message, details) and error(message, details), when given. */
  logger(path: string, value: unknown): CachesetLogger | undefined {
    if (value === undefined) return undefined;
    const logger = value as Partial<CachesetLogger> | null;
    if (
      typeof logger !== 'object' ||
      logger === null ||
      typeof logger.warn !== 'function' ||
      typeof logger.error !== 'function'
    )
      this.invalid(path, 'must have warn(message, details) and error(message, details) methods', value);
    return value as CachesetLogger;
  }
}
