/**
 * The contract of prepared RAM-cache hits (`preparedAnswers`, on by default), through real node:http,
 * Fastify, Express and Koa servers and real RAM caches: the same requests sent to a site with prepared answers and to the
 * same site without get the same status, headers (but Date) and body, and leave the same hit and
 * miss counts; before and after an invalidation (a Purge), a content edit and a policy edit, which
 * the prepared side must follow at once (never a stale copy). Prepared 304s are covered in
 * packages/http/test/fastpathContract.spec.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bindAdapter,
  catalogCounterOf,
  EventBus,
  ILastModified,
  IPurgePaths,
  Purge,
  RulesetRegistry,
  type PolicyData,
} from '@cacheset/core';
import { cachingHandler, createHttpCaching, type HttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa, { type Middleware } from 'koa';
import compose from 'koa-compose';
import { RamCacheManager } from '@cacheset/ram';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { listenOnLoopback } from './support/listenOnLoopback.js';

class Article {
  constructor(
    readonly slug: string,
    public updatedAt: DateTime,
    public title: string,
  ) {}
}

const policy = (ramCache: boolean): PolicyData => ({
  operationMapping: { 'site.article': 'moderateCaching', 'site.plain': 'strongCaching' },
  operations: {
    moderateCaching: {
      rulesets: {
        'site.article': {
          smaxage: 600,
          ramCache,
          etags: ['lastModified'],
          lastModified: true,
          vary: ['Accept-Language'],
        },
      },
    },
    strongCaching: { rulesets: { 'site.plain': { maxage: 60, ramCache } } },
  },
});

const bus = new EventBus();
const article = new Article('cats', DateTime.fromISO('2026-11-01T09:30:00Z', { zone: 'utc' }), 'Cats');
const clock = { ms: Date.parse('2026-12-02T10:00:00.250Z') };
const quiet = { warn: () => undefined, error: () => undefined };

interface Site {
  readonly caching: HttpCaching;
  readonly ram: RamCacheManager;
  readonly base: string;
  close(): Promise<void>;
}

type Adapter = 'node:http' | 'Fastify' | 'Express' | 'Koa';

async function site(preparedAnswers: boolean, adapter: Adapter): Promise<Site> {
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Article,
    factory: (a: Article) => ({ lastModified: () => a.updatedAt }),
  });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Article,
    name: 'article',
    factory: (a: Article) => ({ getRelativePaths: () => [`/articles/${a.slug}`], getAbsolutePaths: () => [] }),
  });
  const ram = new RamCacheManager({ bus, container, logger: quiet, maxAge: 600 });
  const rulesets = new RulesetRegistry();
  // Express names the article's route by its view alone: the registry gives its ruleset.
  rulesets.register(Article, 'site.article');
  const caching = createHttpCaching({
    rulesets,
    container,
    responseCache: ram,
    logger: quiet,
    catalogCounter: catalogCounterOf(bus),
    authenticatedCookies: ['session'],
    now: () => clock.ms,
    policy: policy(true),
    preparedAnswers,
  });
  const page = (acceptLanguage: string | string[] | undefined): string =>
    `<h1>${article.title}</h1><p>${String(acceptLanguage ?? 'any')}</p>`;
  if (adapter === 'Fastify') {
    const app = Fastify();
    // An earlier hook of the application's own: its Cache-Status entry comes before cacheset's.
    app.addHook('onRequest', (request, reply, done) => {
      const upstream = request.headers['x-upstream-status'];
      if (typeof upstream === 'string') reply.header('Cache-Status', upstream);
      done();
    });
    await app.register(cachesetFastify, { caching });
    // The application's own hooks run for every answer, a prepared hit included.
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('x-app-on-send', 'ran');
      return payload;
    });
    const render = (
      request: { headers: Record<string, string | string[] | undefined> },
      reply: { type(t: string): unknown },
    ) => {
      reply.type('text/html; charset=utf-8');
      return page(request.headers['accept-language']);
    };
    app.get('/articles/cats', { config: { cacheRuleset: 'site.article', cachePublished: article } }, render);
    app.get('/plain', { config: { cacheRuleset: 'site.plain' } }, render);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { caching, ram, base: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  if (adapter === 'Koa') {
    const app = new Koa();
    app.silent = true;
    const cacheset = cachesetKoa(caching);
    app.use(cacheset.middleware());
    // The application's own middleware before the routes runs for every answer, a prepared hit included.
    app.use(async (ctx, next) => {
      ctx.set('x-app-middleware', 'ran');
      if (ctx.get('x-upstream-status') !== '') ctx.set('Cache-Status', ctx.get('x-upstream-status'));
      // A ruleset named per request in ctx.state, which the route's view alone does not name.
      if (ctx.get('x-ruleset') !== '') ctx.state.cacheRuleset = 'site.plain';
      await next();
    });
    const render: Middleware = (ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = page(ctx.headers['accept-language']);
    };
    const routes = new Map<string, Middleware>([
      ['/articles/cats', compose([cacheset.view(article), render])],
      ['/plain', compose([cacheset.ruleset('site.plain'), render])],
    ]);
    app.use((ctx, next) => routes.get(ctx.path)?.(ctx, next) ?? next());
    const { url, close } = await listenOnLoopback(createServer(app.callback()));
    return { caching, ram, base: url, close };
  }
  if (adapter === 'Express') {
    const app = express();
    const cacheset = cachesetExpress(caching);
    cacheset.install(app);
    // The application's own middleware before the routes runs for every answer, a prepared hit included.
    app.use((req, res, next) => {
      res.set('x-app-middleware', 'ran');
      const upstream = req.headers['x-upstream-status'];
      if (typeof upstream === 'string') res.set('Cache-Status', upstream);
      // A ruleset named per request in res.locals, which the route's view alone does not name.
      if (req.headers['x-ruleset'] !== undefined) res.locals.cacheRuleset = 'site.plain';
      next();
    });
    const render = (req: express.Request, res: express.Response): void => {
      res.set('Content-Type', 'text/html; charset=utf-8');
      res.send(page(req.headers['accept-language']));
    };
    app.get('/articles/cats', cacheset.view(article), render);
    app.get('/plain', cacheset.ruleset('site.plain'), render);
    const { url, close } = await listenOnLoopback(createServer(app));
    return { caching, ram, base: url, close };
  }
  const render = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page(req.headers['accept-language']));
  };
  const articleRoute = cachingHandler(caching, render, { ruleset: 'site.article', published: article });
  const plainRoute = cachingHandler(caching, render, { ruleset: 'site.plain' });
  const { url, close } = await listenOnLoopback(
    createServer((req, res) => {
      const upstream = req.headers['x-upstream-status'];
      if (typeof upstream === 'string') res.setHeader('Cache-Status', upstream);
      return (req.url ?? '').startsWith('/articles/') ? articleRoute(req, res) : plainRoute(req, res);
    }),
  );
  return { caching, ram, base: url, close };
}

describe.each<Adapter>(['node:http', 'Fastify', 'Express', 'Koa'])('through %s', (adapter) => {
  let on: Site;
  let off: Site;
  beforeAll(async () => {
    on = await site(true, adapter);
    off = await site(false, adapter);
  });
  afterAll(async () => {
    for (const s of [on, off]) {
      await s.close();
      await s.ram.close();
    }
  });

  function seen(response: RawResponse): {
    status: number;
    headers: Record<string, string>;
    order: string[];
    body: string;
  } {
    const { date: _date, ...headers } = response.headers;
    return { status: response.status, headers, order: Object.keys(headers), body: response.text };
  }

  interface Probe {
    readonly path: string;
    readonly method: string;
    readonly headers: Record<string, string>;
  }

  function probes(): Probe[] {
    const list: Probe[] = [];
    for (const path of ['/articles/cats', '/articles/cats?page=2', '/plain'])
      for (const method of ['GET', 'HEAD'])
        for (const headers of [
          {},
          { 'accept-language': 'de' },
          { cookie: 'session=alice' },
          { 'if-none-match': '"|0"' },
          { range: 'bytes=0-3' },
          // The application put a Cache-Status entry of its own on the response before cacheset answers.
          { 'x-upstream-status': 'upstream; fwd=miss' },
          // Express and Koa: an app middleware names site.plain in res.locals / ctx.state for these.
          { 'x-ruleset': 'plain' },
        ])
          list.push({ path, method, headers });
    return list;
  }

  /** One request to both sites (so that their counts stay comparable); the prepared side's answer. */
  async function both(path: string): Promise<RawResponse> {
    await rawRequest(`${off.base}${path}`);
    return rawRequest(`${on.base}${path}`);
  }

  /** Every probe twice to each site, in the same order: the same answers, hit for hit. */
  async function expectSameAnswers(): Promise<{ fromRam: number }> {
    let fromRam = 0;
    for (const probe of probes())
      for (let i = 0; i < 2; i += 1) {
        const options = { method: probe.method, headers: probe.headers };
        const expected = seen(await rawRequest(`${off.base}${probe.path}`, options));
        const actual = seen(await rawRequest(`${on.base}${probe.path}`, options));
        const label = `${probe.method} ${probe.path} ${JSON.stringify(probe.headers)} #${i + 1}`;
        expect({ label, ...actual }).toEqual({ label, ...expected });
        if (adapter === 'Fastify')
          expect({ label, hook: actual.headers['x-app-on-send'] }).toEqual({ label, hook: 'ran' });
        if (adapter === 'Express' || adapter === 'Koa')
          expect({ label, middleware: actual.headers['x-app-middleware'] }).toEqual({ label, middleware: 'ran' });
        if (expected.headers['x-ramcache'] !== undefined) fromRam += 1;
      }
    const counts = (s: Site) => {
      const { hits, misses, entries } = s.ram.statistics() as unknown as Record<string, number>;
      return { hits, misses, entries };
    };
    expect(counts(on)).toEqual(counts(off));
    return { fromRam };
  }

  describe('prepared RAM-cache hits give what the full policy run gives', () => {
    it('answers the same, hit for hit, and serves hits from the prepared lookup', async () => {
      const { fromRam } = await expectSameAnswers();
      expect(fromRam).toBeGreaterThan(5);
      const answered = on.caching.prepared?.answered ?? 0;
      expect(answered).toBeGreaterThan(5);
      // The clock moves on: Age and Expires are recomputed the same way on both sides, whether the
      // wall-clock second turns, the Age turns within a second, or both.
      for (const step of [3_000, 600, 300, 450]) {
        clock.ms += step;
        await expectSameAnswers();
      }
      expect(on.caching.prepared?.answered ?? 0).toBeGreaterThan(answered);
    });

    it('never replays a purged copy', async () => {
      await expectSameAnswers();
      article.title = 'Kittens';
      bus.notify(new Purge(article));
      const after = await both('/articles/cats');
      expect(after.headers['x-ramcache']).toBeUndefined();
      expect(after.text).toContain('Kittens');
      await expectSameAnswers();
    });

    it('never replays the copy of an older version of the content', async () => {
      await expectSameAnswers();
      article.title = 'Lions';
      article.updatedAt = article.updatedAt.plus({ minutes: 1 });
      const after = await both('/articles/cats');
      expect(after.headers['x-ramcache']).toBeUndefined();
      expect(after.text).toContain('Lions');
      await expectSameAnswers();
    });

    it('follows a policy edit at once', async () => {
      await expectSameAnswers();
      for (const s of [on, off]) s.caching.setPolicy(policy(false));
      const after = await both('/plain');
      expect(after.headers['x-ramcache']).toBeUndefined();
      const { fromRam } = await expectSameAnswers();
      expect(fromRam).toBe(0);
    });
  });
});
