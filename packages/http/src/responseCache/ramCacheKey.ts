import type { CacheRequest } from '@cacheset/core';
import type { DateTime } from 'luxon';
import { SHARED_SCOPE, type ResponseScope } from '@cacheset/core';
import { scopeText } from './userScope.js';

/**
 * plone.app.caching's RAM key, made safe: `|<etag>||` and `|<last-modified>||` prefixes (so a changed
 * validator is a natural miss), then host and request target, then the value of every request header
 * the response varies on (Django's learn_cache_key lesson: a variant must not answer for another),
 * then, for a per-user or per-role copy, its scope. A store keeps scopes apart itself (see
 * `ResponseCache.lookup`); the scope in the key text keeps them apart in a store that does not.
 */
export function ramCacheKey(
  request: CacheRequest,
  etag: string | undefined,
  lastModified: DateTime | undefined,
  vary: readonly string[],
  scope: ResponseScope = SHARED_SCOPE,
): string {
  let key = '';
  if (etag !== undefined) key += `|${etag}||`;
  if (lastModified !== undefined) key += `|${lastModified.toMillis()}||`;
  key += `${request.header('host') ?? ''}${request.url}`;
  for (const name of vary) key += `\n${name.toLowerCase()}:${request.header(name) ?? ''}`;
  if (scope.kind !== 'shared') key += `\n\u0000user:${scopeText(scope)}`;
  return key;
}

/** The path part of a request target, for invalidation by path. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path.length === 0 ? '/' : path;
}
