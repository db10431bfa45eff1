import { createServer } from 'node:http';
import { CachesetError } from '@cacheset/core';
import { cachesetKoa } from '@cacheset/http/koa';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY, createFixture } from '../contract/fixture.js';
import { listenOnFreePort } from '../contract/servers/listen.js';
import type { ContractServer } from '../contract/fixture.js';
import { eventually, lineCount, wireRequest } from '../contract/support/wire.js';

const servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(app: Koa): Promise<string> {
  app.silent = true;
  const server = await listenOnFreePort(createServer(app.callback()));
  servers.push(server);
  return server.url;
}

describe('@cacheset/http/koa', () => {
  it('sets the caching headers when the chain returns, so middleware further out sees them', async () => {
    const f = createFixture();
    const app = new Koa();
    let seen: string | undefined;
    app.use(async (ctx, next) => {
      await next();
      seen = ctx.response.get('Cache-Control');
    });
    const cacheset = cachesetKoa(f.caching);
    app.use(cacheset.middleware());
    app.use((ctx) => {
      ctx.state.cacheRuleset = 'site.strong';
      ctx.body = BODY.strong;
    });
    const response = await wireRequest(await serve(app));
    expect(response.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect(seen).toBe('max-age=86400, proxy-revalidate, public');
  });

  it('keeps a JSON body in the RAM cache and replays it', async () => {
    const f = createFixture();
    const app = new Koa();
    const cacheset = cachesetKoa(f.caching);
    let calls = 0;
    app.use(cacheset.ruleset('site.ram'));
    app.use((ctx) => {
      calls += 1;
      ctx.body = { images: ['cat', 'dog'] };
    });
    const url = await serve(app);
    const first = await wireRequest(url);
    await eventually(() => f.responseCache.entries.size === 1, 'the response to be stored');
    const second = await wireRequest(url);
    expect(second.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(JSON.parse(second.text)).toEqual({ images: ['cat', 'dog'] });
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(calls).toBe(1);
  });

  it('applies the headers once when a handler bypasses Koa and writes the node response itself', async () => {
    const f = createFixture();
    const app = new Koa();
    const cacheset = cachesetKoa(f.caching);
    app.use(cacheset.middleware());
    app.use(cacheset.ruleset('site.strong'));
    app.use((ctx) => {
      ctx.respond = false;
      ctx.status = 200;
      ctx.res.setHeader('Content-Type', 'text/html');
      ctx.res.write('<h1>');
      setTimeout(() => ctx.res.end('raw</h1>'), 5);
    });
    const response = await wireRequest(await serve(app));
    expect(response.text).toBe('<h1>raw</h1>');
    expect(response.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect(lineCount(response, 'cache-control')).toBe(1);
  });

  it('a ruleset route composed under the global middleware answers the 304 before the handler', async () => {
    const f = createFixture();
    const app = new Koa();
    const cacheset = cachesetKoa(f.caching);
    let calls = 0;
    app.use(cacheset.middleware());
    app.use(cacheset.view(f.pageView));
    app.use((ctx) => {
      calls += 1;
      ctx.body = BODY.page;
    });
    const url = await serve(app);
    const first = await wireRequest(url);
    const second = await wireRequest(url, { headers: { 'If-None-Match': first.headers.etag as string } });
    expect(second.status).toBe(304);
    expect(second.body.byteLength).toBe(0);
    expect(second.headers['content-type']).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('names what is wrong at start-up', () => {
    const f = createFixture();
    const cacheset = cachesetKoa(f.caching);
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return CachesetError.is(error) ? error.code : String(error);
      }
      return undefined;
    };
    expect(code(() => cachesetKoa(undefined as never))).toBe('ERR_CACHESET_INVALID_ADAPTER_OPTIONS');
    expect(code(() => cacheset.ruleset('1st.page'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(code(() => cacheset.view(null as never))).toBe('ERR_CACHESET_INVALID_ROUTE');
  });
});
