import type { CacheUser, ResponseScope } from '@cacheset/core';

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
