/**
 * @cacheset/http: the HTTP-header cache manager. The standard operations (strong, moderate, weak,
 * terse and no caching), composite ETags, RFC 9110 conditional requests, debug headers, the RAM-cache
 * hook, and the node:http adapter; Express, Fastify and Koa shells live at `@cacheset/http/express`,
 * `/fastify` and `/koa`.
 *
 * @module
 */
export { HttpErrorCodes } from './errors/httpErrorCodes.js';
export { formatHttpDate, parseHttpDate } from './dates/httpDate.js';
export { parseHeaderList } from './headers/headerNames.js';

export { ETagComponent, type ETagComponentContext, type ETagComponentValue } from './etag/ETagComponent.js';
export { builtinETagComponents } from './etag/builtinETagComponents.js';

export { RAMCACHE_HEADER, RAMCACHE_HEADER_VALUE } from './responseCache/storedResponses.js';

export type { StandardCachingOptions } from './operations/createCachingOperation.js';
export {
  httpOperations,
  moderateCaching,
  noCaching,
  registerHttpOperations,
  strongCaching,
  terseCaching,
  weakCaching,
} from './operations/standardOperations.js';

export { IAnonymousAccess } from './runtime/IAnonymousAccess.js';
export {
  attachHttpSettings,
  SURROGATE_KEY_HEADERS,
  type HttpSettings,
  type SurrogateKeyHeader,
} from './runtime/HttpSettings.js';
export { EXPLAIN_HEADER, type PreparedExplain } from './runtime/ExplainRequests.js';
export { createHttpCaching, HttpCaching, type HttpCachingOptions, type UserResolver } from './runtime/HttpCaching.js';

export { setCacheRuleset, setPublished, type RouteCaching } from './node/routeHints.js';
export { cachingHandler, cachingMiddleware, type NodeHandler, type RouteResolver } from './node/cachingHandler.js';
