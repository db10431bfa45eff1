/** What one cache said about a response, read from the headers caches add. */
export interface LayerOutcome {
  /** `X-Cache` (Varnish, the shipped VCL), `X-RAMCache`, or the Cache-Status cache name. */
  readonly cache: string;
  readonly outcome: 'hit' | 'miss';
}

/**
 * Each cache's verdict: `X-Cache: HIT|MISS` from a proxy, `X-RAMCache` (present on RAM hits), and
 * RFC 9211 `Cache-Status` entries (`cacheset; hit`, `cacheset; fwd=uri-miss`).
 */
export function cacheOutcomes(headers: Headers): LayerOutcome[] {
  const outcomes: LayerOutcome[] = [];
  const xCache = headers.get('x-cache');
  if (xCache !== null) {
    if (/\bhit\b/i.test(xCache)) outcomes.push({ cache: 'X-Cache', outcome: 'hit' });
    else if (/\bmiss\b/i.test(xCache)) outcomes.push({ cache: 'X-Cache', outcome: 'miss' });
  }
  const status = headers.get('cache-status');
  const names = new Set<string>();
  if (status !== null) {
    for (const entry of status.split(',')) {
      const [name, ...params] = entry.split(';').map((s) => s.trim());
      if (name === undefined || name === '') continue;
      const hit = params.some((p) => p === 'hit');
      const fwd = params.some((p) => p.startsWith('fwd='));
      if (hit || fwd) {
        outcomes.push({ cache: name, outcome: hit ? 'hit' : 'miss' });
        names.add(name);
      }
    }
  }
  // X-RAMCache repeats what Cache-Status says when both are on; count it alone only without Cache-Status.
  if (headers.get('x-ramcache') !== null && names.size === 0) outcomes.push({ cache: 'X-RAMCache', outcome: 'hit' });
  return outcomes;
}
