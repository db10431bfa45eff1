import type { CacheResponse } from '@cacheset/core';

/**
 * Adds this cache's entry to RFC 9211 `Cache-Status`. The origin's own cache comes first; proxies
 * append theirs after it.
 */
export function addCacheStatus(response: CacheResponse, name: string, params: string): void {
  const entry = `${name}; ${params}`;
  const existing = response.getHeader('Cache-Status');
  response.setHeader('Cache-Status', existing === undefined ? entry : `${existing}, ${entry}`);
}
