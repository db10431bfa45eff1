// The pages an IPurgePaths adapter names are pages: a gallery lists every image on its front page,
// so each image names '/', and a Purge of one image drops the front page and that image's own pages,
// while every other page stays in RAM.
import { createServer, type Server } from 'node:http';
import { bindAdapter, EventBus, IPurgePaths, Purge, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';
import { IObjectPath, RamCacheManager } from '@cacheset/ram';
import { Container } from 'inversify';

class Image {
  constructor(readonly slug: string) {}
}

/** Which pages were rendered again after the purge (the others were replayed from RAM). */
export async function main(): Promise<string[]> {
  const container = new Container();
  // The image's own path: a subtree, so its views (/images/cat/comments) go with it.
  bindAdapter(container, {
    provides: IObjectPath,
    for: Image,
    factory: (image: Image) => ({ getPath: () => `/images/${image.slug}` }),
  });
  // The pages that show it: the front page, that page alone (as a caching proxy purges it).
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Image,
    name: 'gallery.frontpage',
    factory: () => ({ getRelativePaths: () => ['/'], getAbsolutePaths: () => [] }),
  });
  const bus = new EventBus();
  const ram = new RamCacheManager({ container, bus });
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    container,
    responseCache: ram,
    policy: {
      operationMapping: { 'site.page': 'moderateCaching' },
      operations: { moderateCaching: { rulesets: { 'site.page': { ramCache: true, smaxage: '1m' } } } },
    },
  });
  const rendered: string[] = [];
  const server: Server = createServer(
    cachingHandler(
      caching,
      (req, res) => {
        rendered.push(req.url ?? '');
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(`<p>${req.url ?? ''}</p>`);
      },
      { ruleset: 'site.page' },
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const pages = ['/', '/?page=2', '/images/cat', '/images/cat/comments', '/images/dog', '/about'];
  const visitAll = async (): Promise<void> => {
    for (const page of pages) await (await fetch(`http://127.0.0.1:${port}${page}`)).text();
  };
  try {
    await visitAll(); // every page rendered once, and kept
    rendered.length = 0;
    bus.notify(new Purge(new Image('cat')));
    await visitAll();
    return rendered; // ['/', '/?page=2', '/images/cat', '/images/cat/comments']
  } finally {
    server.close();
    await ram.close();
  }
}
