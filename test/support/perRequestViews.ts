/**
 * The per-request view of issue 10, item 1, served by real node:http, Express 5, Fastify 5 and Koa 3
 * servers: one route per documented way of naming the published view, each view made per request
 * from a "database row" (`new ArticleView(row)`), a real RamCacheManager as the response cache, and
 * an ILastModified adapter on the view's context. Renders are counted per path.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bindAdapter, cacheRuleset, ILastModified, RulesetRegistry, type CachesetLogger } from '@cacheset/core';
import {
  cachingHandler,
  cachingMiddleware,
  createHttpCaching,
  setPublished,
  type HttpCaching,
  type RouteCaching,
} from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import { RamCacheManager } from '@cacheset/ram';
import express from 'express';
import Fastify from 'fastify';
import { Container } from 'inversify';
import Koa, { type Middleware, type ParameterizedContext } from 'koa';
import compose from 'koa-compose';
import { DateTime } from 'luxon';
import { listenOnLoopback, type RunningServer } from './listenOnLoopback.js';

export type { RunningServer };

/** A database row. */
export class Article {
  constructor(
    readonly id: string,
    readonly updatedAt: Date,
  ) {}
}

/** A row whose ILastModified answers asynchronously (a second query). */
export class SlowArticle extends Article {}

/** The view made per request for a row: its ILastModified comes from its context, the row. */
@cacheRuleset('site.article')
export class ArticleView {
  constructor(readonly context: Article) {}
}

export const UPDATED = new Date('2026-10-04T08:15:00Z');
export const LAST_MODIFIED = UPDATED.toUTCString();
export const ETAG = `"|${Math.floor(UPDATED.getTime() / 1000)}|r7"`;

export interface ViewsFixture {
  readonly caching: HttpCaching;
  readonly ram: RamCacheManager;
  readonly logs: string[];
  readonly renders: Map<string, number>;
  rendered(path: string): void;
}

export function createViewsFixture(): ViewsFixture {
  const logs: string[] = [];
  const logger: CachesetLogger = { warn: (m) => void logs.push(m), error: (m) => void logs.push(m) };
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Article,
    factory: (row: Article) => ({ lastModified: () => DateTime.fromJSDate(row.updatedAt, { zone: 'utc' }) }),
  });
  bindAdapter(container, {
    provides: ILastModified,
    for: SlowArticle,
    factory: (row: Article) => ({
      lastModified: async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return DateTime.fromJSDate(row.updatedAt, { zone: 'utc' });
      },
    }),
  });
  const ram = new RamCacheManager({ container, logger, bus: false, maxAge: 600 });
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    container,
    logger,
    responseCache: ram,
    resourceVersion: 'r7',
    policy: {
      operationMapping: { 'site.article': 'moderateCaching' },
      operations: {
        moderateCaching: {
          rulesets: {
            'site.article': {
              smaxage: 3600,
              etags: ['lastModified', 'resourceVersion'],
              lastModified: true,
              ramCache: true,
            },
          },
        },
      },
    },
  });
  const renders = new Map<string, number>();
  return {
    caching,
    ram,
    logs,
    renders,
    rendered: (path) => void renders.set(path, (renders.get(path) ?? 0) + 1),
  };
}

/** The row behind a URL `/…/<id>`: loaded per request, as an application loads it. */
function rowOf(url: string): Article {
  const id = url.split('?')[0]?.split('/').pop() ?? '';
  return id.startsWith('slow') ? new SlowArticle(id, UPDATED) : new Article(id, UPDATED);
}

/** Loads the row asynchronously (the usual database call). */
const loadRow = async (url: string): Promise<Article> => {
  await new Promise((resolve) => setImmediate(resolve));
  return rowOf(url);
};

const BODY = '<article>the article</article>';
const pathOf = (url: string | undefined): string => (url ?? '/').split('?')[0] ?? '/';

/** node:http: the route argument of cachingHandler / cachingMiddleware, or setPublished in the handler. */
export async function startNodeViews(f: ViewsFixture): Promise<RunningServer> {
  const page = (req: IncomingMessage, res: ServerResponse): void => {
    f.rendered(pathOf(req.url));
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(BODY);
  };
  const perRequest = (req: IncomingMessage): RouteCaching => ({ published: new ArticleView(rowOf(req.url ?? '')) });
  const middleware = cachingMiddleware(f.caching, perRequest);
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>([
    ['/n/route', cachingHandler(f.caching, page, { published: new ArticleView(new Article('fixed', UPDATED)) })],
    ['/n/route-fn', cachingHandler(f.caching, page, perRequest)],
    [
      '/n/route-async',
      cachingHandler(f.caching, page, async (req) => ({ published: new ArticleView(await loadRow(req.url ?? '')) })),
    ],
    ['/n/middleware-fn', (req, res) => middleware(req, res, () => page(req, res))],
    [
      '/n/handler',
      cachingHandler(f.caching, (req, res) => {
        setPublished(req, new ArticleView(rowOf(req.url ?? '')));
        page(req, res);
      }),
    ],
    [
      '/n/handler-res',
      cachingHandler(f.caching, async (req, res) => {
        setPublished(res, new ArticleView(await loadRow(req.url ?? '')));
        page(req, res);
      }),
    ],
  ]);
  return listenOnLoopback(
    createServer((req, res) => {
      const prefix = pathOf(req.url).split('/').slice(0, 3).join('/');
      const route = routes.get(prefix);
      if (route === undefined) {
        res.statusCode = 404;
        res.end();
      } else route(req, res);
    }),
  );
}

/** Express 5: route middleware, app-level middleware, a sub-router, or the handler itself. */
export async function startExpressViews(f: ViewsFixture): Promise<RunningServer> {
  const app = express();
  const cacheset = cachesetExpress(f.caching);
  cacheset.install(app);
  app.use((req, res, next) => {
    // An app-level middleware added after install(app), for one group of URLs.
    if (req.path.startsWith('/e/app-locals/')) res.locals.cachePublished = new ArticleView(rowOf(req.url));
    next();
  });
  const page = (req: express.Request, res: express.Response): void => {
    f.rendered(req.originalUrl.split('?')[0] ?? '/');
    res.type('html').send(BODY);
  };
  const setOnReq: express.RequestHandler = (req, _res, next) => {
    setPublished(req, new ArticleView(rowOf(req.url)));
    next();
  };
  const setOnRes: express.RequestHandler = async (req, res, next) => {
    setPublished(res, new ArticleView(await loadRow(req.url)));
    next();
  };
  const setLocals: express.RequestHandler = async (req, res, next) => {
    res.locals.cachePublished = new ArticleView(await loadRow(req.url));
    next();
  };
  app.get('/e/view/:id', cacheset.view(new ArticleView(new Article('fixed', UPDATED))), page);
  app.get('/e/mw-req/:id', setOnReq, page);
  app.get('/e/mw-res/:id', setOnRes, page);
  app.get('/e/mw-locals/:id', setLocals, page);
  app.get('/e/app-locals/:id', page);
  const router = express.Router();
  router.use(setOnRes);
  router.get('/:id', page);
  app.use('/e/router', router);
  app.get('/e/handler-locals/:id', (req, res) => {
    res.locals.cachePublished = new ArticleView(rowOf(req.url));
    page(req, res);
  });
  app.get('/e/handler-set/:id', (req, res) => {
    setPublished(req, new ArticleView(rowOf(req.url)));
    page(req, res);
  });
  app.get('/e/handler-slow/:id', (req, res) => {
    setPublished(req, new ArticleView(new SlowArticle('slow', UPDATED)));
    page(req, res);
  });
  return listenOnLoopback(createServer(app));
}

/** Fastify 5: route config, route-level hooks, a global hook added after the plugin, or the handler. */
export async function startFastifyViews(f: ViewsFixture): Promise<RunningServer> {
  const app = Fastify();
  await app.register(cachesetFastify, { caching: f.caching });
  app.addHook('onRequest', async (request) => {
    // A global hook registered after the plugin.
    if (request.url.startsWith('/f/global-hook/')) request.cachePublished = new ArticleView(rowOf(request.url));
  });
  const page = async (request: { url: string }, reply: { type(t: string): unknown }): Promise<string> => {
    f.rendered(pathOf(request.url));
    reply.type('text/html; charset=utf-8');
    return BODY;
  };
  app.get('/f/config/:id', { config: { cachePublished: new ArticleView(new Article('fixed', UPDATED)) } }, page);
  app.get(
    '/f/on-request/:id',
    {
      onRequest: (request, _reply, done) => {
        request.cachePublished = new ArticleView(rowOf(request.url));
        done();
      },
    },
    page,
  );
  app.get(
    '/f/pre-handler/:id',
    {
      preHandler: async (request) => {
        request.cachePublished = new ArticleView(await loadRow(request.url));
      },
    },
    page,
  );
  app.get(
    '/f/pre-validation/:id',
    {
      preValidation: async (request) => {
        setPublished(request, new ArticleView(await loadRow(request.url)));
      },
    },
    page,
  );
  app.get('/f/global-hook/:id', page);
  app.get('/f/handler/:id', async (request, reply) => {
    request.cachePublished = new ArticleView(await loadRow(request.url));
    return page(request, reply);
  });
  app.get('/f/handler-set/:id', async (request, reply) => {
    setPublished(reply, new ArticleView(rowOf(request.url)));
    return page(request, reply);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

/** Koa 3: cacheset.view, ctx.state set before cacheset's middleware, in a route's middleware, or in the handler. */
export async function startKoaViews(f: ViewsFixture): Promise<RunningServer> {
  const app = new Koa();
  app.silent = true;
  const cacheset = cachesetKoa(f.caching);
  app.use(async (ctx, next) => {
    // An application middleware that runs before cacheset's.
    if (ctx.path.startsWith('/k/before/')) ctx.state.cachePublished = new ArticleView(await loadRow(ctx.url));
    return next();
  });
  app.use(cacheset.middleware());
  const page: Middleware = (ctx) => {
    f.rendered(ctx.path);
    ctx.type = 'html';
    ctx.body = BODY;
  };
  const loadIntoState: Middleware = async (ctx: ParameterizedContext, next) => {
    ctx.state.cachePublished = new ArticleView(await loadRow(ctx.url));
    return next();
  };
  const routes = new Map<string, Middleware>([
    ['/k/view', compose([cacheset.view(new ArticleView(new Article('fixed', UPDATED))), page])],
    ['/k/before', page],
    ['/k/route-then-cacheset', compose([loadIntoState, cacheset.middleware(), page])],
    ['/k/route', compose([loadIntoState, page])],
    [
      '/k/handler',
      (ctx, next) => {
        ctx.state.cachePublished = new ArticleView(rowOf(ctx.url));
        return page(ctx, next);
      },
    ],
    [
      '/k/handler-set',
      (ctx, next) => {
        setPublished(ctx, new ArticleView(rowOf(ctx.url)));
        return page(ctx, next);
      },
    ],
  ]);
  app.use((ctx, next) => {
    const route = routes.get(ctx.path.split('/').slice(0, 3).join('/'));
    return route === undefined ? next() : route(ctx, next);
  });
  return listenOnLoopback(createServer(app.callback()));
}
