import type { CachingOperation, OperationRegistry } from '@cacheset/core';
import { doNotCache } from '../headers/cachingHeaders.js';
import { httpSettingsOf } from '../runtime/HttpSettings.js';
import { appSignals, createCachingOperation, type StandardCachingOptions } from './createCachingOperation.js';
import { httpOptionSpecs as o } from './httpOptionSpecs.js';
import { abandonHeldFill } from '@cacheset/core/internal';

const common = {
  etags: o.etags(),
  lastModified: o.lastModified(),
  ramCache: o.ramCache(),
  anonOnly: o.anonOnly(),
  weakETag: o.weakETag(),
  publicErrors: o.publicErrors(),
  publicStatuses: o.publicStatuses(),
};

const sharedDirectives = {
  staleWhileRevalidate: o.staleWhileRevalidate(),
  staleIfError: o.staleIfError(),
  immutable: o.immutable(),
  noTransform: o.noTransform(),
  surrogateMaxage: o.surrogateMaxage(),
  cdnMaxage: o.cdnMaxage(),
  surrogateKeys: o.surrogateKeys(),
};

/** Cache in browsers and proxies for `maxage` (a day by default): resources whose URL is stable. */
export const strongCaching = createCachingOperation({
  name: 'strongCaching',
  title: 'Strong caching',
  description:
    'Cache in browser and proxy (default: 24 hrs). Caution: only use for stable resources that never change without changing their URL, or resources for which temporary staleness is not critical.',
  sort: 1,
  options: { maxage: o.maxage(86_400), smaxage: o.smaxage(null), vary: o.vary(null), ...common, ...sharedDirectives },
});

/** Browsers revalidate every time; proxies keep it for `smaxage` (a day by default) and are purged. */
export const moderateCaching = createCachingOperation({
  name: 'moderateCaching',
  title: 'Moderate caching',
  description:
    'Cache in browser but expire immediately (same as weak caching), and cache in proxy (default: 24 hrs). Use a purgable caching reverse proxy for best results.',
  sort: 2,
  options: { smaxage: o.smaxage(86_400), vary: o.vary(null), ...common, ...sharedDirectives },
  fixed: { maxage: 0 },
});

/** Browsers keep it but revalidate every time (with an ETag or Last-Modified); proxies do not store it. */
export const weakCaching = createCachingOperation({
  name: 'weakCaching',
  title: 'Weak caching',
  description:
    'Cache in browser but expire immediately and enable 304 responses on subsequent requests. 304s require configuration of the etags and/or lastModified options.',
  sort: 3,
  options: { vary: o.vary(null), ...common },
  fixed: { maxage: 0, smaxage: null },
});

/** A few seconds in browsers (10 by default) and a minute in proxies: dynamic pages under load. */
export const terseCaching = createCachingOperation({
  name: 'terseCaching',
  title: 'Terse caching',
  description:
    'Cache in browser and proxy for a short time (default: 10 s in browsers, 60 s in proxies): for dynamic pages that can be a little stale.',
  sort: 4,
  options: { maxage: o.maxage(10), smaxage: o.smaxage(60), vary: o.vary(['Accept']), ...common, ...sharedDirectives },
});

/** Nothing may reuse it without asking: `max-age=0, must-revalidate, private`. */
export const noCaching: CachingOperation<{ noStore: boolean }> = {
  name: 'noCaching',
  title: 'No caching',
  description: 'Use this operation to keep the response out of all caches.',
  sort: 5,
  options: { noStore: o.noStore() },
  modify(ctx) {
    // Note what the application said before writing over it, for operations chained after this one.
    appSignals(ctx);
    doNotCache(ctx.response, httpSettingsOf(ctx.exchange).now(), ctx.options.noStore === true);
    abandonHeldFill(ctx.exchange, 'not-cacheable');
  },
};

/** The standard operations, in display order. */
export const httpOperations: readonly CachingOperation<Partial<StandardCachingOptions>>[] = [
  strongCaching,
  moderateCaching,
  weakCaching,
  terseCaching,
];

/** Registers strongCaching, moderateCaching, weakCaching, terseCaching and noCaching (chain is the core's). */
export function registerHttpOperations(registry: OperationRegistry): OperationRegistry {
  for (const operation of httpOperations) registry.register(operation);
  registry.register(noCaching);
  return registry;
}
