import { type ResponseScope } from '@cacheset/core';

/**
 * Longest response key accepted: longer request targets are not worth a cache slot (and are likely
 * abuse). Response keys must also be non-empty and must not start with NUL, which is how value-cache
 * keys start: the two key spaces share one store and can never collide. The lookup checks only the
 * first character, which keeps its hit path O(1).
 */
export const MAX_RESPONSE_KEY_LENGTH = 16_384;

/**
 * The first character of the store key of a per-user or per-role copy. A shared key must not start
 * with it (nor with NUL, the value keys' mark), so a shared lookup can never reach such a copy.
 */
export const SCOPED_KEY_MARK = 1;

const MARK = String.fromCharCode(SCOPED_KEY_MARK);

/** Longest user id, and most roles, a scope may have: beyond that it is not worth a cache slot. */
const MAX_SCOPE_TEXT = 4096;

/**
 * The key the store keeps a copy under: the key itself for a shared copy; for a per-user or per-role
 * copy, the scope first (mark, kind, then the id or the sorted roles as JSON, which nothing inside
 * can end early), then the key. So a copy is bound to its user or role set by the store itself,
 * whatever the key text says: a lookup of another scope, or a shared one, builds another store key.
 * Undefined when the scope is malformed or of an unknown kind (the lookup is then a plain miss).
 */
export function scopedResponseKey(key: string, scope: ResponseScope): string | undefined {
  let text: string;
  if (scope.kind === 'shared') return key;
  if (scope.kind === 'user') {
    if (typeof scope.id !== 'string' || scope.id.length === 0) return undefined;
    const roles = scope.roles === undefined ? undefined : sortedRoles(scope.roles);
    if (scope.roles !== undefined && roles === undefined) return undefined;
    text = `u${JSON.stringify(scope.id)}${roles === undefined ? '' : JSON.stringify(roles)}`;
  } else if (scope.kind === 'roles') {
    const roles = sortedRoles(scope.roles);
    if (roles === undefined) return undefined;
    text = `r${JSON.stringify(roles)}`;
  } else {
    return undefined;
  }
  if (text.length > MAX_SCOPE_TEXT) return undefined;
  return `${MARK}${text}\n${key}`;
}

/** The roles sorted (a store must not depend on the caller sorting them); undefined if not strings. */
function sortedRoles(roles: unknown): readonly string[] | undefined {
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string')) return undefined;
  return [...(roles as string[])].sort();
}
