import { normalizeCacheControl } from '../options/FsCacheOptions.js';
import type { SharingProblem } from '../stats/RefusalReason.js';

/** Header lookup over captured `[name, value]` pairs (lower-case names, one pair per line). */
export function headerOf(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  let value: string | undefined;
  for (const [n, v] of headers) if (n === name) value = value === undefined ? v : `${value}, ${v}`;
  return value;
}

/** Whether a Cache-Control value has the directive `name` (with or without an argument). */
function hasDirective(cacheControl: string | undefined, name: string): boolean {
  if (cacheControl === undefined) return false;
  return cacheControl.split(',').some((part) => part.split('=', 1)[0]?.trim().toLowerCase() === name);
}

/**
 * DESIGN §3 for the finished response, as it went to the client: a file under the document root is
 * served by nginx to everybody, so only a 200 that sets no cookie, is not private or no-store, does not
 * vary (other than on Accept-Encoding, which gzip_static handles) and is not already content-encoded
 * may be written. With `cacheControl`, the response must carry exactly the Cache-Control nginx will
 * send for the copy.
 */
export function responseProblem(
  status: number,
  headers: readonly (readonly [string, string])[],
  cacheControl: string | undefined,
): SharingProblem | undefined {
  if (status !== 200) return 'status';
  if (headerOf(headers, 'set-cookie') !== undefined) return 'set-cookie';
  const sent = headerOf(headers, 'cache-control');
  if (hasDirective(sent, 'private') || hasDirective(sent, 'no-store')) return 'private';
  const vary = headerOf(headers, 'vary');
  if (vary !== undefined) {
    for (const name of vary.split(',')) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed !== '' && trimmed !== 'accept-encoding') return 'vary';
    }
  }
  const encoding = headerOf(headers, 'content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity' && encoding.trim() !== '')
    return 'content-encoding';
  if (cacheControl !== undefined && normalizeCacheControl(sent ?? '') !== normalizeCacheControl(cacheControl))
    return 'cache-control-mismatch';
  return undefined;
}
