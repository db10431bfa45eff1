import { CachesetError, type CachesetErrorCode } from '@cacheset/core';

/** The gallery's own error codes: stable, so callers branch on them and never on the message text. */
export const DemoErrorCodes = {
  /** A setting (environment variable, command-line flag or config file key) has a bad value. */
  INVALID_SETTINGS: 'ERR_CACHESET_DEMO_INVALID_SETTINGS',
  /** The port the site should listen on is taken by another process. */
  PORT_IN_USE: 'ERR_CACHESET_DEMO_PORT_IN_USE',
  /** An edit was refused: `details.fields` maps each bad field to what is wrong with it. */
  INVALID_INPUT: 'ERR_CACHESET_DEMO_INVALID_INPUT',
  /** An uploaded file is not a PNG or JPEG the gallery can decode, or is too large. */
  INVALID_IMAGE: 'ERR_CACHESET_DEMO_INVALID_IMAGE',
  /** No image has that id. */
  NOT_FOUND: 'ERR_CACHESET_DEMO_NOT_FOUND',
  /** The data folder cannot be created, read or written. */
  DATA_DIR: 'ERR_CACHESET_DEMO_DATA_DIR',
} as const satisfies Record<string, CachesetErrorCode>;

export type DemoErrorCode = (typeof DemoErrorCodes)[keyof typeof DemoErrorCodes];

/** Field name → what is wrong with it, for forms and the API. */
export type FieldErrors = Readonly<Record<string, string>>;

export function demoError(
  code: DemoErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): CachesetError {
  return new CachesetError(code, message, { details, ...(cause === undefined ? {} : { cause }) });
}

/** An edit refused field by field; the message lists every problem. */
export function invalidInput(fields: FieldErrors): CachesetError {
  const list = Object.entries(fields).map(([field, message]) => `${field}: ${message}`);
  return demoError(DemoErrorCodes.INVALID_INPUT, `The edit was refused: ${list.join('; ')}`, { fields });
}

/** The field errors of an `invalidInput` error, or undefined for any other value. */
export function fieldErrorsOf(error: unknown): FieldErrors | undefined {
  if (!CachesetError.is(error, DemoErrorCodes.INVALID_INPUT)) return undefined;
  const { fields } = error.details;
  if (typeof fields !== 'object' || fields === null) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([field, message]) => [field, String(message)]));
}
