import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { currentUnitOfWork } from '@cacheset/core';
import { cachesetKoa } from '@cacheset/http/koa';
import Koa, { type Middleware } from 'koa';
import { BODY, FrontpageView, sleep, type StartContractServer } from '../fixture.js';
import { listenOnFreePort } from './listen.js';
import { KoaRoutes } from './koaRoutes.js';

async function* streamed(chunks: readonly string[], between: () => Promise<void>): AsyncGenerator<string> {
  for (const [i, chunk] of chunks.entries()) {
    if (i > 0) await between();
    yield chunk;
  }
}

const html =
  (body: string, status = 200): Middleware =>
  (ctx) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.body = body;
  };

/**
 * Koa 3 as its users write it: the middleware early in the chain, routes composing
 * `cacheset.view(...)` / `cacheset.ruleset(...)` before their handler, `ctx.state.cacheRuleset` late.
 */
export const startKoaServer: StartContractServer = async (f) => {
  const app = new Koa();
  app.silent = true;
  const cacheset = cachesetKoa(f.caching);
  app.use(cacheset.middleware());

  const page: Middleware = (ctx) => {
    f.count(`page.${ctx.method}`);
    ctx.type = 'html';
    ctx.body = BODY.page;
  };
  const routes = new KoaRoutes()
    .get('/page', cacheset.view(f.pageView), page)
    .add('POST', '/page', cacheset.view(f.pageView), page)
    .add('PUT', '/page', cacheset.view(f.pageView), page)
    .get('/strong', cacheset.ruleset('site.strong'), (ctx, next) => (f.count('strong'), html(BODY.strong)(ctx, next)))
    .get(
      '/frontpage',
      cacheset.view(FrontpageView),
      (ctx, next) => (f.count('frontpage'), html(BODY.frontpage)(ctx, next)),
    )
    .get('/nocache', cacheset.ruleset('site.nocache'), html(BODY.plain))
    .get('/plain', html(BODY.plain))
    .get('/late', (ctx, next) => {
      ctx.state.cacheRuleset = 'site.late';
      return html(BODY.plain)(ctx, next);
    })
    .get('/late-view', (ctx, next) => {
      ctx.state.cachePublished = FrontpageView;
      return html(BODY.frontpage)(ctx, next);
    })
    .get('/stream', cacheset.ruleset('site.stream'), (ctx) => {
      ctx.type = 'html';
      ctx.body = Readable.from(streamed(BODY.streamChunks, () => sleep(5)));
    })
    .get('/ram', cacheset.ruleset('site.ram'), (ctx, next) => (f.count('ram'), html(BODY.ram)(ctx, next)))
    .get('/ram-cookie', cacheset.ruleset('site.ram'), (ctx, next) => {
      f.count('ram-cookie');
      ctx.cookies.set('session', 'abc');
      return html(BODY.ram)(ctx, next);
    })
    .get('/ram-slow', cacheset.ruleset('site.ram'), (ctx) => {
      f.count('ram-slow');
      ctx.type = 'html';
      ctx.body = Readable.from(streamed([BODY.ram, BODY.ram], () => f.slowHandlerGate()));
    })
    .get('/strong-cookie', cacheset.ruleset('site.strong'), (ctx, next) => {
      ctx.cookies.set('session', 'abc');
      return html(BODY.strong)(ctx, next);
    })
    .get('/status/404', cacheset.ruleset('site.strong'), html('not found', 404))
    .get('/status/500', cacheset.ruleset('site.strong'), html('failed', 500))
    .get('/throw', cacheset.ruleset('site.strong'), () => {
      throw new Error('the handler failed');
    })
    .get('/unit/ok', (ctx, next) => {
      f.watchUnit(currentUnitOfWork(), '/unit/ok', () => ctx.res.writableFinished);
      return html(BODY.plain)(ctx, next);
    })
    .get('/unit/500', (ctx, next) => {
      f.watchUnit(currentUnitOfWork(), '/unit/500', () => ctx.res.writableFinished);
      return html('failed', 500)(ctx, next);
    })
    .get('/unit/throw', async (ctx) => {
      await sleep(1);
      f.watchUnit(currentUnitOfWork(), '/unit/throw', () => ctx.res.writableFinished);
      throw new Error('the handler failed');
    })
    .add('POST', '/unit/body', async (ctx, next) => {
      let body = '';
      for await (const chunk of ctx.req) body += String(chunk);
      f.watchUnit(currentUnitOfWork(), '/unit/body', () => ctx.res.writableFinished);
      return html(`got ${body}`)(ctx, next);
    })
    .get('/range', cacheset.view(f.pageView), (ctx, next) => html(`range: ${ctx.get('range') || 'none'}`)(ctx, next));
  app.use(routes.middleware());
  return listenOnFreePort(createServer(app.callback()));
};
