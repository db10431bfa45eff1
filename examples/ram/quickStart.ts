// The RAM cache in front of a node:http application: whole pages are kept and replayed, values are
// computed once, and a Purge from domain code drops both when the content changes.
import { createServer, type Server } from 'node:http';
import { bindAdapter, EventBus, IPurgePaths, Purge, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';
import { IObjectPath, RamCacheManager, type RamCacheStatistics } from '@cacheset/ram';
import { Container } from 'inversify';

export class Image {
  constructor(
    readonly slug: string,
    readonly gallery: string,
    public title: string,
  ) {}
}

// The "database".
const images = [new Image('cat', 'pets', 'A cat'), new Image('dog', 'pets', 'A dog')];

/** How often the page and the teasers were really rendered (hits do not count). */
export const renders = { pages: 0, teasers: 0 };

export async function main(): Promise<{
  pages: readonly { readonly body: string; readonly ramCache: string | null }[];
  stats: RamCacheStatistics;
}> {
  const container = new Container();
  // Where an image lives (its values' path), and which pages show it (both dropped when it is purged).
  bindAdapter(container, {
    provides: IObjectPath,
    for: Image,
    factory: (i: Image) => ({ getPath: () => `/images/${i.slug}` }),
  });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Image,
    name: 'gallery.pages',
    factory: (i: Image) => ({ getRelativePaths: () => [`/gallery/${i.gallery}`], getAbsolutePaths: () => [] }),
  });

  // Purge events come from this bus (by default: the process-wide one that notify() uses).
  const bus = new EventBus();
  const ram = new RamCacheManager({ maxBytes: '256MB', container, bus });

  // 1. Whole responses: the ramCache option of the HTTP operations stores and replays them.
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    container,
    responseCache: ram,
    policy: {
      operationMapping: { 'site.gallery': 'moderateCaching' },
      operations: { moderateCaching: { rulesets: { 'site.gallery': { ramCache: true, smaxage: '1m' } } } },
    },
  });

  // 2. Values: each teaser is computed once per image, then shared by every page that shows it.
  const renderGallery = cachingHandler(
    caching,
    async (req, res) => {
      renders.pages += 1;
      const name = (req.url ?? '').slice('/gallery/'.length);
      const teasers = await Promise.all(
        images
          .filter((image) => image.gallery === name)
          .map((image) =>
            ram.values.getOrCompute(
              image,
              () => {
                renders.teasers += 1;
                return `<figure>${image.title}</figure>`;
              },
              { view: 'teaser' },
            ),
          ),
      );
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<h1>${name}</h1>${teasers.join('')}`);
    },
    { ruleset: 'site.gallery' },
  );

  const server: Server = createServer(renderGallery);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const get = async (): Promise<{ body: string; ramCache: string | null }> => {
    const response = await fetch(`http://127.0.0.1:${port}/gallery/pets`);
    return { body: await response.text(), ramCache: response.headers.get('x-ramcache') };
  };
  try {
    const first = await get(); // rendered, and kept
    const second = await get(); // replayed from RAM: the handler does not run

    // 3. Domain code: the image changed. Its teaser and the gallery page are dropped, in this
    //    process and (with the redis option) in every other one.
    (images[0] as Image).title = 'A sleeping cat';
    bus.notify(new Purge(images[0] as Image));
    const third = await get(); // rendered again, with the new title

    return { pages: [first, second, third], stats: ram.statistics() };
  } finally {
    server.close();
    await ram.close();
  }
}
