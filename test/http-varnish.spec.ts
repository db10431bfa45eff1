// @cacheset/http behind a real Varnish 7 running the shipped docs/varnish/cacheset.vcl: the proxy
// caches exactly what the headers allow, and only that.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bindAdapter, ISurrogateKeys, RulesetRegistry, type PolicyData } from '@cacheset/core';
import { cachingHandler, createHttpCaching, type RouteCaching } from '@cacheset/http';
import { Container } from 'inversify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Varnish } from './support/varnish.js';

const vclPath = new URL('../docs/varnish/cacheset.vcl', import.meta.url);

class Article {
  constructor(readonly id: number) {}
}

const policy: PolicyData = {
  operationMapping: {
    'page.moderate': 'moderateCaching',
    'page.cookie': 'moderateCaching',
    'page.localized': 'moderateCaching',
    'page.tagged': 'moderateCaching',
    'page.private': 'noCaching',
    'asset.browserTtl': 'strongCaching',
    'asset.shortProxyTtl': 'strongCaching',
    'asset.longProxyTtl': 'strongCaching',
    'page.surrogateTtl': 'moderateCaching',
  },
  operations: {
    moderateCaching: {
      options: { smaxage: '1h' },
      rulesets: {
        'page.localized': { vary: 'Accept-Language' },
        'page.tagged': { surrogateMaxage: '1h' },
        // The proxy's own TTL (Surrogate-Control) outlives s-maxage.
        'page.surrogateTtl': { smaxage: 1, surrogateMaxage: '1h' },
      },
    },
    strongCaching: {
      rulesets: {
        // max-age only: Varnish takes its TTL from max-age.
        'asset.browserTtl': { maxage: 1 },
        // s-maxage wins over max-age in a shared cache, both ways round.
        'asset.shortProxyTtl': { maxage: '1h', smaxage: 1 },
        'asset.longProxyTtl': { maxage: 1, smaxage: '1h' },
      },
    },
  },
};

interface Route extends RouteCaching {
  render(req: IncomingMessage, res: ServerResponse): void;
}

const userOf = (req: IncomingMessage): string =>
  req.headers.authorization !== undefined || req.headers.cookie?.includes('session=') === true ? 'alice' : 'anonymous';
const page =
  (name: string) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(`${name} for ${userOf(req)} (rendering ${String(hits.get(name))})`);
  };

const routes: Readonly<Record<string, Route>> = {
  '/moderate': { ruleset: 'page.moderate', render: page('/moderate') },
  '/private': { ruleset: 'page.private', render: page('/private') },
  '/cookie': {
    ruleset: 'page.cookie',
    render(req, res) {
      res.setHeader('Set-Cookie', 'visited=1; Path=/');
      page('/cookie')(req, res);
    },
  },
  '/localized': {
    ruleset: 'page.localized',
    render(req, res) {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.setHeader('Content-Language', req.headers['accept-language'] === 'de' ? 'de' : 'en');
      res.end(req.headers['accept-language'] === 'de' ? 'Guten Tag' : 'Hello');
    },
  },
  '/tagged': { ruleset: 'page.tagged', published: new Article(7), render: page('/tagged') },
  '/asset/browser-ttl': { ruleset: 'asset.browserTtl', render: page('/asset/browser-ttl') },
  '/asset/short-proxy-ttl': { ruleset: 'asset.shortProxyTtl', render: page('/asset/short-proxy-ttl') },
  '/asset/long-proxy-ttl': { ruleset: 'asset.longProxyTtl', render: page('/asset/long-proxy-ttl') },
  '/surrogate-ttl': { ruleset: 'page.surrogateTtl', render: page('/surrogate-ttl') },
  // No rule: the application alone says private, and adds a Surrogate-Control of its own.
  '/app-private-surrogate': {
    render(req, res) {
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('Surrogate-Control', 'max-age=3600');
      page('/app-private-surrogate')(req, res);
    },
  },
};

/** Backend renderings per path: what reached the application. */
const hits = new Map<string, number>();
const hitsOf = (path: string): number => hits.get(path) ?? 0;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeWithServers(
  '@cacheset/http behind a real Varnish 7 (docs/varnish/cacheset.vcl)',
  ['varnishd', 'varnishadm'],
  () => {
    let server: Server;
    let backend: string;
    let varnish: Varnish;

    beforeAll(async () => {
      const container = new Container();
      bindAdapter(container, {
        provides: ISurrogateKeys,
        for: Article,
        factory: (article: Article) => ({ getKeys: () => [`article:${article.id}`, 'articles'] }),
      });
      const caching = createHttpCaching({
        policy,
        rulesets: new RulesetRegistry(),
        container,
        behindProxy: true,
        authenticatedCookies: ['session'],
      });
      const handlers = new Map(
        Object.entries(routes).map(([path, { render, ...route }]) => [
          path,
          cachingHandler(
            caching,
            (req, res) => {
              hits.set(path, hitsOf(path) + 1);
              render(req, res);
            },
            route,
          ),
        ]),
      );
      server = createServer((req, res) => {
        const handler = handlers.get(new URL(req.url ?? '/', 'http://backend').pathname);
        if (handler !== undefined) return handler(req, res);
        res.statusCode = 404;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      backend = `http://127.0.0.1:${address.port}`;
      varnish = await Varnish.start({ vcl: await readFile(vclPath, 'utf8'), backendPort: address.port });
    });

    afterAll(async () => {
      await varnish?.stop();
      server?.closeAllConnections();
      await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    });

    const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> =>
      rawRequest(`${varnish.url}${path}`, { headers, method });

    it('serves a moderateCaching page from Varnish on the second request, without asking the backend', async () => {
      const first = await get('/moderate');
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
      expect(first.headers['x-cache']).toBe('MISS');
      expect(hitsOf('/moderate')).toBe(1);

      await sleep(1_100);
      const second = await get('/moderate');
      expect(second.headers['x-cache']).toBe('HIT');
      expect(Number(second.headers.age)).toBeGreaterThanOrEqual(1);
      expect(second.text).toBe(first.text);
      // The headers the application wrote come along: browsers still revalidate every time.
      expect(second.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
      expect(second.headers['x-cache-operation']).toBe('moderateCaching');

      const head = await get('/moderate', {}, 'HEAD');
      expect(head.headers['x-cache']).toBe('HIT');
      expect(head.body.byteLength).toBe(0);
      expect(hitsOf('/moderate')).toBe(1);
    });

    it('never serves a noCaching page from the cache: every request reaches the backend', async () => {
      for (let i = 1; i <= 3; i += 1) {
        const response = await get('/private');
        expect(response.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
        expect(response.headers['x-cache']).toBe('MISS');
        expect(response.text).toBe(`/private for anonymous (rendering ${i})`);
      }
      expect(hitsOf('/private')).toBe(3);
    });

    it('never serves authenticated requests from the cache, nor stores their responses', async () => {
      const anonymous = await get('/moderate?who=auth');
      expect(anonymous.text).toContain('for anonymous');
      const before = hitsOf('/moderate');

      // The anonymous copy is in Varnish, yet logged-in users get their own rendering, marked private.
      for (const credentials of [{ authorization: 'Basic YWxpY2U6c2VjcmV0' }, { cookie: 'session=s3cr3t' }]) {
        const response = await get('/moderate?who=auth', credentials);
        expect(response.headers['x-cache']).toBe('MISS');
        expect(response.text).toContain('for alice');
        expect(response.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
      }
      expect(hitsOf('/moderate')).toBe(before + 2);

      // A URL first asked for by a logged-in user: the anonymous request after it is not given that copy.
      const authenticatedFirst = await get('/moderate?who=auth-first', { authorization: 'Basic YWxpY2U6c2VjcmV0' });
      expect(authenticatedFirst.text).toContain('for alice');
      const anonymousAfter = await get('/moderate?who=auth-first');
      expect(anonymousAfter.headers['x-cache']).toBe('MISS');
      expect(anonymousAfter.text).toContain('for anonymous');
      expect(hitsOf('/moderate')).toBe(before + 4);
      expect((await get('/moderate?who=auth')).headers['x-cache']).toBe('HIT');
    });

    it('never caches a response that sets a cookie, even under a public ruleset', async () => {
      for (let i = 1; i <= 2; i += 1) {
        const response = await get('/cookie');
        expect(response.headers['set-cookie']).toBe('visited=1; Path=/');
        expect(response.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
        expect(response.headers['x-cache']).toBe('MISS');
        expect(response.text).toBe(`/cookie for anonymous (rendering ${i})`);
      }
      expect(hitsOf('/cookie')).toBe(2);
    });

    it('keeps one variant per Vary value: two languages, two renderings, then each from cache', async () => {
      const en = await get('/localized', { 'accept-language': 'en' });
      const de = await get('/localized', { 'accept-language': 'de' });
      expect([en.headers['x-cache'], de.headers['x-cache']]).toEqual(['MISS', 'MISS']);
      expect(en.headers.vary).toBe('Accept-Language');
      expect(hitsOf('/localized')).toBe(2);

      const enAgain = await get('/localized', { 'accept-language': 'en' });
      const deAgain = await get('/localized', { 'accept-language': 'de' });
      expect([enAgain.headers['x-cache'], enAgain.text, enAgain.headers['content-language']]).toEqual([
        'HIT',
        'Hello',
        'en',
      ]);
      expect([deAgain.headers['x-cache'], deAgain.text, deAgain.headers['content-language']]).toEqual([
        'HIT',
        'Guten Tag',
        'de',
      ]);
      expect(hitsOf('/localized')).toBe(2);
    });

    it('sends surrogate keys (xkey) and Surrogate-Control to Varnish, which strips them before the client', async () => {
      const direct = await rawRequest(`${backend}/tagged?direct`);
      expect(direct.headers.xkey).toBe('article:7 articles');
      expect(direct.headers['surrogate-control']).toBe('max-age=3600');

      const viaProxy = await get('/tagged');
      expect(viaProxy.headers['x-cache']).toBe('MISS');
      expect(viaProxy.headers.xkey).toBeUndefined();
      expect(viaProxy.headers['surrogate-control']).toBeUndefined();
      expect((await get('/tagged')).headers['x-cache']).toBe('HIT');
      const before = hitsOf('/tagged');

      // Varnish indexed the tags: an unrelated tag invalidates nothing, the article's tag its page.
      const unrelated = await rawRequest(varnish.url, { method: 'PURGE', headers: { 'xkey-purge': 'article:8' } });
      expect(unrelated.text.trim()).toBe('Invalidated 0 objects');
      expect((await get('/tagged')).headers['x-cache']).toBe('HIT');
      const purged = await rawRequest(varnish.url, { method: 'PURGE', headers: { 'xkey-purge': 'article:7' } });
      expect(purged.text.trim()).toBe('Invalidated 1 objects');
      const after = await get('/tagged');
      expect(after.headers['x-cache']).toBe('MISS');
      expect(hitsOf('/tagged')).toBe(before + 1);
    });

    it('honours strongCaching max-age, and s-maxage over max-age, as the proxy TTL', async () => {
      const paths = ['/asset/browser-ttl', '/asset/short-proxy-ttl', '/asset/long-proxy-ttl'];
      const first = await Promise.all(paths.map((path) => get(path)));
      expect(first.map((r) => r.headers['cache-control'])).toEqual([
        'max-age=1, proxy-revalidate, public',
        'max-age=3600, s-maxage=1, proxy-revalidate, public',
        'max-age=1, s-maxage=3600, proxy-revalidate, public',
      ]);
      expect((await Promise.all(paths.map((path) => get(path)))).map((r) => r.headers['x-cache'])).toEqual([
        'HIT',
        'HIT',
        'HIT',
      ]);

      await sleep(1_600);
      const later = await Promise.all(paths.map((path) => get(path)));
      // One second (max-age=1, or s-maxage=1 despite max-age=3600) has passed; s-maxage=3600 has not.
      expect(later.map((r) => r.headers['x-cache'])).toEqual(['MISS', 'MISS', 'HIT']);
      expect(Number(later[2]?.headers.age)).toBeGreaterThanOrEqual(1);
      expect(paths.map(hitsOf)).toEqual([2, 2, 1]);
    });
    it('takes its TTL from Surrogate-Control max-age (the surrogateMaxage option), beyond s-maxage', async () => {
      const first = await get('/surrogate-ttl');
      expect(first.headers['cache-control']).toBe('max-age=0, s-maxage=1, must-revalidate');
      expect(first.headers['surrogate-control']).toBeUndefined();
      await sleep(1_600);
      const later = await get('/surrogate-ttl');
      expect(later.headers['x-cache']).toBe('HIT');
      expect(hitsOf('/surrogate-ttl')).toBe(1);
    });

    it('never lets a Surrogate-Control header make a private response cacheable', async () => {
      await get('/app-private-surrogate');
      await get('/app-private-surrogate');
      expect(hitsOf('/app-private-surrogate')).toBe(2);
    });
  },
);
