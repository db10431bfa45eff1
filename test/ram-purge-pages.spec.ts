/**
 * What a `Purge` drops from the RAM cache, end to end through a real node:http server: the pages an
 * object's `IPurgePaths` adapters name are pages (that page, its query-string variants and its
 * trailing-slash twin), as a caching proxy and the filesystem cache treat them; only the object's own
 * path is a subtree. A gallery whose images all list `/` (the front page shows them) must not lose
 * every cached page on every edit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bindAdapter, EventBus, IPurgePaths, Purge, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';
import { IObjectPath, RamCacheManager } from '@cacheset/ram';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from './support/httpRequest.js';

class Image {
  constructor(readonly slug: string) {}
}

describe('a Purge through a real node:http server: IPurgePaths name pages, the object path a subtree', () => {
  let server: Server;
  let base: string;
  let ram: RamCacheManager;
  const bus = new EventBus();
  /** Renders per request target (path and query): a RAM hit does not count. */
  const renders = new Map<string, number>();
  const quiet = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: IObjectPath,
      for: Image,
      factory: (image: Image) => ({ getPath: () => `/images/${image.slug}` }),
    });
    // Exactly right for a proxy: the front page lists every image, so it is purged with each one.
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Image,
      name: 'listings',
      factory: (image: Image) => ({
        getRelativePaths: () => ['/', `/albums/${image.slug}`],
        getAbsolutePaths: () => [`https://www.example.com/embed/${image.slug}`],
      }),
    });
    ram = new RamCacheManager({ bus, container, logger: quiet, maxAge: 600 });
    const caching = createHttpCaching({
      rulesets: new RulesetRegistry(),
      container,
      responseCache: ram,
      logger: quiet,
      policy: {
        operationMapping: { 'site.page': 'moderateCaching' },
        operations: { moderateCaching: { rulesets: { 'site.page': { ramCache: true, smaxage: 60 } } } },
      },
    });
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const target = req.url ?? '/';
      const count = (renders.get(target) ?? 0) + 1;
      renders.set(target, count);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<p>${target} render ${count}</p>`);
    };
    server = createServer(cachingHandler(caching, handler, { ruleset: 'site.page' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ram.close();
  });

  const get = (target: string): Promise<RawResponse> => rawRequest(`${base}${target}`);

  it('drops the front page and the image’s own pages; an untouched image’s pages stay RAM hits', async () => {
    const dropped = [
      '/',
      '/?page=2',
      '/images/cat',
      '/images/cat/',
      '/images/cat?size=large',
      '/images/cat/comments',
      '/albums/cat',
      '/albums/cat/',
      '/embed/cat',
    ];
    const kept = ['/images/dog', '/images/dog/comments', '/albums/dog', '/about', '/albums/cat/2024', '/embed/cat/x'];
    for (const target of [...dropped, ...kept]) {
      await get(target);
      expect((await get(target)).headers['x-ramcache'], `${target} cached`).toBe('cacheset.ramcache');
      expect(renders.get(target), target).toBe(1);
    }

    bus.notify(new Purge(new Image('cat')));

    for (const target of dropped) {
      const after = await get(target);
      expect(after.headers['x-ramcache'], `${target} after the purge`).toBeUndefined();
      expect(after.text, target).toBe(`<p>${target} render 2</p>`);
    }
    for (const target of kept) {
      const after = await get(target);
      expect(after.headers['x-ramcache'], `${target} after the purge`).toBe('cacheset.ramcache');
      expect(after.text, target).toBe(`<p>${target} render 1</p>`);
      expect(renders.get(target), target).toBe(1);
    }
  });
});
