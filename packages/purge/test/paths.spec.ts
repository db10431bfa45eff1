import { CachesetError } from '@cacheset/core';
import {
  encodePath,
  parseDomain,
  parseProxyUrl,
  rewriteForVhm,
  normalizeVhmRoot,
  vhmInsideOutPrefix,
  splitTags,
  withLeadingSlash,
} from '@cacheset/purge';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryWindowMs } from '../src/delivery/backoff.js';
import { classifyStatus } from '../src/delivery/classifyStatus.js';

describe('encodePath: the request target a proxy must be sent', () => {
  it('adds a leading slash (plone getURLsToPurge) and keeps the empty path as the root', () => {
    expect(withLeadingSlash('foo/bar')).toBe('/foo/bar');
    expect(encodePath('foo/bar')).toBe('/foo/bar');
    expect(encodePath('')).toBe('/');
    expect(encodePath('/')).toBe('/');
  });

  it('percent-encodes non-ASCII as UTF-8 and spaces as %20, exactly as a browser requests them', () => {
    expect(encodePath('/plone/media/file/download/file/data/töstfile.csv')).toBe(
      '/plone/media/file/download/file/data/t%C3%B6stfile.csv',
    );
    expect(encodePath('/a b/ü')).toBe('/a%20b/%C3%BC');
    expect(encodePath('/日本')).toBe('/%E6%97%A5%E6%9C%AC');
    // What the WHATWG URL parser (and so every browser) produces for the same path.
    for (const path of ['/a b', '/töst file.csv', '/x"y<z>`{}', '/%7Efoo', '/a|b[c]^d', "/q?x=a b&y=ä'"]) {
      const browser = new URL(`http://h${path}`);
      expect(encodePath(path), path).toBe(browser.pathname + browser.search);
    }
  });

  it('never double-encodes existing escapes, and treats # as data (fragments never reach a proxy)', () => {
    expect(encodePath('/a%20b')).toBe('/a%20b');
    expect(encodePath('/files/a#b.txt')).toBe('/files/a%23b.txt');
  });

  it('escapes control characters so that nothing in a path can break the request line', () => {
    expect(encodePath('/a\r\nHost: evil\u0000')).toBe('/a%0D%0AHost:%20evil%00');
    expect(encodePath('/lone\ud800')).toBe('/lone%EF%BF%BD');
  });
});

describe('parseProxyUrl: proxy URLs (SCM-15 prefix semantics)', () => {
  it('a bare origin: no prefix; one trailing slash dropped', () => {
    expect(parseProxyUrl('http://127.0.0.1:6081')).toMatchObject({
      origin: 'http://127.0.0.1:6081',
      prefix: '',
      hostHeader: '127.0.0.1:6081',
      absoluteForm: false,
    });
    expect(parseProxyUrl('http://127.0.0.1:6081/')).toMatchObject({ prefix: '' });
  });

  it('without a scheme, http is assumed (as Zope notify URLs)', () => {
    expect(parseProxyUrl('varnish:6081')).toMatchObject({
      origin: 'http://varnish:6081',
      scheme: 'http',
      hostHeader: 'varnish:6081',
    });
    expect(parseProxyUrl('localhost')).toMatchObject({ origin: 'http://localhost', hostHeader: 'localhost' });
  });

  it('https works (Zope turned it into http://https://...)', () => {
    expect(parseProxyUrl('https://cdn.example.com')).toMatchObject({
      origin: 'https://cdn.example.com',
      scheme: 'https',
      hostHeader: 'cdn.example.com',
    });
  });

  it('a path is a prefix for every purged path', () => {
    expect(parseProxyUrl('http://nginx:8080/purge/')).toMatchObject({ origin: 'http://nginx:8080', prefix: '/purge' });
    expect(parseProxyUrl('http://baz/bat')).toMatchObject({ origin: 'http://baz', prefix: '/bat', hostHeader: 'baz' });
  });

  it('a full-URL prefix selects the absolute request form (Squid)', () => {
    expect(parseProxyUrl('http://squid:3128/http://www.example.com/')).toMatchObject({
      origin: 'http://squid:3128',
      prefix: 'http://www.example.com',
      absoluteForm: true,
      hostHeader: 'www.example.com',
    });
  });

  it.each([
    ['', 'expected a proxy URL'],
    ['ftp://cache:21', 'uses ftp:'],
    ['http://user:secret@cache:6081', 'contains credentials'],
    ['http://cache:6081/?x=1', 'has a query or fragment'],
    ['http://cache:6081/#top', 'has a query or fragment'],
    ['http://[zz', 'is not a URL'],
  ])('rejects %j at start-up with ERR_CACHESET_PURGE_INVALID_PROXY_URL (%s)', (url, hint) => {
    expect(() => parseProxyUrl(url)).toThrowError(
      expect.objectContaining({
        code: 'ERR_CACHESET_PURGE_INVALID_PROXY_URL',
        message: expect.stringContaining(hint) as unknown,
      }) as Error,
    );
  });

  it('names the bad value in the error', () => {
    try {
      parseProxyUrl('ftp://cache:21');
      expect.unreachable();
    } catch (error) {
      expect(CachesetError.is(error, 'ERR_CACHESET_PURGE_INVALID_PROXY_URL')).toBe(true);
      expect((error as Error).message).toContain('ftp:');
    }
  });
});

describe('virtual hosting: the DefaultRewriter table (CP-8), domains from configuration only', () => {
  const vhm = (path: string, domains: string[], root = '/plone', prefix = ''): string[] =>
    rewriteForVhm(path, {
      root: normalizeVhmRoot(root),
      prefix: vhmInsideOutPrefix(prefix),
      domains: domains.map(parseDomain),
    });

  it.each([
    ['/foo', '/plone', '', '/VirtualHostBase/http/example.com/plone/VirtualHostRoot/foo'],
    ['/foo', '/', '', '/VirtualHostBase/http/example.com/VirtualHostRoot/foo'],
    ['/foo', '/bar/plone', '', '/VirtualHostBase/http/example.com/bar/plone/VirtualHostRoot/foo'],
    [
      '/foo',
      '/bar/plone',
      '/foo/bar',
      '/VirtualHostBase/http/example.com/bar/plone/VirtualHostRoot/_vh_foo/_vh_bar/foo',
    ],
    ['', '/plone', '/plone', '/VirtualHostBase/http/example.com/plone/VirtualHostRoot/_vh_plone'],
    ['/', '/plone', '', '/VirtualHostBase/http/example.com/plone/VirtualHostRoot/'],
    ['', '/plone', '', '/VirtualHostBase/http/example.com/plone/VirtualHostRoot'],
    ['/foo/bar', '/plone', '', '/VirtualHostBase/http/example.com/plone/VirtualHostRoot/foo/bar'],
    ['foo', '/plone', '', '/VirtualHostBase/http/example.com/plone/VirtualHostRoot/foo'],
  ])('%j with root %j and prefix %j', (path, root, prefix, expected) => {
    expect(vhm(path, ['http://example.com'], root, prefix)).toEqual([expected]);
  });

  it('keeps a port only when the domain names one, and https', () => {
    expect(vhm('/foo', ['http://example.com:81'])).toEqual([
      '/VirtualHostBase/http/example.com:81/plone/VirtualHostRoot/foo',
    ]);
    expect(vhm('/foo', ['https://example.com:81'])).toEqual([
      '/VirtualHostBase/https/example.com:81/plone/VirtualHostRoot/foo',
    ]);
    expect(vhm('/foo', ['http://example.com:80'])).toEqual([
      '/VirtualHostBase/http/example.com:80/plone/VirtualHostRoot/foo',
    ]);
  });

  it('one path per domain, in domain order', () => {
    expect(vhm('/foo', ['http://example.org:81', 'https://example.com:82'])).toEqual([
      '/VirtualHostBase/http/example.org:81/plone/VirtualHostRoot/foo',
      '/VirtualHostBase/https/example.com:82/plone/VirtualHostRoot/foo',
    ]);
  });
});

describe('parseDomain', () => {
  it('gives the Host header a browser sends: default ports dropped, IDN in punycode', () => {
    expect(parseDomain('https://www.example.com:443')).toMatchObject({
      scheme: 'https',
      authority: 'www.example.com:443',
      hostHeader: 'www.example.com',
    });
    expect(parseDomain('www.example.com:8080')).toMatchObject({ scheme: 'http', hostHeader: 'www.example.com:8080' });
    expect(parseDomain('http://bücher.example')).toMatchObject({ hostHeader: 'xn--bcher-kva.example' });
  });

  it.each(['', 'ftp://example.com', 'https://example.com/site', 'https://u:p@example.com', 'https://example.com/?a=1'])(
    'rejects %j with ERR_CACHESET_PURGE_INVALID_DOMAIN',
    (domain) => {
      expect(() => parseDomain(domain)).toThrowError(
        expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_DOMAIN' }) as Error,
      );
    },
  );
});

describe('splitTags: tag lists under a header-size limit', () => {
  it('packs tags in order into as few headers as fit, each within the limit', () => {
    const tags = Array.from({ length: 1000 }, (_, i) => `image-${i}`);
    const { groups, oversized } = splitTags(tags, ' ', 500);
    expect(oversized).toEqual([]);
    expect(groups.flat()).toEqual(tags);
    for (const group of groups) expect(group.join(' ').length).toBeLessThanOrEqual(500);
    // Greedy packing: no group could have taken the next group's first tag.
    for (let i = 0; i + 1 < groups.length; i += 1)
      expect(`${(groups[i] as string[]).join(' ')} ${(groups[i + 1] as string[])[0]}`.length).toBeGreaterThan(500);
  });

  it('sets apart a tag longer than the limit on its own', () => {
    const long = 'x'.repeat(65);
    expect(splitTags(['a', long, 'b'], ',', 64)).toEqual({ groups: [['a', 'b']], oversized: [long] });
  });
});

describe('retries', () => {
  const retry = { attempts: 6, initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0 };

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(retry, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryWindowMs(retry)).toBe(100 + 200 + 400 + 800 + 1000);
  });

  it('jitter keeps each wait between (1 - jitter) and 1 times the exponential delay', () => {
    const jittered = { ...retry, jitter: 0.5 };
    expect(backoffDelay(jittered, 3, () => 0)).toBe(200);
    expect(backoffDelay(jittered, 3, () => 0.999_999)).toBe(400);
  });

  it('2xx and 404 are done; 5xx, 408 and 429 are retried; anything else is refused at once', () => {
    expect([200, 204, 404].map(classifyStatus)).toEqual(['success', 'success', 'success']);
    expect([500, 502, 503, 408, 429].map(classifyStatus)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    expect([400, 401, 403, 405, 301].map(classifyStatus)).toEqual(['reject', 'reject', 'reject', 'reject', 'reject']);
  });
});
