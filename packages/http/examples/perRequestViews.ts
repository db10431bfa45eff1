// A view made per database row, named before the handler renders: a current browser copy gets a 304 and the page is not rendered.
import { createServer, type Server } from 'node:http';
import { bindAdapter, cacheRuleset, ILastModified, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching, setPublished, type HttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { Container } from 'inversify';
import Koa from 'koa';
import { DateTime } from 'luxon';

export class Article {
  constructor(
    readonly id: string,
    readonly title: string,
    readonly updatedAt: Date,
  ) {}
}

/** The view of one article: ILastModified is bound for its context, the row. */
@cacheRuleset('site.article')
export class ArticleView {
  constructor(readonly context: Article) {}
}

const rows = new Map([['42', new Article('42', 'Cats', new Date('2026-10-04T08:15:00Z'))]]);
/** Stands in for the database query (async, as a real one is). */
export async function findArticle(id: string): Promise<Article | undefined> {
  return rows.get(id);
}

/** Counts pages rendered, to show that a 304 skips rendering. */
export const rendered = { count: 0 };
function render(article: Article | undefined): string {
  rendered.count += 1;
  return `<h1>${article?.title ?? 'Not found'}</h1>`;
}

export function createCaching(): HttpCaching {
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Article,
    factory: (article: Article) => ({ lastModified: () => DateTime.fromJSDate(article.updatedAt) }),
  });
  return createHttpCaching({
    rulesets: new RulesetRegistry(),
    container,
    policy: {
      operationMapping: { 'site.article': 'moderateCaching' },
      operations: { moderateCaching: { options: { smaxage: '1h', etags: ['lastModified'], lastModified: true } } },
    },
  });
}

// node:http: the route argument is a function of the request, asked once, before the handler.
export function nodeApp(caching: HttpCaching = createCaching()): Server {
  const idOf = (url = ''): string => url.split('/').pop() ?? '';
  return createServer(
    cachingHandler(
      caching,
      async (req, res) => res.end(render(await findArticle(idOf(req.url)))),
      async (req) => {
        const article = await findArticle(idOf(req.url));
        return article === undefined ? undefined : { published: new ArticleView(article) };
      },
    ),
  );
}

// Express: a route middleware loads the row and names the view; the handler only renders.
export function expressApp(caching: HttpCaching = createCaching()): express.Express {
  const app = express();
  cachesetExpress(caching).install(app);
  const loadArticle: express.RequestHandler = async (req, res, next) => {
    res.locals.article = await findArticle(String(req.params.id));
    if (res.locals.article !== undefined) setPublished(req, new ArticleView(res.locals.article));
    next();
  };
  app.get('/articles/:id', loadArticle, (_req, res) => void res.send(render(res.locals.article)));
  return app;
}

// Fastify: a preHandler hook of the route names the view.
export async function fastifyApp(caching: HttpCaching = createCaching()): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(cachesetFastify, { caching });
  const articles = new WeakMap<object, Article>();
  app.get<{ Params: { id: string } }>(
    '/articles/:id',
    {
      preHandler: async (request) => {
        const article = await findArticle(request.params.id);
        if (article === undefined) return;
        articles.set(request, article);
        request.cachePublished = new ArticleView(article);
      },
    },
    async (request) => render(articles.get(request)),
  );
  return app;
}

// Koa: the middleware that names the view, then cacheset.middleware() again, then the handler.
export function koaApp(caching: HttpCaching = createCaching()): Koa {
  const app = new Koa();
  const cacheset = cachesetKoa(caching);
  const checkpoint = cacheset.middleware();
  app.use(checkpoint);
  app.use(async (ctx, next) => {
    const id = /^\/articles\/([^/]+)$/.exec(ctx.path)?.[1];
    if (id === undefined) return next();
    const article = await findArticle(id);
    if (article !== undefined) ctx.state.cachePublished = new ArticleView(article);
    // With a router: router.get('/articles/:id', loadArticle, cacheset.middleware(), handler).
    return checkpoint(ctx, async () => {
      ctx.body = render(article);
    });
  });
  return app;
}
