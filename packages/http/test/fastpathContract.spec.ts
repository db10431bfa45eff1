/**
 * The contract of prepared answers (`preparedAnswers`, on by default): the same requests sent to a
 * site with them on and to the same site with them off get the same status, headers (but Date) and
 * body (headers in the same order), through real node:http, Fastify, Express and Koa servers: anonymous, signed
 * in and with a failing user resolver, with and without Vary, GET and HEAD, If-None-Match and
 * If-Modified-Since, before and after every change a prepared 304 depends on (the clock's second,
 * the content, an invalidation, the policy, the registry, the container's adapters). The safety
 * property is tested on its own too: after a change, a validator the client still has never gets a
 * 304.
 */
import type { AddressInfo } from 'node:net';
import {
  bindAdapter,
  catalogCounterOf,
  EventBus,
  ILastModified,
  ObjectModifiedEvent,
  OperationRegistry,
  RulesetRegistry,
  type PolicyData,
} from '@cacheset/core';
import { cachingHandler, createHttpCaching, IAnonymousAccess, registerHttpOperations } from '@cacheset/http';
import type { HttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa, { type Middleware } from 'koa';
import { createServer } from 'node:http';
import { KoaRoutes } from './contract/servers/koaRoutes.js';
import { listenOnFreePort } from './contract/servers/listen.js';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, serveRoutes, type RawResponse } from './fixtures/wire.js';

class Page {
  constructor(public updatedAt: DateTime) {}
}
class PageView {
  constructor(readonly context: Page) {}
}
class Listing {}

const policy = (smaxage: number): PolicyData => ({
  operationMapping: {
    'site.page': 'moderateCaching',
    'site.list': 'weakCaching',
    'site.user': 'moderateCaching',
    'site.dated': 'weakCaching',
  },
  operations: {
    moderateCaching: {
      rulesets: {
        'site.page': {
          smaxage,
          etags: ['lastModified', 'resourceVersion'],
          lastModified: true,
          vary: ['Accept-Language'],
        },
        'site.user': { smaxage, etags: ['userid', 'roles', 'lastModified'] },
      },
    },
    weakCaching: {
      rulesets: { 'site.list': { etags: ['catalogCounter', 'resourceVersion'] }, 'site.dated': { lastModified: true } },
    },
  },
});

/** What both sites share: the content, the event bus, the clock. */
const content = {
  page: new Page(DateTime.fromISO('2026-11-01T09:30:00Z', { zone: 'utc' })),
  listing: new Listing(),
  bus: new EventBus(),
  clock: Date.parse('2026-12-02T10:00:00.250Z'),
};
const pageView = new PageView(content.page);

interface Site {
  readonly caching: HttpCaching;
  readonly container: Container;
  readonly rulesets: RulesetRegistry;
  readonly base: string;
  close(): Promise<void>;
}

type Adapter = 'node:http' | 'Fastify' | 'Express' | 'Koa';

async function site(preparedAnswers: boolean, adapter: Adapter): Promise<Site> {
  const container = new Container();
  bindAdapter(container, {
    provides: ILastModified,
    for: Page,
    factory: (page: Page) => ({ lastModified: () => page.updatedAt }),
  });
  const rulesets = new RulesetRegistry();
  rulesets.register(PageView, 'site.page');
  const caching = createHttpCaching({
    rulesets,
    operations: registerHttpOperations(new OperationRegistry()),
    container,
    resourceVersion: 'v1',
    catalogCounter: catalogCounterOf(content.bus),
    user: (req) => {
      const id = req.headers['x-user'];
      // A session store that fails: the engine reports it and the request goes on uncached.
      if (id === 'boom') throw new Error('the session store is down');
      const roles = req.headers['x-roles'];
      return typeof id === 'string'
        ? { id, roles: typeof roles === 'string' ? roles.split(',') : ['Member'] }
        : undefined;
    },
    logger: { warn: () => undefined, error: () => undefined },
    now: () => content.clock,
    policy: policy(3600),
    preparedAnswers,
  });
  if (adapter === 'Fastify') {
    const app = Fastify();
    await app.register(cachesetFastify, { caching });
    const page = (body: string) => async (_request: unknown, reply: { type(type: string): unknown }) => {
      reply.type('text/html; charset=utf-8');
      return body;
    };
    app.get('/page', { config: { cachePublished: pageView } }, page('<h1>page</h1>'));
    app.get('/list', { config: { cacheRuleset: 'site.list', cachePublished: content.listing } }, page('<ul></ul>'));
    app.get('/user', { config: { cacheRuleset: 'site.user', cachePublished: pageView } }, page('<p>mine</p>'));
    app.get('/dated', { config: { cacheRuleset: 'site.dated', cachePublished: pageView } }, page('<p>dated</p>'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return { caching, container, rulesets, base: `http://127.0.0.1:${port}`, close: () => app.close() };
  }
  if (adapter === 'Koa') {
    // Koa composes a route's view or ruleset before its handler, as @koa/router routes do.
    const app = new Koa();
    app.silent = true;
    const cacheset = cachesetKoa(caching);
    app.use(cacheset.middleware());
    const page =
      (body: string): Middleware =>
      (ctx) => {
        ctx.type = 'html';
        ctx.body = body;
      };
    app.use(
      new KoaRoutes()
        .get('/page', cacheset.view(pageView), page('<h1>page</h1>'))
        .get('/list', cacheset.ruleset('site.list'), page('<ul></ul>'))
        .get('/user', cacheset.ruleset('site.user'), page('<p>mine</p>'))
        .get('/dated', cacheset.ruleset('site.dated'), page('<p>dated</p>'))
        .middleware(),
    );
    const { url, close } = await listenOnFreePort(createServer(app.callback()));
    return { caching, container, rulesets, base: url, close };
  }
  if (adapter === 'Express') {
    // Express names a route's view or its ruleset: /page by its view (the registry gives site.page),
    // the others by their ruleset alone.
    const app = express();
    const cacheset = cachesetExpress(caching);
    cacheset.install(app);
    const page = (body: string) => (_req: unknown, res: import('express').Response) => {
      res.set('Content-Type', 'text/html; charset=utf-8');
      res.send(body);
    };
    app.get('/page', cacheset.view(pageView), page('<h1>page</h1>'));
    app.get('/list', cacheset.ruleset('site.list'), page('<ul></ul>'));
    app.get('/user', cacheset.ruleset('site.user'), page('<p>mine</p>'));
    app.get('/dated', cacheset.ruleset('site.dated'), page('<p>dated</p>'));
    const { url, close } = await listenOnFreePort(createServer(app));
    return { caching, container, rulesets, base: url, close };
  }
  const page = (body: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(body);
  };
  const { server, base } = await serveRoutes(
    new Map([
      ['/page', cachingHandler(caching, page('<h1>page</h1>'), { published: pageView })],
      ['/list', cachingHandler(caching, page('<ul></ul>'), { ruleset: 'site.list', published: content.listing })],
      ['/user', cachingHandler(caching, page('<p>mine</p>'), { ruleset: 'site.user', published: pageView })],
      ['/dated', cachingHandler(caching, page('<p>dated</p>'), { ruleset: 'site.dated', published: pageView })],
    ]),
  );
  return {
    caching,
    container,
    rulesets,
    base,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each<Adapter>(['node:http', 'Fastify', 'Express', 'Koa'])('through %s', (adapter) => {
  let on: Site;
  let off: Site;
  beforeAll(async () => {
    on = await site(true, adapter);
    off = await site(false, adapter);
  });
  afterAll(async () => {
    await Promise.all([on, off].map((s) => s.close()));
  });

  const PATHS = ['/page', '/list', '/user', '/dated'];

  /** What a response says, but its Date. */
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

  /** The validators the site has now for each path (from a plain GET of the site without prepared answers). */
  async function validators(
    who: Record<string, string> = {},
  ): Promise<Map<string, { etag?: string; lastModified?: string }>> {
    const found = new Map<string, { etag?: string; lastModified?: string }>();
    for (const path of PATHS) {
      const { headers } = await rawRequest(`${off.base}${path}`, { headers: who });
      found.set(path, {
        ...(headers.etag === undefined ? {} : { etag: headers.etag }),
        ...(headers['last-modified'] === undefined ? {} : { lastModified: headers['last-modified'] }),
      });
    }
    return found;
  }

  /** Every request of the matrix, with the validators a client got at some point (`held`). */
  function probes(held: Map<string, { etag?: string; lastModified?: string }>): Probe[] {
    const list: Probe[] = [];
    for (const path of PATHS) {
      const { etag, lastModified } = held.get(path) ?? {};
      const conditionals: Record<string, string>[] = [
        {},
        { 'if-none-match': '"|0|v1"' },
        { 'if-none-match': '*' },
        { 'if-modified-since': 'Sun, 01 Jan 2017 00:00:00 GMT' },
      ];
      if (etag !== undefined) {
        conditionals.push({ 'if-none-match': etag }, { 'if-none-match': `"x", ${etag}` });
        conditionals.push({ 'if-none-match': etag, range: 'bytes=0-3' }, { 'if-none-match': etag, 'if-match': etag });
      }
      if (lastModified !== undefined) conditionals.push({ 'if-modified-since': lastModified });
      for (const method of ['GET', 'HEAD'])
        for (const conditional of conditionals)
          for (const who of [{}, { 'x-user': 'alice' }, { 'x-user': 'boom' }])
            for (const language of [{}, { 'accept-language': 'de' }])
              list.push({ path, method, headers: { ...conditional, ...who, ...language } });
    }
    return list;
  }

  /**
   * Sends every probe to both sites (twice to the one with prepared answers: the first may teach it,
   * the second is answered from it) and expects the same answers. Gives how many were 304s.
   */
  async function expectSameAnswers(held: Map<string, { etag?: string; lastModified?: string }>): Promise<number> {
    return expectSame(probes(held));
  }

  async function expectSame(list: readonly Probe[]): Promise<number> {
    let notModified = 0;
    for (const probe of list) {
      const options = { method: probe.method, headers: probe.headers };
      const expected = seen(await rawRequest(`${off.base}${probe.path}`, options));
      const first = seen(await rawRequest(`${on.base}${probe.path}`, options));
      const second = seen(await rawRequest(`${on.base}${probe.path}`, options));
      const label = `${probe.method} ${probe.path} ${JSON.stringify(probe.headers)}`;
      expect({ label, ...first }).toEqual({ label, ...expected });
      expect({ label, ...second }).toEqual({ label, ...expected });
      if (expected.status === 304) notModified += 1;
    }
    return notModified;
  }

  /** A request with a validator the client got before the change: the safety property in one line. */
  async function statusWith(base: string, path: string, header: Record<string, string>): Promise<number> {
    return (await rawRequest(`${base}${path}`, { headers: header })).status;
  }

  describe('prepared answers give what the full policy run gives', () => {
    it('answers the same, and serves 304s from the prepared answer', async () => {
      const before = on.caching.prepared?.answered ?? 0;
      const notModified = await expectSameAnswers(await validators());
      expect(notModified).toBeGreaterThan(10);
      // Anonymous matching revalidations of /page, /list and /dated were answered without the engine.
      expect((on.caching.prepared?.answered ?? 0) - before).toBeGreaterThan(10);
      expect(off.caching.prepared).toBeUndefined();
    });

    it('answers the same when pages are rendered with their prepared headers (node:http, Fastify)', async () => {
      const before = on.caching.prepared?.rendered ?? 0;
      await expectSameAnswers(await validators());
      // Anonymous unconditional pages rendered by the adapters that prepare renders took that way.
      const rendered = (on.caching.prepared?.rendered ?? 0) - before;
      if (adapter === 'node:http' || adapter === 'Fastify') expect(rendered).toBeGreaterThan(4);
      else expect(rendered).toBe(0);
    });

    it('refreshes Expires when the clock moves on', async () => {
      const held = await validators();
      await expectSameAnswers(held);
      content.clock += 2_500;
      const answered = on.caching.prepared?.answered ?? 0;
      await expectSameAnswers(held);
      expect(on.caching.prepared?.answered ?? 0).toBeGreaterThan(answered);
    });

    it('never serves a stale 304 after the content changed', async () => {
      const held = await validators();
      await expectSameAnswers(held);
      content.page.updatedAt = content.page.updatedAt.plus({ minutes: 5 });
      for (const path of ['/page', '/dated']) {
        const { etag, lastModified } = held.get(path) ?? {};
        if (etag !== undefined) expect(await statusWith(on.base, path, { 'if-none-match': etag })).toBe(200);
        if (lastModified !== undefined && etag === undefined)
          expect(await statusWith(on.base, path, { 'if-modified-since': lastModified })).toBe(200);
      }
      await expectSameAnswers(held);
      await expectSameAnswers(await validators());
    });

    it('never serves a stale 304 after an invalidation', async () => {
      const held = await validators();
      await expectSameAnswers(held);
      const answered = on.caching.prepared?.answered ?? 0;
      content.bus.notify(new ObjectModifiedEvent(content.listing, 'entries'));
      const etag = held.get('/list')?.etag as string;
      expect(await statusWith(on.base, '/list', { 'if-none-match': etag })).toBe(200);
      // The invalidation retires every prepared answer, not only those whose ETag has the counter.
      const pageTag = held.get('/page')?.etag as string;
      expect(await statusWith(on.base, '/page', { 'if-none-match': pageTag })).toBe(304);
      expect(on.caching.prepared?.answered).toBe(answered);
      await expectSameAnswers(held);
      await expectSameAnswers(await validators());
    });

    it('leaves an ILastModified that fails to the engine', async () => {
      const held = await validators();
      await expectSameAnswers(held);
      const updatedAt = content.page.updatedAt;
      content.page.updatedAt = DateTime.invalid('the row was deleted') as unknown as DateTime;
      const pageTag = held.get('/page')?.etag as string;
      expect(await statusWith(on.base, '/page', { 'if-none-match': pageTag })).toBe(200);
      await expectSameAnswers(held);
      content.page.updatedAt = updatedAt;
      await expectSameAnswers(held);
    });

    it("answers a signed-in user's revalidations from a 304 prepared for that user and roles only", async () => {
      const people = [{ 'x-user': 'alice' }, { 'x-user': 'bob' }, { 'x-user': 'alice', 'x-roles': 'Manager,Member' }];
      const held = await Promise.all(people.map((who) => validators(who)));
      const signedIn = (): Probe[] => {
        const list: Probe[] = [];
        for (const path of PATHS)
          for (const [i, who] of people.entries())
            for (const [j, theirs] of held.entries()) {
              const { etag, lastModified } = theirs.get(path) ?? {};
              // Each one's own validators, and the others' (someone else's ETag must never match).
              if (i !== j && etag === undefined) continue;
              for (const method of ['GET', 'HEAD']) {
                if (etag !== undefined) list.push({ path, method, headers: { ...who, 'if-none-match': etag } });
                if (lastModified !== undefined && i === j)
                  list.push({ path, method, headers: { ...who, 'if-modified-since': lastModified } });
              }
            }
        return list;
      };
      const before = on.caching.prepared?.answered ?? 0;
      expect(await expectSame(signedIn())).toBeGreaterThan(10);
      expect((on.caching.prepared?.answered ?? 0) - before).toBeGreaterThan(10);
      // The user's ETag names them: bob, or alice with other roles, revalidating alice's copy gets the page.
      const aliceTag = held[0]?.get('/user')?.etag as string;
      expect(aliceTag).toContain('alice');
      expect(await statusWith(on.base, '/user', { 'x-user': 'alice', 'if-none-match': aliceTag })).toBe(304);
      expect(await statusWith(on.base, '/user', { 'x-user': 'bob', 'if-none-match': aliceTag })).toBe(200);
      expect(await statusWith(on.base, '/user', { 'if-none-match': aliceTag })).toBe(200);
      // A content edit retires the users' 304s as it does the anonymous ones.
      const alicePage = held[0]?.get('/page')?.etag as string;
      expect(await statusWith(on.base, '/page', { 'x-user': 'alice', 'if-none-match': alicePage })).toBe(304);
      const answered = on.caching.prepared?.answered ?? 0;
      content.page.updatedAt = content.page.updatedAt.plus({ minutes: 1 });
      expect(await statusWith(on.base, '/page', { 'x-user': 'alice', 'if-none-match': alicePage })).toBe(200);
      expect(on.caching.prepared?.answered).toBe(answered);
      await expectSame(signedIn());
      const fresh = await Promise.all(people.map((who) => validators(who)));
      held.splice(0, held.length, ...fresh);
      await expectSame(signedIn());
    });

    it('follows a policy edit at once', async () => {
      const held = await validators();
      await expectSameAnswers(held);
      for (const s of [on, off]) s.caching.setPolicy(policy(60));
      const pageTag = held.get('/page')?.etag as string;
      const edited = await rawRequest(`${on.base}/page`, { headers: { 'if-none-match': pageTag } });
      expect(edited.status).toBe(304);
      expect(edited.headers['cache-control']).toBe('max-age=0, s-maxage=60, must-revalidate');
      await expectSameAnswers(held);
    });

    it('follows a registry edit and a new adapter binding at once', async () => {
      const held = await validators();
      await expectSameAnswers(held);
      const pageTag = held.get('/page')?.etag as string;
      for (const s of [on, off]) s.rulesets.unregister(PageView);
      const unregistered = await rawRequest(`${on.base}/page`, { headers: { 'if-none-match': pageTag } });
      expect(unregistered.status).toBe(200);
      await expectSameAnswers(held);
      for (const s of [on, off]) s.rulesets.register(PageView, 'site.page');
      await expectSameAnswers(held);
      // Content anonymous visitors may not see: the engine downgrades the 304's Cache-Control.
      for (const s of [on, off])
        bindAdapter(s.container, {
          provides: IAnonymousAccess,
          for: Page,
          factory: () => ({ allowsAnonymous: () => false }),
        });
      const hidden = await rawRequest(`${on.base}/page`, { headers: { 'if-none-match': pageTag } });
      expect(hidden.headers['cache-control']).not.toContain('s-maxage=60');
      await expectSameAnswers(held);
    });
  });
});

describe('the preparedAnswers option', () => {
  it('takes a boolean and names the option otherwise', () => {
    expect(() => createHttpCaching({ policy: policy(60), preparedAnswers: 'no' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_INVALID_HTTP_OPTIONS' }),
    );
    expect(createHttpCaching({ policy: policy(60) }).prepared).toBeDefined();
  });
});
