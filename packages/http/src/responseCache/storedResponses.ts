import {
  CHAIN_HEADER,
  OPERATION_HEADER,
  RULE_HEADER,
  type CacheResponse,
  type FillAbandonReason,
  type StoredResponse,
} from '@cacheset/core';
import { EXPIRED_OFFSET_SECONDS, httpDateFromNow } from '../dates/expiresDate.js';
import { deltaSeconds, parseCacheControl } from '../headers/cacheControl.js';
import { varyNames } from '../headers/vary.js';
import { statusAbandonReason, type CapturedResponse } from '@cacheset/core/internal';

export const RAMCACHE_HEADER = 'X-RAMCache';
export const RAMCACHE_HEADER_VALUE = 'cacheset.ramcache';

/**
 * Headers that describe one transmission, not the response: never stored, never replayed. The
 * debug headers are among them: a replay gets those the policy wants when it is replayed.
 */
const NOT_STORED = new Set([
  'set-cookie',
  'date',
  'age',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'expires',
  'cache-status',
  'x-ramcache',
  ...[RULE_HEADER, OPERATION_HEADER, CHAIN_HEADER].map((name) => name.toLowerCase()),
]);

/**
 * Why a finished response must not be kept (DESIGN §3: never a leak between users), or undefined when
 * it may: only 200s with a body, no Set-Cookie, no private/no-store set by the application, no
 * `Vary: *`, and no Vary on a request header the key does not include.
 */
export function unstorableReason(
  response: CapturedResponse,
  keyedVary: readonly string[],
  appPrivate: boolean,
): FillAbandonReason | undefined {
  if (response.status !== 200) return statusAbandonReason(response.status);
  if (response.body.byteLength === 0) return 'empty-body';
  if (appPrivate) return 'private';
  let vary: string | undefined;
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') return 'sets-cookie';
    if (name === 'vary') vary = vary === undefined ? value : `${vary}, ${value}`;
  }
  const names = varyNames(vary);
  if (names.includes('*')) return 'vary-star';
  const keyed = new Set(keyedVary.map((n) => n.toLowerCase()));
  if (names.some((n) => !keyed.has(n))) return 'unkeyed-vary';
  return undefined;
}

export function toStoredResponse(response: CapturedResponse, storedAt: number): StoredResponse {
  return {
    status: response.status,
    headers: response.headers.filter(([name]) => !NOT_STORED.has(name)),
    body: response.body,
    storedAt,
  };
}

const maxAges = new Map<string, number | undefined>();

/** max-age of a stored Cache-Control value: replays see the same few values again and again. */
function maxAgeOf(cacheControl: string): number | undefined {
  if (maxAges.has(cacheControl)) return maxAges.get(cacheControl);
  const maxAge = deltaSeconds(parseCacheControl(cacheControl), 'max-age');
  if (maxAges.size >= 256) maxAges.clear();
  maxAges.set(cacheControl, maxAge);
  return maxAge;
}

/** The `Age` a replay of `stored` sends at `now` (whole seconds since it was stored). */
export function replayAge(stored: StoredResponse, now: number): number {
  return Math.max(0, Math.floor((now - stored.storedAt) / 1000));
}

/**
 * Replays a stored response: its status and headers, a fresh `Age`, and an `Expires` recomputed from
 * its max-age and age (never the absolute date of the original rendering), plus the X-RAMCache mark.
 */
export function replayStoredResponse(
  response: CacheResponse,
  stored: StoredResponse,
  now: number,
  mark: boolean,
): void {
  response.status = stored.status;
  let cacheControl: string | undefined;
  for (const [name, value] of stored.headers) {
    if (NOT_STORED.has(name)) continue;
    if (name === 'cache-control') cacheControl = value;
    response.setHeader(name, value);
  }
  const age = replayAge(stored, now);
  response.setHeader('Age', String(age));
  const maxAge = cacheControl === undefined ? undefined : maxAgeOf(cacheControl);
  const remaining = maxAge === undefined ? 0 : maxAge - age;
  response.setHeader('Expires', httpDateFromNow(now, remaining > 0 ? remaining : EXPIRED_OFFSET_SECONDS));
  response.setHeader('Content-Length', String(stored.body.byteLength));
  if (mark) response.setHeader(RAMCACHE_HEADER, RAMCACHE_HEADER_VALUE);
}
