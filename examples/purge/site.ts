// A site whose edits purge its caching proxies: @cacheset/http in front of every request, a purger
// listening for Purge events, and the operators' purge endpoint.
import { createServer, type Server } from 'node:http';
import {
  bindAdapter,
  classImplements,
  IPurgePaths,
  IPurgeable,
  ISurrogateKeys,
  notify,
  ObjectModifiedEvent,
  RulesetRegistry,
} from '@cacheset/core';
import { cachingHandler, createHttpCaching, setCacheRuleset, setPublished } from '@cacheset/http';
import { createPurger, purgeEndpoint, type Purger } from '@cacheset/purge';
import { Container } from 'inversify';

export class Image {
  constructor(
    readonly id: number,
    public slug: string,
    public title: string,
  ) {}
}
// Lifecycle events of purgeable objects become Purge events.
classImplements(Image, IPurgeable);

export function configure(container: Container): void {
  // Which URLs show an image: purged when it changes.
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Image,
    name: 'site.image',
    factory: (image: Image) => ({
      getRelativePaths: () => [`/images/${image.slug}`, `/images/${image.slug}/thumbnail`],
      getAbsolutePaths: () => [],
    }),
  });
  // Its tags: @cacheset/http sends them in `xkey` on every page that shows it, the purger invalidates them.
  bindAdapter(container, {
    provides: ISurrogateKeys,
    for: Image,
    name: 'site.image',
    factory: (image: Image) => ({ getKeys: () => [`image-${image.id}`] }),
  });
}

export interface Site {
  readonly server: Server;
  readonly purger: Purger;
  readonly images: Map<string, Image>;
}

export function createSite(options: {
  proxies: readonly string[];
  publicDomain: string;
  purgeToken: string | undefined;
}): Site {
  const container = new Container();
  configure(container);
  const rulesets = new RulesetRegistry();
  rulesets.declareType('site.image', 'Image page');
  const caching = createHttpCaching({
    policy: { operationMapping: { 'site.image': 'moderateCaching' } },
    rulesets,
    container,
    behindProxy: true,
  });
  // Listens on the default bus; paths are sent after each response, only if the request succeeded.
  const purger = createPurger({ proxies: options.proxies, domains: [options.publicDomain], container });
  const endpoint = purgeEndpoint(purger, { token: options.purgeToken });
  const images = new Map<string, Image>([['cat', new Image(1, 'cat', 'A cat')]]);

  const site = cachingHandler(caching, (req, res) => {
    const [, section, slug, action] = (req.url ?? '/').split('?')[0]?.split('/') ?? [];
    const image = section === 'images' && slug !== undefined ? images.get(slug) : undefined;
    if (image === undefined) {
      res.statusCode = 404;
      res.end('Not found');
    } else if (req.method === 'POST' && action === 'edit') {
      image.title += ' (edited)';
      notify(new ObjectModifiedEvent(image, 'title')); // queued now, sent after this response
      res.end('Saved');
    } else {
      setCacheRuleset(res, 'site.image');
      setPublished(res, image);
      res.end(`<h1>${image.title}</h1>`);
    }
  });
  const server = createServer((req, res) =>
    (req.url ?? '').startsWith('/_purge') ? endpoint(req, res) : site(req, res),
  );
  return { server, purger, images };
}
