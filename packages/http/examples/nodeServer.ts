// A node:http site cached by policy: the front page in the proxy, images in browsers too, the account page nowhere.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bindAdapter, cacheRuleset, ILastModified, notify, ObjectAddedEvent, RulesetRegistry } from '@cacheset/core';
import { cachingHandler, createHttpCaching, setPublished } from '@cacheset/http';
import { Container } from 'inversify';
import { DateTime } from 'luxon';

export class Image {
  constructor(
    readonly slug: string,
    readonly svg: string,
    readonly updatedAt: Date,
  ) {}
}

@cacheRuleset('site.frontpage')
class FrontpageView {}

@cacheRuleset('site.image')
class ImageView {
  constructor(readonly context: Image) {}
}

// The "database".
const images = new Map([
  [
    'cat',
    new Image('cat', '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', new Date('2026-11-01T09:30:00Z')),
  ],
]);
const imageOf = (req: IncomingMessage): Image | undefined =>
  images.get(/^\/images\/([a-z]+)$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname)?.[1] ?? '');

/** How many responses were rendered (a 304 answered before rendering does not count). */
export const stats = { renders: 0 };

function send(res: ServerResponse, type: string, body: string): void {
  stats.renders += 1;
  res.setHeader('Content-Type', type);
  res.end(body);
}

export function createApp(): Server {
  const container = new Container();
  // The image's modification time: Last-Modified, and 304s for If-Modified-Since (ImageView delegates to its context).
  bindAdapter(container, {
    provides: ILastModified,
    for: Image,
    factory: (image: Image) => ({ lastModified: () => DateTime.fromJSDate(image.updatedAt, { zone: 'utc' }) }),
  });

  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(), // reads the @cacheRuleset decorators
    container,
    resourceVersion: '2026.11.1', // changes with each deployment, and so do the ETags built from it
    policy: {
      operationMapping: {
        'site.frontpage': 'moderateCaching',
        'site.image': 'strongCaching',
        'site.account': 'noCaching',
        'site.upload': 'noCaching',
      },
      operations: {
        // The front page lists the images: catalogCounter changes its ETag whenever any content changes.
        moderateCaching: { options: { smaxage: '10m', etags: ['userid', 'catalogCounter', 'resourceVersion'] } },
        strongCaching: { options: { maxage: '1d', lastModified: true } },
      },
    },
  });

  // One wrapped handler per route; the route names its view class or its ruleset.
  const listing = (): string => `<h1>Welcome</h1><ul>${[...images.keys()].map((slug) => `<li>${slug}`).join('')}</ul>`;
  const frontpage = cachingHandler(caching, (_req, res) => send(res, 'text/html; charset=utf-8', listing()), {
    published: FrontpageView,
  });
  // An upload adds an image: the lifecycle event changes the catalog counter, so the front page's ETag too.
  const upload = cachingHandler(
    caching,
    (req, res) => {
      const slug = new URL(req.url ?? '/', 'http://localhost').pathname.slice('/images/'.length);
      const image = new Image(slug, '<svg xmlns="http://www.w3.org/2000/svg"/>', new Date());
      images.set(slug, image);
      notify(new ObjectAddedEvent(image, 'images', slug));
      res.statusCode = 201;
      res.end();
    },
    { ruleset: 'site.upload' },
  );
  const account = cachingHandler(
    caching,
    (_req, res) => send(res, 'text/html; charset=utf-8', '<h1>Your account</h1>'),
    { ruleset: 'site.account' },
  );
  const image = cachingHandler(caching, (req, res) => send(res, 'image/svg+xml', imageOf(req)?.svg ?? ''));

  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/') return frontpage(req, res);
    if (path === '/account') return account(req, res);
    if (req.method === 'POST' && /^\/images\/[a-z]+$/.test(path)) return upload(req, res);
    const found = imageOf(req);
    if (found !== undefined) {
      // Named before the handler runs, so a 304 is answered without rendering.
      setPublished(req, new ImageView(found));
      return image(req, res);
    }
    res.statusCode = 404;
    return send(res, 'text/plain', 'Not found');
  });
}
