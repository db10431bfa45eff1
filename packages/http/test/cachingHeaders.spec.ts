import { memoryResponse, type MemoryResponse } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { parseHttpDate, SURROGATE_KEY_HEADERS } from '../src/index.js';
import { NO_MODERN_DIRECTIVES } from '../src/headers/cachingHeaders.js';
import { deltaSeconds, parseCacheControl } from '../src/headers/cacheControl.js';
import {
  doNotCache,
  splitKeys,
  writeCachingHeaders,
  type CachingHeaderInput,
  type ModernDirectives,
} from '../src/headers/cachingHeaders.js';
import { mergeVary, varyNames } from '../src/headers/vary.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0) + 300;
const LM = Date.UTC(2026, 2, 9, 12, 0, 0);

function input(overrides: Partial<CachingHeaderInput> = {}): CachingHeaderInput {
  return {
    maxage: null,
    smaxage: null,
    etag: undefined,
    weakETag: false,
    lastModified: undefined,
    vary: null,
    modern: NO_MODERN_DIRECTIVES,
    surrogateKeys: [],
    surrogateKeyHeader: undefined,
    noStore: false,
    now: NOW,
    ...overrides,
  };
}

function modern(overrides: Partial<ModernDirectives>): ModernDirectives {
  return { ...NO_MODERN_DIRECTIVES, ...overrides };
}

/** Seconds from NOW to the response's Expires. */
function expiresIn(response: MemoryResponse): number {
  const expires = parseHttpDate(response.getHeader('expires'));
  if (expires === undefined) throw new Error(`no parseable Expires: ${String(response.getHeader('expires'))}`);
  return (expires - Math.floor(NOW / 1000) * 1000) / 1000;
}

function write(
  overrides: Partial<CachingHeaderInput>,
  prepare?: (r: MemoryResponse) => void,
): { form: string; response: MemoryResponse } {
  const response = memoryResponse();
  prepare?.(response);
  const form = writeCachingHeaders(response, input(overrides));
  return { form, response };
}

describe('writeCachingHeaders', () => {
  it('gives each combination its own Cache-Control when one rule writes them in turn (values are remembered per rule)', () => {
    const rule = modern({ staleIfError: 30 });
    const seen = (overrides: Partial<CachingHeaderInput>): string | undefined =>
      write({ modern: rule, ...overrides }).response.getHeader('cache-control');
    expect(seen({ smaxage: 60 })).toBe('max-age=0, s-maxage=60, stale-if-error=30');
    expect(seen({ smaxage: 60, noStore: true })).toBe('max-age=0, s-maxage=60, stale-if-error=30, no-store');
    expect(seen({ smaxage: 120 })).toBe('max-age=0, s-maxage=120, stale-if-error=30');
    expect(seen({ maxage: 60, smaxage: 120 })).toBe('max-age=60, s-maxage=120, public, stale-if-error=30');
    expect(seen({ maxage: 60 })).toBe('max-age=60, public, stale-if-error=30');
    expect(seen({ smaxage: 60 })).toBe('max-age=0, s-maxage=60, stale-if-error=30');
    // Another rule with the same numbers but other directives.
    expect(write({ modern: modern({ noTransform: true }), smaxage: 60 }).response.getHeader('cache-control')).toBe(
      'max-age=0, s-maxage=60, must-revalidate, no-transform',
    );
  });

  describe('dispatch (PAC-1)', () => {
    it.each<[string, Partial<CachingHeaderInput>, string]>([
      ['maxage → browser and proxy', { maxage: 60 }, 'cacheInBrowserAndProxy'],
      ['maxage with smaxage → browser and proxy', { maxage: 60, smaxage: 120 }, 'cacheInBrowserAndProxy'],
      ['smaxage only → proxy', { smaxage: 60 }, 'cacheInProxy'],
      ['maxage 0 with smaxage → proxy', { maxage: 0, smaxage: 60 }, 'cacheInProxy'],
      ['an ETag only → browser', { etag: '|a' }, 'cacheInBrowser'],
      ['a Last-Modified only → browser', { lastModified: LM }, 'cacheInBrowser'],
      ['zeros with an ETag → browser', { maxage: 0, smaxage: 0, etag: '|a' }, 'cacheInBrowser'],
      ['nothing → do not cache', {}, 'doNotCache'],
      ['zeros → do not cache', { maxage: 0, smaxage: 0 }, 'doNotCache'],
    ])('%s', (_name, overrides, form) => {
      expect(write(overrides).form).toBe(form);
    });
  });

  describe('doNotCache (PAC-2)', () => {
    it('sends max-age=0, must-revalidate, private, an Expires at least a year ago, and no Last-Modified', () => {
      const { response } = write({}, (r) => {
        r.setHeader('Last-Modified', 'Mon, 09 Mar 2026 12:00:00 GMT');
        r.setHeader('ETag', '"app"');
        r.setHeader('Vary', 'Cookie');
      });
      expect(response.getHeader('cache-control')).toBe('max-age=0, must-revalidate, private');
      expect(expiresIn(response)).toBeLessThanOrEqual(-365 * 86_400);
      expect(response.getHeader('last-modified')).toBeUndefined();
      expect(response.getHeader('etag')).toBe('"app"');
      expect(response.getHeader('vary')).toBe('Cookie');
      expect(response.status).toBe(200);
    });

    it('drops Vary, ETag and Last-Modified given to it', () => {
      const { response } = write({ vary: ['Accept'] });
      expect(response.headers()).toEqual({
        'cache-control': 'max-age=0, must-revalidate, private',
        expires: response.getHeader('expires'),
      });
    });

    it('adds no-store when asked', () => {
      const response = memoryResponse();
      doNotCache(response, NOW, true);
      expect(response.getHeader('cache-control')).toBe('max-age=0, must-revalidate, private, no-store');
    });
  });

  describe('cacheInBrowser (PAC-3)', () => {
    it('sends the quoted ETag and Last-Modified when given, with doNotCache’s Cache-Control and Expires', () => {
      const { response } = write({ etag: '|foo|bar|', lastModified: LM });
      expect(response.getHeader('etag')).toBe('"|foo|bar|"');
      expect(response.getHeader('last-modified')).toBe('Mon, 09 Mar 2026 12:00:00 GMT');
      expect(response.getHeader('cache-control')).toBe('max-age=0, must-revalidate, private');
      expect(expiresIn(response)).toBeLessThanOrEqual(-365 * 86_400);
    });

    it('sends a weak ETag as W/"..."', () => {
      expect(write({ etag: '|a', weakETag: true }).response.getHeader('etag')).toBe('W/"|a"');
    });

    it('sends no ETag when none is given and removes a stale Last-Modified', () => {
      const { response } = write({ lastModified: LM }, (r) =>
        r.setHeader('Last-Modified', 'Thu, 01 Jan 1970 00:00:00 GMT'),
      );
      expect(response.getHeader('etag')).toBeUndefined();
      expect(response.getHeader('last-modified')).toBe('Mon, 09 Mar 2026 12:00:00 GMT');
      const { response: etagOnly } = write({ etag: '|a' }, (r) =>
        r.setHeader('Last-Modified', 'Thu, 01 Jan 1970 00:00:00 GMT'),
      );
      expect(etagOnly.getHeader('last-modified')).toBeUndefined();
    });

    it('sends no Vary (only shared forms vary)', () => {
      expect(write({ etag: '|a', vary: ['Accept'] }).response.getHeader('vary')).toBeUndefined();
    });

    it('sends none of the proxy-only headers', () => {
      const { response } = write({
        etag: '|a',
        modern: modern({ surrogateMaxage: 60, cdnMaxage: 60, staleWhileRevalidate: 5, immutable: true }),
        surrogateKeys: ['k'],
        surrogateKeyHeader: SURROGATE_KEY_HEADERS.xkey,
      });
      expect([...response.headerNames()].sort()).toEqual(['cache-control', 'etag', 'expires']);
    });
  });

  describe('cacheInProxy (PAC-4)', () => {
    it('sends max-age=0, s-maxage=N, must-revalidate with an expired Expires', () => {
      const { response } = write({ smaxage: 60 });
      expect(response.getHeader('cache-control')).toBe('max-age=0, s-maxage=60, must-revalidate');
      expect(expiresIn(response)).toBeLessThanOrEqual(-365 * 86_400);
      expect([...response.headerNames()].sort()).toEqual(['cache-control', 'expires']);
    });

    it('sends Vary, ETag and Last-Modified only when given', () => {
      const { response } = write({ smaxage: 60, vary: ['Accept'], etag: '|a', lastModified: LM });
      expect(response.getHeader('vary')).toBe('Accept');
      expect(response.getHeader('etag')).toBe('"|a"');
      expect(response.getHeader('last-modified')).toBe('Mon, 09 Mar 2026 12:00:00 GMT');
    });
  });

  describe('cacheInBrowserAndProxy (PAC-5)', () => {
    it('sends max-age=N, proxy-revalidate, public and Expires at now + N', () => {
      const { response } = write({ maxage: 60 });
      expect(response.getHeader('cache-control')).toBe('max-age=60, proxy-revalidate, public');
      expect(expiresIn(response)).toBe(60);
    });

    it('prints s-maxage when given, even 0', () => {
      expect(write({ maxage: 60, smaxage: 120 }).response.getHeader('cache-control')).toBe(
        'max-age=60, s-maxage=120, proxy-revalidate, public',
      );
      expect(write({ maxage: 60, smaxage: 0 }).response.getHeader('cache-control')).toBe(
        'max-age=60, s-maxage=0, proxy-revalidate, public',
      );
    });

    it('sends Vary, ETag and Last-Modified when given', () => {
      const { response } = write({ maxage: 60, vary: ['Accept', 'Accept-Language'], etag: '|a', lastModified: LM });
      expect(response.getHeader('vary')).toBe('Accept, Accept-Language');
      expect(response.getHeader('etag')).toBe('"|a"');
      expect(response.getHeader('last-modified')).toBe('Mon, 09 Mar 2026 12:00:00 GMT');
    });
  });

  describe('Vary', () => {
    it('merges into the application’s Vary additively and case-insensitively', () => {
      const { response } = write({ maxage: 60, vary: ['accept-encoding', 'Accept'] }, (r) =>
        r.setHeader('Vary', 'Accept-Encoding, Cookie'),
      );
      expect(response.getHeader('vary')).toBe('Accept-Encoding, Cookie, Accept');
    });

    it('keeps Vary: * as it is', () => {
      const { response } = write({ smaxage: 60, vary: ['Accept'] }, (r) => r.setHeader('Vary', '*'));
      expect(response.getHeader('vary')).toBe('*');
    });
  });

  describe('modern directives', () => {
    it('appends stale-while-revalidate and stale-if-error and drops the revalidate keyword that would void them', () => {
      expect(
        write({ maxage: 60, modern: modern({ staleWhileRevalidate: 30, staleIfError: 600 }) }).response.getHeader(
          'cache-control',
        ),
      ).toBe('max-age=60, public, stale-while-revalidate=30, stale-if-error=600');
      expect(
        write({ smaxage: 60, modern: modern({ staleWhileRevalidate: 30 }) }).response.getHeader('cache-control'),
      ).toBe('max-age=0, s-maxage=60, stale-while-revalidate=30');
    });

    it('appends immutable and no-transform to the browser-and-proxy form, and no-transform to the proxy form', () => {
      expect(
        write({ maxage: 31_536_000, modern: modern({ immutable: true, noTransform: true }) }).response.getHeader(
          'cache-control',
        ),
      ).toBe('max-age=31536000, proxy-revalidate, public, immutable, no-transform');
      expect(
        write({ smaxage: 60, modern: modern({ immutable: true, noTransform: true }) }).response.getHeader(
          'cache-control',
        ),
      ).toBe('max-age=0, s-maxage=60, must-revalidate, no-transform');
    });

    it('sends Surrogate-Control and CDN-Cache-Control for proxies, with the stale directives', () => {
      const { response } = write({
        smaxage: 60,
        modern: modern({ surrogateMaxage: 3600, cdnMaxage: 600, staleIfError: 86_400 }),
      });
      expect(response.getHeader('surrogate-control')).toBe('max-age=3600, stale-if-error=86400');
      expect(response.getHeader('cdn-cache-control')).toBe('max-age=600, stale-if-error=86400');
    });

    it('sends surrogate keys only when a proxy is configured', () => {
      expect(write({ maxage: 60, surrogateKeys: ['image:1', 'gallery:2'] }).response.getHeader('xkey')).toBeUndefined();
      expect(
        write({
          maxage: 60,
          surrogateKeys: ['image:1', 'gallery:2'],
          surrogateKeyHeader: SURROGATE_KEY_HEADERS.xkey,
        }).response.getHeader('xkey'),
      ).toBe('image:1 gallery:2');
      expect(
        write({
          maxage: 60,
          surrogateKeys: ['a', 'b'],
          surrogateKeyHeader: SURROGATE_KEY_HEADERS['Cache-Tag'],
        }).response.getHeader('cache-tag'),
      ).toBe('a,b');
      expect(
        write({ maxage: 60, surrogateKeys: [], surrogateKeyHeader: SURROGATE_KEY_HEADERS.xkey }).response.getHeader(
          'xkey',
        ),
      ).toBeUndefined();
    });

    it('adds no-store to every form when asked', () => {
      expect(write({ etag: '|a', noStore: true }).response.getHeader('cache-control')).toBe(
        'max-age=0, must-revalidate, private, no-store',
      );
      expect(write({ noStore: true }).response.getHeader('cache-control')).toBe(
        'max-age=0, must-revalidate, private, no-store',
      );
    });
  });
});

describe('splitKeys', () => {
  const header = { name: 'xkey', separator: ' ', maxLength: 20 } as const;

  it('joins keys with the separator while the line stays within the limit', () => {
    expect(splitKeys(['a', 'b', 'c'], header)).toEqual(['a b c']);
  });

  it('splits into several lines, none longer than the limit', () => {
    const keys = Array.from({ length: 50 }, (_, i) => `key:${i}`);
    const lines = splitKeys(keys, header);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
    expect(lines.join(' ').split(' ')).toEqual(keys);
  });

  it('puts an over-long key on a line of its own', () => {
    expect(splitKeys(['a', 'x'.repeat(30), 'b'], header)).toEqual(['a', 'x'.repeat(30), 'b']);
  });

  it('splits the real headers at 4096 characters', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `image:${i}`);
    for (const known of Object.values(SURROGATE_KEY_HEADERS)) {
      const lines = splitKeys(keys, known);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(4096);
      expect(lines.join(known.separator).split(known.separator)).toEqual(keys);
    }
  });
});

describe('mergeVary', () => {
  it('adds names without duplicates, keeping the first spelling', () => {
    expect(mergeVary(undefined, ['Accept'])).toBe('Accept');
    expect(mergeVary('Accept', ['ACCEPT', 'Cookie'])).toBe('Accept, Cookie');
    expect(mergeVary(' , Accept ,', [])).toBe('Accept');
  });

  it('collapses to * when any side says *', () => {
    expect(mergeVary('Accept', ['*'])).toBe('*');
    expect(mergeVary('*', ['Accept'])).toBe('*');
  });

  it('gives undefined when there is nothing', () => {
    expect(mergeVary(undefined, [])).toBeUndefined();
    expect(mergeVary(' ', [' '])).toBeUndefined();
  });
});

describe('varyNames', () => {
  it('lists lower-case names, or * alone', () => {
    expect(varyNames('Accept, Accept-Language')).toEqual(['accept', 'accept-language']);
    expect(varyNames('Accept, *')).toEqual(['*']);
    expect(varyNames(undefined)).toEqual([]);
  });
});

describe('parseCacheControl', () => {
  it('reads directives case-insensitively, with and without (quoted) arguments', () => {
    const d = parseCacheControl('Max-Age=60, PRIVATE, no-cache="Set-Cookie", , s-maxage = 5');
    expect(d.get('max-age')).toBe('60');
    expect(d.get('private')).toBe(true);
    expect(d.get('no-cache')).toBe('Set-Cookie');
    expect(d.get('s-maxage')).toBe('5');
  });

  it('keeps the first of repeated directives', () => {
    expect(parseCacheControl('max-age=1, max-age=2').get('max-age')).toBe('1');
  });

  it('never throws on garbage', () => {
    for (const value of ['', '=', '==,=', '"', 'a="', ',,,', '\u0000', 'x'.repeat(100_000)]) {
      expect(() => parseCacheControl(value)).not.toThrow();
    }
  });
});

describe('deltaSeconds', () => {
  it('reads whole non-negative seconds only', () => {
    const d = parseCacheControl('max-age=60, s-maxage=-1, stale-if-error=1.5, x=abc, big=9999999999999');
    expect(deltaSeconds(d, 'max-age')).toBe(60);
    expect(deltaSeconds(d, 's-maxage')).toBeUndefined();
    expect(deltaSeconds(d, 'stale-if-error')).toBeUndefined();
    expect(deltaSeconds(d, 'x')).toBeUndefined();
    expect(deltaSeconds(d, 'big')).toBeUndefined();
    expect(deltaSeconds(d, 'missing')).toBeUndefined();
  });
});
