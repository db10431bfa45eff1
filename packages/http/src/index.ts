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
export { EXPIRED_OFFSET_SECONDS } from './dates/expiresDate.js';
export {
  formatEntityTag,
  parseEntityTagList,
  strongMatch,
  weakMatch,
  type EntityTag,
} from './validators/entityTags.js';
export {
  evaluatePreconditions,
  type PreconditionInput,
  type PreconditionResult,
} from './validators/evaluatePreconditions.js';
export { deltaSeconds, parseCacheControl, type CacheControlDirectives } from './headers/cacheControl.js';
export { hasCacheStopVariable } from './runtime/cacheStop.js';
export { mergeVary, varyNames } from './headers/vary.js';
export { isHeaderName, parseHeaderList } from './headers/headerNames.js';
export {
  doNotCache,
  splitKeys,
  writeCachingHeaders,
  type CachingForm,
  type CachingHeaderInput,
  type ModernDirectives,
} from './headers/cachingHeaders.js';

export { ETagComponent, type ETagComponentContext, type ETagComponentValue } from './etag/ETagComponent.js';
export { builtinETagComponents } from './etag/builtinETagComponents.js';
export { joinETagTokens } from './etag/joinETagTokens.js';

export type {
  ResponseCache,
  ResponseCacheFill,
  ResponseCacheLookup,
  StoredResponse,
  StoredResponseInfo,
} from './responseCache/ResponseCache.js';
export { SHARED_SCOPE, type ResponseScope } from './responseCache/ResponseScope.js';
export { pathOf, ramCacheKey } from './responseCache/ramCacheKey.js';
export {
  RAMCACHE_HEADER,
  RAMCACHE_HEADER_VALUE,
  replayStoredResponse,
  toStoredResponse,
  unstorableReason,
} from './responseCache/storedResponses.js';
export {
  requestCapture,
  requestedCaptures,
  settleCaptures,
  type CapturedResponse,
  type ResponseCapture,
} from './capture/captureResponse.js';

export { headerListOption, httpOptionSpecs } from './operations/httpOptionSpecs.js';
export {
  abandonPendingFill,
  createCachingOperation,
  shouldIgnoreRange,
  type CachingOperationSpec,
  type StandardCachingOptions,
} from './operations/createCachingOperation.js';
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
  defaultHttpSettings,
  httpSettingsOf,
  SURROGATE_KEY_HEADERS,
  type HttpSettings,
  type SurrogateKeyHeader,
} from './runtime/HttpSettings.js';
export { createHttpCaching, HttpCaching, type HttpCachingOptions, type UserResolver } from './runtime/HttpCaching.js';
export { gatherFacts, factsNow, type FactNeeds, type RequestFacts } from './runtime/requestFacts.js';

export {
  checkPublished,
  checkRoute,
  checkRulesetName,
  hintsOf,
  setCacheRuleset,
  setPublished,
  type RouteCaching,
} from './node/routeHints.js';
export {
  createHintedExchange,
  createNodeExchange,
  NodeCacheRequest,
  NodeCacheResponse,
  type HintSource,
} from './node/nodeExchange.js';
export { CachingSession, type CachingSessionInit, type FinishedResponse } from './node/cachingSession.js';
export { dropIgnoredRange, openNodeSession, sessionOf, type NodeSessionOptions } from './node/nodeSession.js';
export { installBodyTap, type BodyTap } from './node/bodyTap.js';
export { headerPairs, installHeaderHook, runCaching, sendIntercepted } from './node/runCaching.js';
export { cachingHandler, cachingMiddleware, type NodeHandler, type RouteResolver } from './node/cachingHandler.js';
