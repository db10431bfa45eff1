import { CachesetError } from '@cacheset/core';
import type { RamErrorCode } from './ramErrorCodes.js';

/** A `CachesetError` with a RAM code and the offending value in `details.value`. */
export function ramError(code: RamErrorCode, message: string, value?: unknown, cause?: unknown): CachesetError {
  return new CachesetError(code, message, { details: { value }, ...(cause === undefined ? {} : { cause }) });
}
