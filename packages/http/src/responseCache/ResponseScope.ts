import type { CacheUser } from '@cacheset/core';

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

export interface UserKeying {
  /** The policy's ETag has the `userid` component. */
  readonly byId: boolean;
  /** The policy's ETag has the `roles` component. */
  readonly byRoles: boolean;
}

/**
 * The scope of a copy for an authenticated user under a policy keyed by `userid` and/or `roles`.
 * Taken from the user itself, never from the ETag: a chain member may have computed the ETag
 * without the user.
 */
export function userScope(user: CacheUser, keying: UserKeying): ResponseScope {
  const roles = keying.byRoles ? Object.freeze([...user.roles].map(String).sort()) : undefined;
  if (!keying.byId) return { kind: 'roles', roles: roles ?? [] };
  return roles === undefined ? { kind: 'user', id: String(user.id) } : { kind: 'user', id: String(user.id), roles };
}

/** The scope as key text (JSON, so no id or role can end it early); empty for `shared`. */
export function scopeText(scope: ResponseScope): string {
  switch (scope.kind) {
    case 'shared':
      return '';
    case 'user': {
      const roles = scope.roles === undefined ? '' : `&roles=${JSON.stringify(scope.roles)}`;
      return `id=${JSON.stringify(scope.id)}${roles}`;
    }
    case 'roles':
      return `roles=${JSON.stringify(scope.roles)}`;
  }
}
