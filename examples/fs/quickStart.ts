// The filesystem cache in front of a node:http application: the first request renders and writes the
// page, nginx would serve it from then on, and a Purge from domain code deletes it.
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { bindAdapter, EventBus, IPurgePaths, OperationRegistry, Purge, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching, registerHttpOperations } from '@cacheset/http';
import {
  createFsCacheOperation,
  FsCache,
  nginxConfig,
  serverConfigOf,
  staticCacheControl,
  subscribePurges,
  type FsCacheStats,
} from '@cacheset/fs';
import { Container } from 'inversify';

export class Image {
  constructor(
    readonly slug: string,
    public title: string,
  ) {}
}

const images = new Map([['cat', new Image('cat', 'A cat')]]);

export async function main(
  root: string,
): Promise<{ written: readonly string[]; cacheControl: string; stats: FsCacheStats; config: string }> {
  const container = new Container();
  // Which URLs show an image: its page (and, with a trailing slash, its directory index).
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Image,
    name: 'gallery.image',
    factory: (image: Image) => ({ getRelativePaths: () => [`/images/${image.slug}`], getAbsolutePaths: () => [] }),
  });

  // 1. The cache, on a document root of its own; 2. its operation beside the standard ones.
  const cache = await FsCache.open({ root, gzip: true });
  const operations = registerHttpOperations(new OperationRegistry());
  operations.register(createFsCacheOperation(cache));

  // 3. The policy: moderateCaching sets the headers, then fsCache dumps the response.
  const caching = createHttpCaching({
    operations,
    container,
    rulesets: new RulesetRegistry(),
    policy: {
      operationMapping: { 'gallery.image': 'chain' },
      operations: {
        moderateCaching: { options: { smaxage: '1h' } },
        chain: { rulesets: { 'gallery.image': { operations: ['moderateCaching', 'fsCache'] } } },
      },
    },
  });

  // 4. nginx will send the copies with the Cache-Control the policy gives the page.
  cache.setCacheControl(await staticCacheControl(caching, 'gallery.image'));

  // 5. Purge events delete files (here on a bus of our own; by default the process-wide one).
  const bus = new EventBus();
  subscribePurges(cache, { container, bus });

  const server: Server = createServer(
    cachingHandler(
      caching,
      (req, res) => {
        const image = images.get((req.url ?? '').slice('/images/'.length));
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(
          `<!doctype html><title>${image?.title ?? '?'}</title><h1>${image?.title ?? '?'}</h1>${'<p>Photographed in the garden.</p>'.repeat(20)}`,
        );
      },
      { ruleset: 'gallery.image' },
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    // The first request reaches the application; the page is written once the response is finished.
    await (await fetch(`http://127.0.0.1:${port}/images/cat`)).text();
    while (cache.stats().writes === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // Dot-named entries are the cache's own bookkeeping, which nginx never serves.
    const written = (await readdir(cache.root, { recursive: true })).filter((name) => !name.startsWith('.')).sort();

    // Domain code: the image changed.
    (images.get('cat') as Image).title = 'A sleeping cat';
    bus.notify(new Purge(images.get('cat') as Image));
    await cache.settled();

    // 6. The nginx configuration for this cache (or: cacheset-fs nginx --root ... --app ...).
    const config = nginxConfig({ ...serverConfigOf(cache), app: `127.0.0.1:${port}`, listen: 8080 });
    return { written, cacheControl: cache.cacheControl ?? '', stats: cache.stats(), config };
  } finally {
    server.close();
    await cache.close();
  }
}
