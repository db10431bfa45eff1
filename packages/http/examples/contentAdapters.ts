// Content describes itself to the HTTP cache manager through adapters and ETag components bound in the container.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { bindAdapter, cacheRuleset, ISurrogateKeys, RulesetRegistry, type CacheUser } from '@cacheset/core';
import { cachingHandler, createHttpCaching, ETagComponent, IAnonymousAccess, setPublished } from '@cacheset/http';
import { Container } from 'inversify';

export class Gallery {
  version = 1; // bumped on every change to the gallery or its images
  constructor(readonly id: number) {}
}

export class Image {
  constructor(
    readonly id: number,
    readonly gallery: Gallery,
    /** Shared by a secret link only: whoever has the link may see it, but no shared cache may keep it. */
    readonly linkKey?: string,
  ) {}
}

@cacheRuleset('site.image')
class ImageView {
  constructor(readonly context: Image) {}
}

const gallery = new Gallery(7);
export const images = new Map([
  [1, new Image(1, gallery)],
  [2, new Image(2, gallery, 's3cret')],
]);

// The application's own sessions: `Cookie: session=<user id>`.
function userOf(req: IncomingMessage): CacheUser | undefined {
  const id = /(?:^|;\s*)session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
  return id === undefined ? undefined : { id, roles: ['Editor'] };
}

export function createApp(): Server {
  const container = new Container();
  // Images shared by link are not public content: never marked public, even for anonymous requests.
  bindAdapter(container, {
    provides: IAnonymousAccess,
    for: Image,
    factory: (image: Image) => ({ allowsAnonymous: () => image.linkKey === undefined }),
  });
  // Cache tags: a purge of `gallery:7` reaches every page showing one of its images.
  bindAdapter(container, {
    provides: ISurrogateKeys,
    for: Image,
    factory: (image: Image) => ({ getKeys: () => [`image:${image.id}`, `gallery:${image.gallery.id}`] }),
  });
  // An ETag component of your own, named in the policy like the built-in ones.
  container.bind<ETagComponent>(ETagComponent).toConstantValue({
    name: 'galleryVersion',
    value: (ctx) => (ctx.published instanceof ImageView ? ctx.published.context.gallery.version : undefined),
  });

  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    container,
    user: userOf,
    behindProxy: true, // Varnish in front: send xkey (it strips the header before browsers)
    policy: {
      operationMapping: { 'site.image': 'moderateCaching' },
      operations: { moderateCaching: { options: { smaxage: '1h', etags: ['userid', 'galleryVersion'] } } },
    },
  });

  const page = cachingHandler(caching, (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end('<img src="image.jpg">');
  });
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const image = images.get(Number(/^\/images\/(\d+)$/.exec(url.pathname)?.[1]));
    if (image === undefined || (image.linkKey !== undefined && url.searchParams.get('key') !== image.linkKey)) {
      res.statusCode = 404;
      return res.end();
    }
    setPublished(req, new ImageView(image));
    return page(req, res);
  });
}
