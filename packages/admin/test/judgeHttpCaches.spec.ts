import { afterEach, describe, expect, it, vi } from 'vitest';
import { judgeHttpCache } from '../src/explain/judgeHttpCaches.js';

const request = { method: 'GET', url: '/gallery', headers: { host: 'example.com' } };
const response = (cacheControl: string) => ({
  status: 200,
  headers: { 'cache-control': cacheControl, date: new Date().toUTCString() },
});

describe('judgeHttpCache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the whole freshness lifetime even when the clock turns while it judges', () => {
    // http-cache-semantics counts the time since the policy was made: a millisecond that turns in
    // between must not turn s-maxage=3600 into 3599.
    let now = Date.now();
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 1));
    expect(judgeHttpCache('proxy', request, response('max-age=0, s-maxage=3600'))).toEqual({
      layer: 'proxy',
      stores: true,
      ttlSeconds: 3600,
    });
  });

  it('says a response without freshness is stored and revalidated on each use', () => {
    expect(judgeHttpCache('browser', request, response('max-age=0, s-maxage=3600'))).toEqual({
      layer: 'browser',
      stores: true,
      ttlSeconds: 0,
      detail: { revalidates: true },
    });
  });
});
