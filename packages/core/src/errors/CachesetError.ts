const brand: unique symbol = Symbol.for('cacheset.core.CachesetError');

/** Every error code cacheset raises starts with `ERR_CACHESET_`; codes are stable and never reused. */
export type CachesetErrorCode = `ERR_CACHESET_${string}`;

export interface CachesetErrorOptions {
  readonly cause?: unknown;
  /** Machine-readable facts about the failure (file, key, value, ruleset, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The one error class of cacheset. Branch on `code`, never on the message.
 *
 * `CachesetError.is(value)` works across duplicated copies of the package, where `instanceof` does not.
 *
 * @example
 * try { registry.register(View, 'bad-name') } catch (e) {
 *   if (CachesetError.is(e) && e.code === 'ERR_CACHESET_INVALID_RULESET_NAME') { ... }
 * }
 */
export class CachesetError extends Error {
  readonly [brand] = true as const;
  readonly code: CachesetErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CachesetErrorCode, message: string, options: CachesetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CachesetError';
    this.code = code;
    this.details = Object.freeze({ ...options.details });
  }

  static is(value: unknown, code?: CachesetErrorCode): value is CachesetError {
    if (typeof value !== 'object' || value === null) return false;
    if ((value as { [brand]?: unknown })[brand] !== true) return false;
    return code === undefined || (value as CachesetError).code === code;
  }
}
