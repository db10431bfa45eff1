/**
 * The `ramCache` option end to end: a real node:http server on a free loopback port with
 * `createHttpCaching({ responseCache: RamCacheManager })` and `cachingHandler`, requested over TCP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bindAdapter, EventBus, IPurgePaths, Purge, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';
import { RamCacheManager } from '@cacheset/ram';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './support/httpRequest.js';

class Article {
  constructor(readonly slug: string) {}
}

describe('ramCache through a real node:http server', () => {
  let server: Server;
  let base: string;
  let ram: RamCacheManager;
  const bus = new EventBus();
  const renders = new Map<string, number>();
  const quiet = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Article,
      name: 'article',
      factory: (a: Article) => ({ getRelativePaths: () => [`/articles/${a.slug}`], getAbsolutePaths: () => [] }),
    });
    ram = new RamCacheManager({ bus, container, logger: quiet, maxAge: 600, waitTimeoutMs: 5_000 });
    const caching = createHttpCaching({
      rulesets: new RulesetRegistry(),
      container,
      responseCache: ram,
      logger: quiet,
      policy: {
        operationMapping: { 'site.article': 'strongCaching' },
        operations: { strongCaching: { rulesets: { 'site.article': { ramCache: true, maxage: 60 } } } },
      },
    });
    const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const count = (renders.get(path) ?? 0) + 1;
      renders.set(path, count);
      if (path.startsWith('/slow/')) await new Promise((r) => setTimeout(r, 100));
      if (path === '/cookie') res.setHeader('Set-Cookie', 'session=abc');
      if (path === '/broken') {
        res.statusCode = 500;
        res.end('failed');
        return;
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<h1>${path}</h1><p>render ${count}</p>`);
    };
    server = createServer(cachingHandler(caching, handler, { ruleset: 'site.article' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ram.close();
  });

  it('replays the second request from RAM, marked, with the same body and a recomputed Age and Expires', async () => {
    const first = await rawRequest(`${base}/articles/cats`);
    expect(first.status).toBe(200);
    expect(first.headers['x-ramcache']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await rawRequest(`${base}/articles/cats`);
    expect(second.status).toBe(200);
    expect(second.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(second.text).toBe(first.text);
    expect(renders.get('/articles/cats')).toBe(1);
    const age = Number(second.headers.age);
    expect(age).toBeGreaterThanOrEqual(1);
    // Expires counts down from the replay, not the absolute date of the first rendering.
    const expires = Date.parse(second.headers.expires ?? '');
    const date = Date.parse(second.headers.date ?? '');
    expect(Math.round((expires - date) / 1000)).toBe(60 - age);
    expect(second.headers['content-length']).toBe(String(Buffer.byteLength(first.text)));
    expect(ram.report().find((r) => r.path === '/articles/cats')).toMatchObject({
      hits: 1,
      misses: 1,
      entries: 1,
      views: ['site.article'],
    });
  });

  it('renders concurrent requests for a cold page once; the others wait and get it', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => rawRequest(`${base}/slow/report`)));
    expect(renders.get('/slow/report')).toBe(1);
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.text).toBe(responses[0]?.text);
    }
    expect(responses.filter((r) => r.headers['x-ramcache'] !== undefined)).toHaveLength(7);
    // The page takes 100 ms to render: the other requests arrived meanwhile and waited for it.
    expect(ram.statistics().collapsedHits).toBeGreaterThanOrEqual(1);
  });

  it('never answers an authenticated request from RAM, and never stores a response that sets a cookie or failed', async () => {
    await rawRequest(`${base}/articles/dogs`);
    const private1 = await rawRequest(`${base}/articles/dogs`, { headers: { authorization: 'Bearer alice' } });
    expect(private1.headers['x-ramcache']).toBeUndefined();
    expect(renders.get('/articles/dogs')).toBe(2);
    for (const path of ['/cookie', '/broken']) {
      await rawRequest(`${base}${path}`);
      const again = await rawRequest(`${base}${path}`);
      expect(again.headers['x-ramcache']).toBeUndefined();
      expect(renders.get(path)).toBe(2);
    }
  });

  it('answers HEAD from RAM with the headers GET gets and no body', async () => {
    await rawRequest(`${base}/articles/head`);
    const head = await rawRequest(`${base}/articles/head`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(head.body.byteLength).toBe(0);
  });

  it('renders afresh after a Purge of the object the page shows', async () => {
    await rawRequest(`${base}/articles/birds`);
    expect((await rawRequest(`${base}/articles/birds`)).headers['x-ramcache']).toBeDefined();
    bus.notify(new Purge(new Article('birds')));
    const after = await rawRequest(`${base}/articles/birds`);
    expect(after.headers['x-ramcache']).toBeUndefined();
    expect(after.text).toContain('render 2');
  });
});
