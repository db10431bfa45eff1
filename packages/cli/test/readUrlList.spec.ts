import { CachesetError } from '@cacheset/core';
import { cacheOutcomes, CliErrorCodes, readUrlList } from '@cacheset/cli';
import { describe, expect, it } from 'vitest';

const base = new URL('http://127.0.0.1:3000/');

function failure(run: () => unknown): CachesetError {
  try {
    run();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('readUrlList', () => {
  it('reads the <loc> entries of a sitemap, entities decoded', () => {
    const sitemap = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.org/</loc></url>
  <url><loc> https://example.org/search?q=a&amp;page=2 </loc><lastmod>2026-01-01</lastmod></url>
</urlset>`;
    expect(readUrlList(sitemap, 'sitemap.xml', undefined).map((u) => u.href)).toEqual([
      'https://example.org/',
      'https://example.org/search?q=a&page=2',
    ]);
  });

  it('reads a text list, skipping blank lines and comments, resolving paths against the base', () => {
    const list = '# pages\n/\n\n/images/a\nhttp://other.example/x\n';
    expect(readUrlList(list, 'urls.txt', base).map((u) => u.href)).toEqual([
      'http://127.0.0.1:3000/',
      'http://127.0.0.1:3000/images/a',
      'http://other.example/x',
    ]);
  });

  it('names the file and line of a bad entry, and what to do for a path without a base', () => {
    const error = failure(() => readUrlList('http://ok.example/\n/images/a\n', 'urls.txt', undefined));
    expect(error.code).toBe(CliErrorCodes.WARM_INPUT);
    expect(error.message).toBe(
      'urls.txt:2: "/images/a" is not a URL; pass --base http://host:port/ (or --url) for paths',
    );
    expect(failure(() => readUrlList('ftp://x.example/\n', 'u.txt', base)).message).toBe(
      'u.txt:1: "ftp://x.example/" is not an http(s) URL',
    );
  });

  it('refuses an empty list and a sitemap index', () => {
    expect(failure(() => readUrlList('# nothing\n', 'u.txt', base)).message).toContain('lists no URL');
    const index =
      '<?xml version="1.0"?><sitemapindex><sitemap><loc>https://e.org/s1.xml</loc></sitemap></sitemapindex>';
    expect(failure(() => readUrlList(index, 'index.xml', base)).message).toBe(
      'index.xml is a sitemap index; warm each of the sitemaps it lists',
    );
  });
});

describe('cacheOutcomes', () => {
  it("reads each cache's verdict from X-Cache, Cache-Status and X-RAMCache", () => {
    expect(cacheOutcomes(new Headers({ 'x-cache': 'HIT', 'cache-status': 'cacheset; fwd=uri-miss' }))).toEqual([
      { cache: 'X-Cache', outcome: 'hit' },
      { cache: 'cacheset', outcome: 'miss' },
    ]);
    expect(cacheOutcomes(new Headers({ 'cache-status': 'cacheset; hit, edge; fwd=miss; stored' }))).toEqual([
      { cache: 'cacheset', outcome: 'hit' },
      { cache: 'edge', outcome: 'miss' },
    ]);
    expect(cacheOutcomes(new Headers({ 'x-ramcache': 'hit', 'cache-status': 'cacheset; hit' }))).toEqual([
      { cache: 'cacheset', outcome: 'hit' },
    ]);
    expect(cacheOutcomes(new Headers({ 'x-ramcache': 'hit' }))).toEqual([{ cache: 'X-RAMCache', outcome: 'hit' }]);
    expect(cacheOutcomes(new Headers({ 'cache-control': 'no-store' }))).toEqual([]);
  });
});
