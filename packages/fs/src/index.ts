/**
 * @cacheset/fs: the filesystem cache manager. Dumps shareable responses under a document root that
 * nginx serves before the application (`try_files`), deletes them on `Purge`, keeps the content type
 * in the file name, and prints the nginx (or Apache) configuration that goes with it.
 *
 * @module
 */
export { FsErrorCodes, fsError, type FsErrorCode } from './errors/fsErrorCodes.js';

export { DEFAULT_CONTENT_TYPES, servedContentType, type ContentTypeEntry } from './contentTypes/ContentTypeEntry.js';
export { ContentTypeTable, type ContentTypeMatch, type ContentTypeProblem } from './contentTypes/ContentTypeTable.js';
export { normalizeCharset, parseContentType, type ParsedContentType } from './contentTypes/parseContentType.js';

export { fileOf, QUERY_MARKER, type CacheLocation } from './paths/CacheLocation.js';
export { canonicalQuery, SERVABLE_QUERY_PATTERN } from './paths/canonicalQuery.js';
export { decodeUrlPath, locateUrl, purgeKeyOf, type Located } from './paths/locateUrl.js';
export type { PathProblem } from './paths/PathProblem.js';
export type { PathRules } from './paths/PathRules.js';

export {
  normalizeCacheControl,
  resolveFsCacheOptions,
  type FsCacheOptions,
  type ResolvedFsCacheOptions,
} from './options/FsCacheOptions.js';
export { FsCache, type FsWriteInput, type FsWriteResult } from './store/FsCache.js';
export type { FsWriteTicket } from './store/PurgeGenerations.js';
export type { SiblingSettings } from './store/compressSiblings.js';

export type { FsCacheStats } from './stats/FsCacheStats.js';
export type { RefusalReason, SharingProblem, StoreProblem } from './stats/RefusalReason.js';

export { subscribePurges, type PurgeSubscriptionOptions } from './invalidation/subscribePurges.js';

export {
  createFsCacheOperation,
  type CreateFsCacheOperationOptions,
  type FsCacheOperationOptions,
} from './operation/fsCacheOperation.js';
export { responseProblem } from './operation/sharingProblems.js';
export { staticCacheControl, type StaticCacheControlOptions } from './operation/staticCacheControl.js';

export { nginxConfig } from './serverConfig/nginxConfig.js';
export { apacheConfig } from './serverConfig/apacheConfig.js';
export {
  parseAppAddress,
  resolveServerConfig,
  serverConfigOf,
  type AppAddress,
  type ResolvedServerConfig,
  type ServerConfigOptions,
} from './serverConfig/ServerConfigOptions.js';

export { CLI_USAGE, runCli, type CliOutput } from './cli/runCli.js';
