// Administrators write the policy in a file; the application loads it at start-up, and a mistake stops it there.
import { createServer, type Server } from 'node:http';
import { CachesetError, loadConfig, OperationRegistry, RulesetRegistry } from '@cacheset/core';
import {
  cachingHandler,
  createHttpCaching,
  registerHttpOperations,
  type HttpCaching,
  type RouteCaching,
} from '@cacheset/http';

export class GalleryView {}

// cacheset.yaml (in an application: `await loadConfigFile('cacheset.yaml', { ... })`).
export const config = `
explicit: true
rulesetTypes:
  - { name: site.gallery, title: Gallery, description: Image listings }
  - { name: site.feed, title: Feed }
  - { name: site.search, title: Search results }
rulesets:
  - { for: GalleryView, ruleset: site.gallery }
policy:
  operationMapping:
    site.gallery: moderateCaching
    site.feed: moderateCaching
    site.search: terseCaching
  operations:
    moderateCaching:
      options: { smaxage: 1d, etags: [userid, catalogCounter, resourceVersion] }
      rulesets:
        site.feed: { smaxage: 10m, staleWhileRevalidate: 1m, etags: null }
    terseCaching:
      options: { maxage: 30s, smaxage: 2m, vary: [Accept, Accept-Language] }
`;

export function loadCaching(text: string = config): HttpCaching {
  const rulesets = new RulesetRegistry();
  const operations = registerHttpOperations(new OperationRegistry());
  const { policy } = loadConfig(text, 'cacheset.yaml', { registry: rulesets, operations, components: { GalleryView } });
  return createHttpCaching({ policy, rulesets, operations, resourceVersion: '2026.11.1' });
}

/** What start-up reports for a configuration (a CachesetError's message), or 'ok'. */
export function checkConfig(text: string): string {
  try {
    loadCaching(text);
    return 'ok';
  } catch (error) {
    if (CachesetError.is(error)) return error.message;
    throw error;
  }
}

export function createApp(caching: HttpCaching = loadCaching()): Server {
  const page = (body: string, route: RouteCaching) =>
    cachingHandler(caching, (_req, res) => res.setHeader('Content-Type', 'text/html; charset=utf-8').end(body), route);
  const routes = new Map([
    ['/gallery', page('<ul><li>cat</li></ul>', { published: GalleryView })],
    ['/feed', page('<rss/>', { ruleset: 'site.feed' })],
    ['/search', page('<p>3 results</p>', { ruleset: 'site.search' })],
  ]);
  return createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (route !== undefined) return route(req, res);
    res.statusCode = 404;
    return res.end();
  });
}
