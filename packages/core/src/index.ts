/**
 * @cacheset/core: the ruleset registry, interface tokens, adapters resolved through inversify, purge and
 * lifecycle events, the caching-operation contract, policies and the framework-neutral engine.
 * Knows nothing of HTTP servers, disks or Redis.
 *
 * @module
 */
import 'reflect-metadata/lite';

export { CachesetError, type CachesetErrorCode, type CachesetErrorOptions } from './errors/CachesetError.js';
export { CoreErrorCodes, type CoreErrorCode } from './errors/errorCodes.js';
export {
  CachesetWarning,
  CoreWarningCodes,
  emitProcessWarning,
  type CachesetWarningCode,
} from './errors/CachesetWarning.js';
export { consoleLogger, type CachesetLogger } from './logging/CachesetLogger.js';
export { isPromiseLike, type MaybePromise } from './async/isPromiseLike.js';
export { assertDottedName, describeValue, dottedNameProblem, isDottedName } from './names/dottedName.js';
export { didYouMean, suggestName } from './names/suggestName.js';

export {
  defineInterface,
  Interface,
  isInterfaceToken,
  type DefineInterfaceOptions,
  type InterfaceToken,
} from './interfaces/InterfaceToken.js';
export { isClass, isSpec, specName, type AnyClass, type Spec } from './interfaces/Spec.js';
export {
  alsoProvides,
  classImplements,
  declaredInterfaces,
  directlyProvidedBy,
  implementedBy,
  implementer,
  noLongerProvides,
} from './interfaces/declarations.js';
export { classOf, implementsSpec, providedBy, provides } from './interfaces/resolutionOrder.js';

export { RulesetRegistry, type RuleMatch, type RulesetRegistryOptions } from './registry/RulesetRegistry.js';
export type { RulesetType } from './registry/RulesetType.js';
export {
  declareType,
  enumerateTypes,
  getDefaultRegistry,
  lookup,
  register,
  resetDefaultRegistry,
  setDefaultRegistry,
  setExplicitMode,
  unregister,
} from './registry/defaultRegistry.js';
export { cacheRuleset, declaredRuleset, decoratedClasses } from './decorators/cacheRuleset.js';

export { defineAdapterToken, type AdapterToken } from './adapters/AdapterToken.js';
export { ILastModified } from './adapters/ILastModified.js';
export { IPurgePaths } from './adapters/IPurgePaths.js';
export {
  adapter,
  adapterModule,
  AdapterRegistration,
  bindAdapter,
  type AdapterSpec,
} from './adapters/AdapterRegistration.js';
export { AdapterLookup, type AdapterMatch, type NamedAdapter } from './adapters/AdapterLookup.js';
export { checkLastModified, resolveLastModified, resolveLastModifiedNow } from './adapters/resolveLastModified.js';
export { resolvePurgePaths, type PurgePaths } from './adapters/resolvePurgePaths.js';
export { ISurrogateKeys } from './adapters/ISurrogateKeys.js';
export { isSurrogateKey, resolveSurrogateKeys } from './adapters/resolveSurrogateKeys.js';
export { contextOf, findViewAdapter, findViewAdapters } from './adapters/findViewAdapter.js';

export { Purge } from './events/Purge.js';
export {
  ObjectAddedEvent,
  ObjectEvent,
  ObjectLocationEvent,
  ObjectModifiedEvent,
  ObjectMovedEvent,
  ObjectRemovedEvent,
  ObjectRenamedEvent,
  ObjectWillBeMovedEvent,
} from './events/lifecycleEvents.js';
export { IPurgeable } from './events/IPurgeable.js';
export { EventBus, type EventBusOptions, type EventClass, type EventListener } from './events/EventBus.js';
export { installPurgeRedispatch } from './events/purgeRedispatch.js';
export { getDefaultBus, notify, resetDefaultBus, subscribe } from './events/defaultBus.js';
export { CatalogCounter, catalogCounterOf, type CatalogCounterListener } from './events/CatalogCounter.js';

export type { CacheRequest, CacheUser } from './exchange/CacheRequest.js';
export type { CacheResponse } from './exchange/CacheResponse.js';
export { createExchange, type CacheExchange, type CreateExchangeOptions } from './exchange/CacheExchange.js';
export { AnnotationKey, annotationKey } from './exchange/AnnotationKey.js';
export { hasCacheStopVariable } from './exchange/cacheStop.js';
export type { ExchangeHost } from './session/ExchangeHost.js';
export { type ExplainReport, type LayerVerdict } from './explain/ExchangeTrace.js';
export type { RulesetExplanation } from './registry/RulesetExplanation.js';
export type { ResolvedOption } from './policy/ResolvedOption.js';
export type {
  ResponseCache,
  ResponseCacheFill,
  ResponseCacheLookup,
  ResponseCacheVerdict,
  StoredResponse,
  StoredResponseInfo,
} from './responseCache/ResponseCache.js';
export { SHARED_SCOPE, type ResponseScope } from './responseCache/ResponseScope.js';
export { type FillAbandonReason } from './responseCache/AbandonReason.js';
export {
  memoryRequest,
  memoryResponse,
  type MemoryRequestInit,
  type MemoryResponse,
} from './exchange/memoryExchange.js';

export type {
  CachingOperation,
  DebugHeaderSwitches,
  DelegatedOperation,
  InterceptResult,
  OperationContext,
  OperationOptions,
  OptionSchema,
  OptionValues,
} from './operations/CachingOperation.js';
export { defineOperation } from './operations/defineOperation.js';
export {
  booleanOption,
  durationOption,
  integerOption,
  stringListOption,
  stringOption,
  type OptionCheckContext,
  type OptionSpec,
} from './operations/OptionSpec.js';
export { MAX_DELTA_SECONDS, parseDuration } from './operations/parseDuration.js';
export { OperationRegistry, type OperationRegistryOptions } from './operations/OperationRegistry.js';
export { describeOperationSource, type OperationSource } from './operations/operationSources.js';
export { CHAIN_HEADER, chainOperation } from './operations/chainOperation.js';

export { CachePolicy, type CompilePolicyOptions } from './policy/CachePolicy.js';
export type { OperationSettingsData, PolicyData } from './policy/PolicyData.js';
export {
  CachingEngine,
  defaultRulesetLookup,
  MODIFY_AFTER_INTERCEPT,
  OPERATION_HEADER,
  RULE_HEADER,
  type CachingEngineOptions,
  type InterceptOutcome,
  type OperationMatch,
  type RulesetLookup,
} from './policy/CachingEngine.js';

export {
  currentUnitOfWork,
  DEFAULT_WORK_TIMEOUT_MS,
  runInUnitOfWork,
  UnitOfWork,
  type UnitOfWorkOptions,
  type UnitOfWorkState,
} from './unitOfWork/UnitOfWork.js';
export { trackWork, whenWorkSettled, type TrackWorkOptions } from './unitOfWork/trackWork.js';

export { configError, formatConfigPath, type ConfigPath, type ConfigSource } from './config/ConfigSource.js';
export { loadConfig, loadConfigFile, type LoadConfigOptions, type LoadedConfig } from './config/loadConfig.js';
export { checkConfig, type CheckConfigOptions, type ConfigProblem } from './config/checkConfig.js';
