import type { CacheRequest } from './CacheRequest.js';

/**
 * plone.app.caching's cacheStop, for the variables part: whether any of `names` is present as a query
 * parameter or a cookie (a one-time status message, a search term) so the response must not be cached.
 */
export function hasCacheStopVariable(request: CacheRequest, names: readonly string[]): boolean {
  if (names.length === 0) return false;
  const q = request.url.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(request.url.slice(q + 1));
    if (names.some((name) => params.has(name))) return true;
  }
  const cookie = request.header('cookie');
  if (cookie !== undefined) {
    const present = new Set(cookie.split(';').map((part) => part.split('=', 1)[0]?.trim() ?? ''));
    if (names.some((name) => present.has(name))) return true;
  }
  return false;
}
