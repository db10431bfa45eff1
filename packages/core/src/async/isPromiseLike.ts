/**
 * Whether a value is a promise (or any thenable). The request path stays synchronous while every
 * adapter and operation answers synchronously, and only pays for promises where one actually appears.
 */
export function isPromiseLike<T = unknown>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A value that may still be on its way. */
export type MaybePromise<T> = T | Promise<T>;
