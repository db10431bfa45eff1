import type { RefusalCategory } from '../stats/Counters.js';
import { ownedBytes } from './encodeValue.js';
import { type StoredResponse } from '@cacheset/core';

function isHeaderList(value: unknown): value is readonly (readonly [string, string])[] {
  if (!Array.isArray(value)) return false;
  for (const pair of value as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string')
      return false;
  }
  return true;
}

/** Why a response is not kept: the category counted in the statistics, and the reason logged. */
export interface ResponseRefusal {
  readonly category: Extract<RefusalCategory, 'malformed' | 'unsafe-response'>;
  readonly reason: string;
}

const unsafe = (reason: string): ResponseRefusal => ({ category: 'unsafe-response', reason });

/**
 * Why a response must not be kept, or undefined. The HTTP layer refuses these before it stores, and
 * the store checks again because anything implementing the fill can call it: a response that could
 * carry one user's data to another (a cookie, no-store, `Vary: *`), or that is not a plain complete
 * 200, is never stored.
 *
 * `private` is not checked: the operations write it themselves (the browser-only forms, and the
 * downgrade of per-user copies, which the store binds to their user), so the header cannot say
 * whether the application asked for it. The HTTP layer decides that from what the application set
 * before the operation wrote its headers, and never hands such a response to a fill. `no-store` is
 * only ever the application's (or `noCaching`'s, which stores nothing), so it is checked.
 */
export function responseRefusal(response: unknown): ResponseRefusal | undefined {
  if (typeof response !== 'object' || response === null)
    return { category: 'malformed', reason: 'not a response record' };
  const r = response as Partial<StoredResponse>;
  if (
    typeof r.status !== 'number' ||
    !isHeaderList(r.headers) ||
    !(r.body instanceof Uint8Array) ||
    typeof r.storedAt !== 'number' ||
    !Number.isFinite(r.storedAt)
  ) {
    return { category: 'malformed', reason: 'a malformed response record (status, headers, body or storedAt)' };
  }
  if (r.status !== 200) return unsafe(`status ${r.status}`);
  if (r.body.byteLength === 0) return unsafe('empty body');
  for (const [name, value] of r.headers) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie') return unsafe('sets a cookie');
    if (lower === 'cache-control' && /(?:^|[\s,])no-store(?:$|[\s,=])/i.test(value)) return unsafe('no-store');
    if (lower === 'vary' && value.split(',').some((v) => v.trim() === '*')) return unsafe('Vary: *');
  }
  return undefined;
}

/**
 * The record the store keeps: frozen, lower-case header names, and a body with a backing store of
 * its own (pooled Buffer slices would keep their whole pool alive and break the byte budget).
 */
export function ownedResponse(response: StoredResponse): StoredResponse {
  // The HTTP layer hands over a fresh list with lower-case names: the store takes it over (frozen)
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
