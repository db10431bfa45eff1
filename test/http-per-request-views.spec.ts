/**
 * Issue 10, item 1: every documented way of naming the published view, on every adapter, with a
 * view made per request from a database row. "full" ways name it before the handler runs: the 304
 * (If-None-Match and If-Modified-Since, from the ILastModified of the view's context) and the RAM
 * hit are answered without rendering. "late" ways name it while the handler renders: the answer is
 * still right (a 304 without the body), and one log line says what to do to skip rendering.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import {
  createViewsFixture,
  ETAG,
  LAST_MODIFIED,
  startExpressViews,
  startFastifyViews,
  startKoaViews,
  startNodeViews,
  type RunningServer,
  type ViewsFixture,
} from './support/perRequestViews.js';

interface Cell {
  readonly way: string;
  readonly path: string;
  readonly mode: 'full' | 'late';
}

interface Adapter {
  readonly name: string;
  readonly start: (f: ViewsFixture) => Promise<RunningServer>;
  /** What the late-hint log line tells users of this framework to do. */
  readonly advice: RegExp;
  readonly cells: readonly Cell[];
}

const ADAPTERS: readonly Adapter[] = [
  {
    name: 'node:http',
    start: startNodeViews,
    advice: /name it in the route argument of cachingHandler or cachingMiddleware/,
    cells: [
      { way: 'route argument (a view made at start-up)', path: '/n/route/one', mode: 'full' },
      { way: 'route argument: a function of the request', path: '/n/route-fn/one', mode: 'full' },
      { way: 'route argument: an async function of the request', path: '/n/route-async/one', mode: 'full' },
      { way: 'cachingMiddleware route function', path: '/n/middleware-fn/one', mode: 'full' },
      { way: 'setPublished(req) in the handler', path: '/n/handler/one', mode: 'late' },
      { way: 'setPublished(res) in an async handler', path: '/n/handler-res/one', mode: 'late' },
    ],
  },
  {
    name: 'Express 5',
    start: startExpressViews,
    advice: /in a middleware that runs before the handler/,
    cells: [
      { way: 'cacheset.view(instance) in the route', path: '/e/view/one', mode: 'full' },
      { way: 'setPublished(req) in a route middleware', path: '/e/mw-req/one', mode: 'full' },
      { way: 'setPublished(res) in an async route middleware', path: '/e/mw-res/one', mode: 'full' },
      { way: 'async ILastModified, named in a route middleware', path: '/e/mw-res/slow-one', mode: 'full' },
      { way: 'res.locals.cachePublished in a route middleware', path: '/e/mw-locals/one', mode: 'full' },
      { way: 'res.locals.cachePublished in an app-level middleware', path: '/e/app-locals/one', mode: 'full' },
      { way: 'setPublished(res) in a sub-router middleware', path: '/e/router/one', mode: 'full' },
      { way: 'res.locals.cachePublished in the handler', path: '/e/handler-locals/one', mode: 'late' },
      { way: 'setPublished(req) in the handler', path: '/e/handler-set/one', mode: 'late' },
    ],
  },
  {
    name: 'Fastify 5',
    start: startFastifyViews,
    advice: /in a hook that runs before the handler, such as the route's preHandler/,
    cells: [
      { way: 'config.cachePublished (a view made at start-up)', path: '/f/config/one', mode: 'full' },
      { way: 'request.cachePublished in a route onRequest hook', path: '/f/on-request/one', mode: 'full' },
      { way: 'request.cachePublished in an async route preHandler', path: '/f/pre-handler/one', mode: 'full' },
      { way: 'async ILastModified, named in a route preHandler', path: '/f/pre-handler/slow-one', mode: 'full' },
      { way: 'setPublished(request) in a route preValidation hook', path: '/f/pre-validation/one', mode: 'full' },
      { way: 'a global onRequest hook added after the plugin', path: '/f/global-hook/one', mode: 'full' },
      { way: 'request.cachePublished in the handler', path: '/f/handler/one', mode: 'late' },
      { way: 'setPublished(reply) in the handler', path: '/f/handler-set/one', mode: 'late' },
    ],
  },
  {
    name: 'Koa 3',
    start: startKoaViews,
    advice: /compose cacheset\.middleware\(\) between that middleware and the handler/,
    cells: [
      { way: 'cacheset.view(instance) in the route', path: '/k/view/one', mode: 'full' },
      { way: 'ctx.state.cachePublished before cacheset.middleware()', path: '/k/before/one', mode: 'full' },
      {
        way: 'ctx.state.cachePublished in a route middleware, then cacheset.middleware()',
        path: '/k/route-then-cacheset/one',
        mode: 'full',
      },
      { way: 'ctx.state.cachePublished in a route middleware alone', path: '/k/route/one', mode: 'late' },
      { way: 'ctx.state.cachePublished in the handler', path: '/k/handler/one', mode: 'late' },
      { way: 'setPublished(ctx) in the handler', path: '/k/handler-set/one', mode: 'late' },
    ],
  },
];

const LATE = /after rendering had started/;

let running: { server: RunningServer; f: ViewsFixture } | undefined;
afterEach(async () => {
  await running?.server.close();
  await running?.f.ram.close();
  running = undefined;
});

async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function expectNotModified(response: RawResponse): void {
  expect(response.status).toBe(304);
  expect(response.body.byteLength).toBe(0);
  expect(response.headers.etag).toBe(ETAG);
  expect(response.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
  expect(response.headers['content-type']).toBeUndefined();
  expect(response.headers['content-length']).toBeUndefined();
}

describe.each(ADAPTERS)('$name: a view made per request', ({ start, advice, cells }) => {
  it.each(cells)('$way ($mode)', async ({ path, mode }) => {
    const f = createViewsFixture();
    running = { server: await start(f), f };
    const get = (headers: Record<string, string> = {}): Promise<RawResponse> =>
      rawRequest(`${running?.server.url ?? ''}${path}`, { headers });
    const renders = (): number => f.renders.get(path) ?? 0;

    const first = await get();
    expect(first.status).toBe(200);
    expect(first.text).toBe('<article>the article</article>');
    expect(first.headers.etag).toBe(ETAG);
    expect(first.headers['last-modified']).toBe(LAST_MODIFIED);
    expect(renders()).toBe(1);

    if (mode === 'full') {
      await eventually(() => f.ram.statistics().stores === 1, 'the page to be stored in RAM');
      const hit = await get();
      expect(hit.headers['x-ramcache']).toBe('cacheset.ramcache');
      expect(hit.text).toBe(first.text);
      expectNotModified(await get({ 'If-None-Match': ETAG }));
      expectNotModified(await get({ 'If-Modified-Since': LAST_MODIFIED }));
      expect(renders()).toBe(1);
      expect(f.logs).toEqual([]);
      return;
    }

    // Named while rendering: every request renders, yet a current client copy still gets a 304.
    expectNotModified(await get({ 'If-None-Match': ETAG }));
    expectNotModified(await get({ 'If-Modified-Since': LAST_MODIFIED }));
    const again = await get();
    expect(again.status).toBe(200);
    expect(again.headers['x-ramcache']).toBeUndefined();
    expect(renders()).toBe(4);
    const late = f.logs.filter((message) => LATE.test(message));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatch(advice);
    expect(f.logs).toEqual(late);
  });
});

describe('Express 5: a view named in the handler whose ILastModified is async', () => {
  it('goes out without validators it could not await, says why once, and logs nothing else', async () => {
    const f = createViewsFixture();
    running = { server: await startExpressViews(f), f };
    const url = `${running.server.url}/e/handler-slow/slow`;
    const first = await rawRequest(url);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache-rule']).toBe('site.article');
    expect(first.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
    const conditional = await rawRequest(url, { headers: { 'If-Modified-Since': LAST_MODIFIED } });
    expect(conditional.status).toBe(200);
    expect(conditional.text).toBe(first.text);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const late = f.logs.filter((message) => LATE.test(message));
    expect(late).toHaveLength(1);
    expect(late[0]).toMatch(/its validators are asynchronous, which cannot be awaited once the response is being sent/);
    expect(late[0]).toMatch(/in a middleware that runs before the handler/);
    expect(f.logs.filter((message) => !LATE.test(message) && !/could not be gathered/.test(message))).toEqual([]);
  });
});
