/**
 * Whom a copy in a response cache may answer, decided by the HTTP operation when it looks the request
 * up and bound to the copy by the store (the store's own key includes it), so that no request of
 * another scope can ever find the copy, whatever its key text says:
 *
 * - `shared`: every request with the same key (anonymous requests);
 * - `user`: only requests of the user with this id (the policy's ETag is keyed by `userid`), and
 *   when `roles` is given (keyed by `roles` too) only while the user has exactly these roles;
 * - `roles`: only requests of users with exactly these roles (keyed by `roles`; sorted).
 *
 * Per-user and per-role copies carry the operation's private downgrade (`Cache-Control: private`):
 * they are kept in the origin's own cache for that user or role set, and never marked public.
 */
export type ResponseScope =
  | { readonly kind: 'shared' }
  | { readonly kind: 'user'; readonly id: string; readonly roles?: readonly string[] }
  | { readonly kind: 'roles'; readonly roles: readonly string[] };

export const SHARED_SCOPE: ResponseScope = Object.freeze({ kind: 'shared' });
