import type { StoredResponse } from '@cacheset/http';
import { ownedBytes } from './encodeValue.js';

function isHeaderList(value: unknown): value is readonly (readonly [string, string])[] {
  if (!Array.isArray(value)) return false;
  for (const pair of value as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string')
      return false;
  }
  return true;
}

/**
 * Why a response must not be kept, or undefined. @cacheset/http refuses these before it stores, and
 * the store checks again because anything implementing the fill can call it: a response that could
 * carry one user's data to another (a cookie, private or no-store, `Vary: *`), or that is not a plain
 * complete 200 (DESIGN §3), is never stored.
 */
export function responseRefusal(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return 'not a response record';
  const r = response as Partial<StoredResponse>;
  if (
    typeof r.status !== 'number' ||
    !isHeaderList(r.headers) ||
    !(r.body instanceof Uint8Array) ||
    typeof r.storedAt !== 'number' ||
    !Number.isFinite(r.storedAt)
  ) {
    return 'a malformed response record (status, headers, body or storedAt)';
  }
  if (r.status !== 200) return `status ${r.status}`;
  if (r.body.byteLength === 0) return 'empty body';
  for (const [name, value] of r.headers) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') return 'sets a cookie';
    if (lower === 'cache-control' && /(?:^|[\s,])(?:private|no-store)(?:$|[\s,=])/i.test(value))
      return 'private or no-store';
    if (lower === 'vary' && value.split(',').some((v) => v.trim() === '*')) return 'Vary: *';
  }
  return undefined;
}

/**
 * The record the store keeps: frozen, lower-case header names, and a body with a backing store of
 * its own (pooled Buffer slices would keep their whole pool alive and break the byte budget).
 */
export function ownedResponse(response: StoredResponse): StoredResponse {
  // @cacheset/http hands over a fresh list with lower-case names: the store takes it over (frozen)
  // instead of copying it; anything else is copied.
  const lowerCase = response.headers.every(([name]) => name === name.toLowerCase());
  const headers = lowerCase
    ? response.headers
    : response.headers.map(([name, value]) => [name.toLowerCase(), value] as const);
  for (const pair of headers) Object.freeze(pair);
  return Object.freeze({
    status: response.status,
    headers: Object.freeze(headers),
    body: ownedBytes(response.body),
    storedAt: response.storedAt,
  });
}
