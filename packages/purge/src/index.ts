/**
 * @cacheset/purge: purges caching proxies (Varnish, nginx, others) when objects change. `Purge` events
 * are queued per unit of work, de-duplicated, and sent after the unit commits (for HTTP requests:
 * after the response finished) as PURGE, BAN and tag (xkey) requests over keep-alive connections,
 * with retries, statistics, history and an operator endpoint.
 *
 * @module
 */
export { createPurger, Purger, type CloseReport, type ManualPurge, type ProxyDescription } from './Purger.js';
export type {
  DeliveryOptions,
  ProxyKind,
  ProxyOptions,
  ProxyTlsOptions,
  PurgerOptions,
  RetryOptions,
  VirtualHostingOptions,
} from './config/PurgerOptions.js';
export { parseProxyUrl, type ProxyAddress } from './config/parseProxyUrl.js';
export { parseDomain, type PublicDomain } from './config/parseDomain.js';
export { PurgeErrorCodes, type PurgeErrorCode } from './errors/purgeErrorCodes.js';
export { encodePath } from './paths/encodePath.js';
export { withLeadingSlash } from './paths/normalizePath.js';
export { normalizeVhmRoot, rewriteForVhm, vhmInsideOutPrefix, type VhmSettings } from './paths/virtualHostRewriter.js';
export type { QueuedPurges } from './queue/PurgeBatch.js';
export { BAN_HEADER, SOFT_PURGE_HEADER } from './proxies/buildRequests.js';
export { splitTags, type TagGroups } from './proxies/splitTags.js';
export type { DeliveryReport, PurgeOutcome, PurgeRecord } from './stats/PurgeRecord.js';
export type { ProxyStatistics } from './stats/ProxyCounters.js';
export type { PurgerStatistics } from './stats/PurgerStatistics.js';
export { metricsText } from './stats/metricsText.js';
export { purgeEndpoint, type PurgeEndpointOptions } from './endpoint/purgeEndpoint.js';
