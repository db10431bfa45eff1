import { CachesetError } from '@cacheset/core';

/**
 * The error codes of @cacheset/admin, in its JSON answers and thrown by `createAdmin`. Stable and never
 * reused; branch on them, never on messages.
 */
export const AdminErrorCodes = {
  /** An option of `createAdmin` is missing, of the wrong type or out of range. */
  INVALID_OPTIONS: 'ERR_CACHESET_ADMIN_INVALID_OPTIONS',
  /** No credentials, or a wrong token or an unknown session (401). */
  UNAUTHORIZED: 'ERR_CACHESET_ADMIN_UNAUTHORIZED',
  /** A form or browser request without a valid CSRF token, or from another site (403). */
  FORBIDDEN: 'ERR_CACHESET_ADMIN_FORBIDDEN',
  /** Too many failed log-ins from one address are waiting (429). */
  TOO_MANY_ATTEMPTS: 'ERR_CACHESET_ADMIN_TOO_MANY_ATTEMPTS',
  /** No such page or API route (404), or the wrong method for it (405). */
  NOT_FOUND: 'ERR_CACHESET_ADMIN_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'ERR_CACHESET_ADMIN_METHOD_NOT_ALLOWED',
  /** A body that is not JSON (or a form), too large, or of the wrong shape (400, 413). */
  BAD_REQUEST: 'ERR_CACHESET_ADMIN_BAD_REQUEST',
  /** The layer the request is about is not configured in this application (409). */
  NOT_CONFIGURED: 'ERR_CACHESET_ADMIN_NOT_CONFIGURED',
  /** A policy edit that cannot be applied without a restart (declared types or rules changed) (422). */
  NEEDS_RESTART: 'ERR_CACHESET_ADMIN_NEEDS_RESTART',
  /** The policy file could not be written (503); nothing was applied. */
  SAVE_FAILED: 'ERR_CACHESET_ADMIN_SAVE_FAILED',
  /** The explained request did not come back (503). */
  EXPLAIN_FAILED: 'ERR_CACHESET_ADMIN_EXPLAIN_FAILED',
} as const;

export type AdminErrorCode = (typeof AdminErrorCodes)[keyof typeof AdminErrorCodes];

/** An admin error with its HTTP status in `details.status`. */
export function adminError(
  code: AdminErrorCode,
  status: number,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): CachesetError {
  return new CachesetError(code, message, { details: { ...details, status } });
}
