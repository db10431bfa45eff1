/** Warning codes start with `WARN_CACHESET_`; like error codes they are stable and never reused. */
export type CachesetWarningCode = `WARN_CACHESET_${string}`;

export const CoreWarningCodes = {
  DUPLICATE_RULESET: 'WARN_CACHESET_DUPLICATE_RULESET',
  UNDECLARED_RULESET: 'WARN_CACHESET_UNDECLARED_RULESET',
} as const;

/**
 * A coded, non-fatal notice: the operation went ahead (or was safely ignored) but somebody should look.
 * Passed to a registry's `warn` option; by default given to `process.emitWarning`, so
 * `node --no-warnings` silences it and `process.on('warning')` observes it.
 */
export class CachesetWarning extends Error {
  readonly code: CachesetWarningCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CachesetWarningCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'CachesetWarning';
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

export function emitProcessWarning(warning: CachesetWarning): void {
  process.emitWarning(warning);
}
