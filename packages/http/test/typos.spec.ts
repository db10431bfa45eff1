/**
 * Issue 10, items 6 and 7: a typo in what users write is an error naming it (with a suggestion)
 * where cacheset owns the object, a logged near miss where the object is shared with other code
 * (res.locals, ctx.state, the Fastify request), never a route silently served uncached.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CachesetError, loadConfig, OperationRegistry, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, cachingMiddleware, createHttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY, createFixture } from './contract/fixture.js';
import { listenOnFreePort } from './contract/servers/listen.js';
import type { ContractServer } from './contract/fixture.js';
import { wireRequest } from './contract/support/wire.js';
import { checkRoute } from '../src/node/routeHints.js';

/** The CachesetError `fn` throws (fails the test if it throws anything else or nothing). */
function errorOf(fn: () => unknown): CachesetError {
  try {
    fn();
  } catch (error) {
    if (CachesetError.is(error)) return error;
    throw new Error(`expected a CachesetError, got ${String(error)}`);
  }
  throw new Error('expected a CachesetError, nothing was thrown');
}

/** A view class nobody gave a ruleset: no decorator, no register(). */
class UndecoratedView {}

const servers: ContractServer[] = [];
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all([...servers.splice(0).map((s) => s.close()), ...apps.splice(0).map((a) => a.close())]);
});

describe("cacheset's own option objects", () => {
  it('createHttpCaching rejects a misspelt option, naming it and the likely one', () => {
    const error = errorOf(() =>
      createHttpCaching({ policy: {}, rulesets: new RulesetRegistry(), resposeCache: undefined } as never),
    );
    expect(error.code).toBe('ERR_CACHESET_INVALID_HTTP_OPTIONS');
    expect(error.message).toContain("unknown option 'resposeCache'");
    expect(error.message).toContain('Did you mean "responseCache"?');
  });

  it('the Fastify plugin rejects a misspelt option', async () => {
    const app = Fastify();
    apps.push(app);
    const caching = createFixture().caching;
    await expect(app.register(cachesetFastify, { caching, cachng: caching } as never)).rejects.toSatisfy(
      (error) =>
        CachesetError.is(error, 'ERR_CACHESET_INVALID_ADAPTER_OPTIONS') &&
        error.message.includes("unknown option 'cachng'"),
    );
  });

  it('a route object with a misspelt key names the key it likely meant', () => {
    const error = errorOf(() => checkRoute({ rulset: 'site.page' } as never, 'cachingHandler'));
    expect(error.code).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(error.message).toContain('Did you mean "ruleset"?');
  });
});

describe('a view without a ruleset is an error where the route is declared', () => {
  it('cacheset.view(UndecoratedClass) on Express and Koa', () => {
    const f = createFixture();
    for (const cacheset of [cachesetExpress(f.caching), cachesetKoa(f.caching)]) {
      const error = errorOf(() => cacheset.view(UndecoratedView));
      expect(error.code).toBe('ERR_CACHESET_INVALID_ROUTE');
      expect(error.message).toContain('no ruleset applies to UndecoratedView');
      expect(error.message).toContain('@cacheRuleset');
      expect(errorOf(() => cacheset.view(new UndecoratedView())).code).toBe('ERR_CACHESET_INVALID_ROUTE');
    }
  });

  it('the route argument of cachingHandler and cachingMiddleware', () => {
    const f = createFixture();
    const handler = (): void => undefined;
    expect(errorOf(() => cachingHandler(f.caching, handler, { published: UndecoratedView })).code).toBe(
      'ERR_CACHESET_INVALID_ROUTE',
    );
    expect(errorOf(() => cachingMiddleware(f.caching, { published: new UndecoratedView() })).code).toBe(
      'ERR_CACHESET_INVALID_ROUTE',
    );
    // A view whose class has a ruleset, and a named ruleset, are fine.
    expect(() => cachingHandler(f.caching, handler, { published: f.pageView })).not.toThrow();
    expect(() => cachingHandler(f.caching, handler, { ruleset: 'site.anything' })).not.toThrow();
  });

  it("a Fastify route's config.cachePublished, when the route is added", async () => {
    const f = createFixture();
    const app = Fastify();
    apps.push(app);
    await app.register(cachesetFastify, { caching: f.caching });
    const error = errorOf(() => app.get('/x', { config: { cachePublished: UndecoratedView } }, async () => 'x'));
    expect(error.code).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(error.message).toContain('GET /x config');
  });

  it('is not checked when the application replaced the ruleset lookup (it decides per request)', () => {
    const caching = createHttpCaching({
      policy: {},
      rulesets: new RulesetRegistry(),
      lookupRuleset: () => 'site.page',
    });
    expect(() => cachesetExpress(caching).view(UndecoratedView)).not.toThrow();
  });
});

describe("a misspelt key in a Fastify route's config", () => {
  it('fails when the route is added, naming the key and the one it likely meant', async () => {
    const f = createFixture();
    const app = Fastify();
    apps.push(app);
    await app.register(cachesetFastify, { caching: f.caching });
    const error = errorOf(() => app.get('/news', { config: { cacheRulset: 'site.strong' } as never }, async () => 'x'));
    expect(error.code).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(error.message).toContain('GET /news config.cacheRulset');
    expect(error.message).toContain('Did you mean "cacheRuleset"?');
    // Keys of other plugins are theirs: not near one of ours, they are left alone.
    expect(() => app.get('/other', { config: { rateLimit: 10 } as never }, async () => 'x')).not.toThrow();
  });
});

describe('a misspelt key in per-request data shared with other code is logged once, naming the likely key', () => {
  const expectOneReport = (errors: readonly string[], wrote: string, meant: string): void => {
    const reports = errors.filter((e) => e.includes(`${wrote} is not a cacheset key`));
    expect(reports).toEqual([`cacheset: ${wrote} is not a cacheset key, so it was ignored; did you mean ${meant}?`]);
  };

  it('res.locals on Express', async () => {
    const f = createFixture();
    const app = express();
    cachesetExpress(f.caching).install(app);
    app.get('/search', (_req, res) => {
      (res.locals as Record<string, unknown>).cacheRulset = 'site.strong';
      res.locals.title = 'Search';
      res.send(BODY.plain);
    });
    const server = await listenOnFreePort(createServer(app));
    servers.push(server);
    for (let i = 0; i < 3; i += 1) expect((await wireRequest(`${server.url}/search`)).status).toBe(200);
    expectOneReport(f.errors, 'res.locals.cacheRulset', 'res.locals.cacheRuleset');
  });

  it('ctx.state on Koa', async () => {
    const f = createFixture();
    const app = new Koa();
    app.silent = true;
    app.use(cachesetKoa(f.caching).middleware());
    app.use((ctx) => {
      (ctx.state as Record<string, unknown>).cachePublishd = f.pageView;
      ctx.body = BODY.plain;
    });
    const server = await listenOnFreePort(createServer(app.callback()));
    servers.push(server);
    for (let i = 0; i < 3; i += 1) expect((await wireRequest(server.url)).status).toBe(200);
    expectOneReport(f.errors, 'ctx.state.cachePublishd', 'ctx.state.cachePublished');
  });

  it('the Fastify request', async () => {
    const f = createFixture();
    const app = Fastify();
    apps.push(app);
    await app.register(cachesetFastify, { caching: f.caching });
    app.get('/search', async (request) => {
      (request as unknown as Record<string, unknown>).cacheRulset = 'site.strong';
      return BODY.plain;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/search`;
    for (let i = 0; i < 3; i += 1) expect((await wireRequest(url)).status).toBe(200);
    expectOneReport(f.errors, 'request.cacheRulset', 'request.cacheRuleset');
  });
});

describe('forgetting registerHttpOperations', () => {
  const policy = { operationMapping: { 'site.page': 'moderateCaching' } };

  it('createHttpCaching says how to register the HTTP operations', () => {
    const error = errorOf(() =>
      createHttpCaching({ policy, operations: new OperationRegistry(), rulesets: new RulesetRegistry() }),
    );
    expect(error.code).toBe('ERR_CACHESET_UNKNOWN_OPERATION');
    expect(error.message).toContain(
      "'moderateCaching' is an operation of @cacheset/http: call registerHttpOperations(operations) " +
        'from @cacheset/http on this registry first.',
    );
  });

  it('so does loading a configuration file against a bare registry', () => {
    const text = 'policy:\n  operationMapping:\n    site.page: weakCaching\n';
    const error = errorOf(() =>
      loadConfig(text, 'cacheset.yaml', { registry: new RulesetRegistry(), operations: new OperationRegistry() }),
    );
    expect(error.code).toBe('ERR_CACHESET_UNKNOWN_OPERATION');
    expect(error.message).toContain('registerHttpOperations(operations)');
  });

  it('an operation nobody provides gets no such hint', () => {
    const error = errorOf(() =>
      createHttpCaching({
        policy: { operationMapping: { 'site.page': 'mysteryCaching' } },
        rulesets: new RulesetRegistry(),
      }),
    );
    expect(error.code).toBe('ERR_CACHESET_UNKNOWN_OPERATION');
    expect(error.message).not.toContain('registerHttpOperations');
  });
});
