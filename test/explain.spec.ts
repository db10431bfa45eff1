/**
 * Explained requests (issue 12's explain trace, for issue 13's admin): on every adapter a request
 * marked by `caching.prepareExplain()` renders like any other but stores nothing in RAM or on disk,
 * purges nothing, counts nothing, and its report names the ruleset (with the registry's resolution
 * order), every option with its origin, the ETag components and each layer's verdict. The same
 * request without the mark stores and purges, so each check can fail.
 */
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  bindAdapter,
  cacheRuleset,
  EventBus,
  IPurgePaths,
  OperationRegistry,
  Purge,
  RulesetRegistry,
  type ExplainReport,
} from '@cacheset/core';
import { createFsCacheOperation, FsCache, subscribePurges } from '@cacheset/fs';
import { cachingHandler, createHttpCaching, registerHttpOperations, type HttpCaching } from '@cacheset/http';
import { cachesetExpress } from '@cacheset/http/express';
import { cachesetFastify } from '@cacheset/http/fastify';
import { cachesetKoa } from '@cacheset/http/koa';
import { createPurger, type Purger } from '@cacheset/purge';
import { RamCacheManager } from '@cacheset/ram';
import express from 'express';
import Fastify from 'fastify';
import { Container } from 'inversify';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordingProxy } from '../packages/purge/test/support/proxyServers.js';
import { tempDir } from '../packages/fs/test/support.js';

class BaseView {}

@cacheRuleset('site.page')
class PageView extends BaseView {}

/** Another object the view's request edits (a visit counter): its page is purged. */
class Counter {}

const BODY = '<h1>A page</h1>';

interface Site {
  readonly caching: HttpCaching;
  readonly ram: RamCacheManager;
  readonly disk: FsCache;
  readonly purger: Purger;
  readonly proxy: RecordingProxy;
  readonly root: string;
  url: string;
  close(): Promise<void>;
}

type Adapter = 'node' | 'express' | 'fastify' | 'koa';

/** The view renders the page and edits another object, which purges it: an explained request must not. */
function render(bus: EventBus): string {
  bus.notify(new Purge(new Counter()));
  return BODY;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function createSite(adapter: Adapter): Promise<Site> {
  const tmp = await tempDir();
  const root = join(tmp.dir, 'root');
  const container = new Container();
  const bus = new EventBus();
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Counter,
    name: 'site.counter',
    factory: () => ({ getRelativePaths: () => ['/counter'], getAbsolutePaths: () => [] }),
  });
  const rulesets = new RulesetRegistry();
  rulesets.register(BaseView, 'site.base');
  const ram = new RamCacheManager({ container, bus, maxAge: 600 });
  const disk = await FsCache.open({ root, durable: false });
  subscribePurges(disk, { container, bus });
  const proxy = await RecordingProxy.start();
  const purger = createPurger({ proxies: [proxy.url], container, bus });
  const operations = registerHttpOperations(new OperationRegistry());
  operations.register(createFsCacheOperation(disk));
  const caching = createHttpCaching({
    rulesets,
    operations,
    container,
    responseCache: ram,
    resourceVersion: 'r7',
    policy: {
      operationMapping: { 'site.page': 'chain' },
      operations: {
        chain: { rulesets: { 'site.page': { operations: ['moderateCaching', 'fsCache'] } } },
        moderateCaching: {
          options: { smaxage: '1h' },
          rulesets: { 'site.page': { ramCache: true, etags: ['resourceVersion'] } },
        },
      },
    },
  });
  const page = new PageView();
  let url: string;
  let stop: () => Promise<void>;
  if (adapter === 'node') {
    const server = createServer(
      cachingHandler(
        caching,
        (_req, res) => {
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.end(render(bus));
        },
        { published: page },
      ),
    );
    url = await listen(server);
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else if (adapter === 'express') {
    const app = express();
    const cacheset = cachesetExpress(caching);
    cacheset.install(app);
    app.get('/page', cacheset.view(page), (_req, res) => {
      res.type('html').send(render(bus));
    });
    const server = createServer(app);
    url = await listen(server);
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  } else if (adapter === 'fastify') {
    const app = Fastify();
    await app.register(cachesetFastify, { caching });
    app.get('/page', { config: { cachePublished: page } }, async (_request, reply) => {
      void reply.type('text/html; charset=utf-8');
      return render(bus);
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    stop = () => app.close();
  } else {
    const app = new Koa();
    const cacheset = cachesetKoa(caching);
    app.use(cacheset.view(page));
    app.use((ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = render(bus);
    });
    const server = createServer(app.callback());
    url = await listen(server);
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  }
  return {
    caching,
    ram,
    disk,
    purger,
    proxy,
    root,
    url,
    async close() {
      await stop();
      await purger.close();
      await proxy.stop();
      await ram.close();
      await disk.close();
      await tmp.cleanup();
    },
  };
}

async function files(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).map(String).filter((f) => f.endsWith('.html'));
}

describe.each<Adapter>(['node', 'express', 'fastify', 'koa'])('an explained request on %s', (adapter) => {
  let site: Site;
  beforeEach(async () => {
    site = await createSite(adapter);
  });
  afterEach(async () => {
    await site.close();
  });

  it('renders, stores nothing in RAM or on disk, purges nothing, and reports every decision', async () => {
    const explain = site.caching.prepareExplain();
    const response = await fetch(`${site.url}/page`, { headers: explain.headers });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(BODY);
    const report: ExplainReport = await explain.report;

    // Dry: nothing stored, counted, purged or invalidated.
    await site.disk.settled();
    await site.purger.flush();
    expect(site.ram.statistics()).toMatchObject({ entries: 0, stores: 0, hits: 0, misses: 0 });
    expect(await files(site.root)).toEqual([]);
    expect(site.disk.stats()).toMatchObject({ writes: 0, refusedTotal: 0 });
    expect(site.proxy.received).toEqual([]);
    expect(report.suppressedEvents).toEqual(['Purge']);
    expect(report.notes).toEqual([]);

    // Traced: the ruleset and why, the operations with their options' origins, the ETag, the layers.
    expect(report.ruleset?.ruleset).toBe('site.page');
    expect(report.ruleset?.via).toBe('lookup');
    expect(report.ruleset?.explanation?.order.slice(0, 2)).toEqual(['PageView', 'BaseView']);
    expect(report.ruleset?.explanation?.match).toMatchObject({ ruleset: 'site.page', source: 'decorator' });
    expect(report.ruleset?.explanation?.alsoMatching).toEqual([
      expect.objectContaining({ ruleset: 'site.base', source: 'register' }),
    ]);
    expect(report.operations.map((o) => o.name)).toEqual(['chain', 'moderateCaching', 'fsCache']);
    const moderate = report.operations.find((o) => o.name === 'moderateCaching')?.options ?? [];
    expect(moderate).toEqual(
      expect.arrayContaining([
        { name: 'smaxage', value: 3600, origin: 'global' },
        { name: 'ramCache', value: true, origin: 'ruleset' },
        { name: 'etags', value: ['resourceVersion'], origin: 'ruleset' },
        expect.objectContaining({ name: 'vary', origin: 'default' }),
      ]),
    );
    expect(report.etag).toEqual({ components: [{ name: 'resourceVersion', value: 'r7' }], value: '|r7' });
    expect(new Map(report.headers).get('cache-control')).toBe(response.headers.get('cache-control'));
    expect(new Map(report.headers).get('etag')).toBe('"|r7"');
    expect(report.layers).toEqual(
      expect.arrayContaining([
        {
          layer: 'ram',
          stores: true,
          detail: { scope: { kind: 'shared' }, keptNow: false, ttlSeconds: 600 },
        },
        { layer: 'fs', stores: true, detail: { file: 'page.html', root: site.disk.root } },
      ]),
    );
  });

  it('the same request without the mark (or with a forged one) stores, writes and purges', async () => {
    const forged = { 'x-cacheset-explain': `0.${'00'.repeat(32)}` };
    site.caching.prepareExplain().cancel();
    const pending = site.caching.prepareExplain();
    const response = await fetch(`${site.url}/page`, { headers: forged });
    expect(await response.text()).toBe(BODY);
    await site.disk.settled();
    for (let i = 0; i < 200 && site.purger.statistics().unitsCommitted < 1; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await site.purger.flush();
    expect(site.ram.statistics()).toMatchObject({ stores: 1 });
    expect(await files(site.root)).toEqual(['page.html']);
    expect(site.proxy.received.map((r) => `${r.method} ${r.url}`)).toContain('PURGE /counter');
    pending.cancel();
    await expect(pending.report).rejects.toThrow(/cancelled/);
  });
});
