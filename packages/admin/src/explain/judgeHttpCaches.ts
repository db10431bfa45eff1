import CachePolicy from 'http-cache-semantics';
import type { LayerStorage } from '../api/AdminApiTypes.js';

type Headers = Readonly<Record<string, string>>;

function directives(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .toLowerCase()
      .split(',')
      .map((d) => d.split('=')[0]?.trim() ?? '')
      .filter((d) => d !== ''),
  );
}

/** Why an HTTP cache would not store the response, in the terms of RFC 9111 §3. */
function whyNot(shared: boolean, method: string, status: number, req: Headers, res: Headers): string {
  const cc = directives(res['cache-control']);
  if (method !== 'GET' && method !== 'HEAD') return 'method';
  if (cc.has('no-store')) return 'no-store';
  if (shared && cc.has('private')) return 'private';
  if (shared && req.authorization !== undefined) return 'authorization';
  if (res.vary?.trim() === '*') return 'vary-star';
  if (status !== 200) return 'status';
  return 'no-freshness';
}

/**
 * The browser's and a shared proxy's verdict on a response, as `http-cache-semantics` (RFC 9111)
 * judges it: whether it is stored, for how long it is fresh, and why not. A response stored with no
 * freshness (`max-age=0`, `no-cache`) is stored and revalidated on each use: `ttlSeconds: 0`.
 */
export function judgeHttpCache(
  layer: 'browser' | 'proxy',
  request: { readonly method: string; readonly url: string; readonly headers: Headers },
  response: { readonly status: number; readonly headers: Headers },
): LayerStorage {
  const shared = layer === 'proxy';
  const policy = new CachePolicy(
    { method: request.method, url: request.url, headers: { ...request.headers } },
    { status: response.status, headers: { ...response.headers } },
    { shared },
  );
  if (!policy.storable())
    return {
      layer,
      stores: false,
      reason: whyNot(shared, request.method, response.status, request.headers, response.headers),
    };
  // timeToLive counts the time since the policy was made (microseconds here), so a max-age of 3600 gives
  // 3599.99… whenever the clock's millisecond turned in between: the nearest second is what is meant.
  const ttlSeconds = Math.max(0, Math.round(policy.timeToLive() / 1000));
  return { layer, stores: true, ttlSeconds, ...(ttlSeconds === 0 ? { detail: { revalidates: true } } : {}) };
}
