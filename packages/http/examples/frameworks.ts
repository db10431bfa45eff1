// The same two pages on Express 5, Fastify 5 and Koa 3: one names its view before the handler, one names its ruleset while rendering.
import { cacheRuleset, RulesetRegistry } from '@cacheset/core';
import { createHttpCaching, type HttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';

@cacheRuleset('site.frontpage')
export class FrontpageView {}

export function createCaching(): HttpCaching {
  return createHttpCaching({
    rulesets: new RulesetRegistry(),
    resourceVersion: '2026.11.1',
    policy: {
      operationMapping: { 'site.frontpage': 'moderateCaching', 'site.search': 'terseCaching' },
      // The front page lists content: catalogCounter changes its ETag whenever any content changes.
      operations: { moderateCaching: { options: { smaxage: '10m', etags: ['catalogCounter', 'resourceVersion'] } } },
    },
  });
}

export function expressApp(caching: HttpCaching = createCaching()): express.Express {
  const app = express();
  const cacheset = cachesetExpress(caching);
  cacheset.install(app); // mounts the middleware, and turns Express's own ETag off
  app.get('/', cacheset.view(FrontpageView), (_req, res) => {
    res.type('html').send('<h1>Welcome</h1>');
  });
  app.get('/search', (_req, res) => {
    res.locals.cacheRuleset = 'site.search';
    res.send('3 results');
  });
  return app;
}

export async function fastifyApp(caching: HttpCaching = createCaching()): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(cachesetFastify, { caching });
  app.get('/', { config: { cachePublished: FrontpageView } }, async (_request, reply) =>
    reply.type('text/html').send('<h1>Welcome</h1>'),
  );
  app.get('/search', async (request) => {
    request.cacheRuleset = 'site.search';
    return '3 results';
  });
  return app;
}

export function koaApp(caching: HttpCaching = createCaching()): Koa {
  const app = new Koa();
  const cacheset = cachesetKoa(caching);
  const frontpage = cacheset.view(FrontpageView); // a route's middleware, as with @koa/router: router.get('/', frontpage, handler)
  app.use(cacheset.middleware());
  app.use(async (ctx, next) => {
    if (ctx.path === '/') {
      return frontpage(ctx, async () => {
        ctx.type = 'html';
        ctx.body = '<h1>Welcome</h1>';
      });
    }
    if (ctx.path === '/search') {
      ctx.state.cacheRuleset = 'site.search';
      ctx.body = '3 results';
      return;
    }
    return next();
  });
  return app;
}
