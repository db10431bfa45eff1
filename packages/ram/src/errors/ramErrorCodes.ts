/**
 * The error codes raised by @cacheset/ram. Like every cacheset code they start with `ERR_CACHESET_`,
 * are stable and are never reused; branch on them, never on messages.
 */
export const RamErrorCodes = {
  /** A constructor option is missing, of the wrong type or out of range. */
  INVALID_OPTIONS: 'ERR_CACHESET_RAM_INVALID_OPTIONS',
  /** A value-cache key part (view name, request variable, keyword, tag, lifetime) is malformed. */
  INVALID_KEY: 'ERR_CACHESET_RAM_INVALID_KEY',
  /** An object path is not a string starting with `/`, or holds characters a path cannot hold. */
  INVALID_PATH: 'ERR_CACHESET_RAM_INVALID_PATH',
  /** The value cache was given an object whose path nothing knows (no `objectPath` option, no `IObjectPath` adapter). */
  NO_OBJECT_PATH: 'ERR_CACHESET_RAM_NO_OBJECT_PATH',
  /** An argument that is not a key part is malformed (a compute function, a report option). */
  INVALID_ARGUMENT: 'ERR_CACHESET_RAM_INVALID_ARGUMENT',
  /** Reported (never thrown) when the Redis tier cannot be reached. */
  REDIS_UNAVAILABLE: 'ERR_CACHESET_RAM_REDIS_UNAVAILABLE',
  /** Reported (never thrown) when a value or response is refused by the store. */
  UNSTORABLE: 'ERR_CACHESET_RAM_UNSTORABLE',
} as const;

export type RamErrorCode = (typeof RamErrorCodes)[keyof typeof RamErrorCodes];
