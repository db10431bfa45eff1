import {
  AnnotationKey,
  consoleLogger,
  DEFAULT_WORK_TIMEOUT_MS,
  type CacheExchange,
  type CachesetLogger,
  type ResponseCache,
} from '@cacheset/core';
import { builtinETagComponents } from '../etag/builtinETagComponents.js';
import type { ETagComponent } from '../etag/ETagComponent.js';
import { onceLoggerFor, sharedSymbol } from '@cacheset/core/internal';

/** How surrogate keys (cache tags) are sent to the caching proxy. */
export interface SurrogateKeyHeader {
  readonly name: string;
  readonly separator: ' ' | ',';
  /** Longer values are split over several header lines (proxies limit header sizes). */
  readonly maxLength: number;
}

export const SURROGATE_KEY_HEADERS = {
  xkey: { name: 'xkey', separator: ' ', maxLength: 4096 },
  'Surrogate-Key': { name: 'Surrogate-Key', separator: ' ', maxLength: 4096 },
  'Cache-Tag': { name: 'Cache-Tag', separator: ',', maxLength: 4096 },
} as const satisfies Record<string, SurrogateKeyHeader>;

/** Deployment-wide settings the HTTP operations read (the policy holds the per-ruleset ones). */
export interface HttpSettings {
  /** A caching proxy (Varnish, a CDN) sits in front: surrogate keys are sent (the proxy strips them). */
  readonly behindProxy: boolean;
  readonly surrogateKeyHeader: SurrogateKeyHeader;
  /** Where `ramCache` keeps responses; without one, `ramCache` does nothing. */
  readonly responseCache: ResponseCache | undefined;
  /** Largest body the RAM cache buffers. */
  readonly ramCacheMaxBytes: number;
  /** Query parameters or cookies whose presence makes a request uncacheable (plone's statusmessages). */
  readonly cacheStopRequestVariables: readonly string[];
  /** The deployment's version, for the `resourceVersion` ETag component. */
  readonly resourceVersion: string | undefined;
  readonly components: ReadonlyMap<string, ETagComponent>;
  /**
   * How long a response waits for the in-process invalidation its request started (disk dumps
   * deleted, the RAM tier's record in Redis) before it goes out anyway.
   */
  readonly invalidationTimeoutMs: number;
  /** The cache name in `Cache-Status` entries. */
  readonly cacheStatusName: string;
  readonly logger: CachesetLogger;
  /** The clock (epoch ms); replaceable for tests. */
  now(): number;
}

export const defaultHttpSettings: HttpSettings = Object.freeze({
  behindProxy: false,
  surrogateKeyHeader: SURROGATE_KEY_HEADERS.xkey,
  responseCache: undefined,
  ramCacheMaxBytes: 1_048_576,
  cacheStopRequestVariables: [],
  resourceVersion: undefined,
  components: new Map(builtinETagComponents.map((c) => [c.name, c])),
  invalidationTimeoutMs: DEFAULT_WORK_TIMEOUT_MS,
  cacheStatusName: 'cacheset',
  logger: consoleLogger,
  now: () => Date.now(),
});

// Shared: an operation of one copy of @cacheset/http must find what an adapter of another attached.
const settingsKey = new AnnotationKey<HttpSettings>(sharedSymbol('cacheset.http.settings'));

/** Attaches settings to an exchange (server adapters do this for every request). */
export function attachHttpSettings(exchange: CacheExchange, settings: HttpSettings): void {
  settingsKey.set(exchange, settings);
}

/** The settings of an exchange; the defaults when it has none (operations run on a bare engine). */
export function httpSettingsOf(exchange: CacheExchange): HttpSettings {
  return settingsKey.get(exchange) ?? defaultHttpSettings;
}

/** Logs each distinct message once per logger: a misconfiguration must not flood the log per request. */
export function reportOnce(logger: CachesetLogger, message: string, details?: Readonly<Record<string, unknown>>): void {
  onceLoggerFor(logger).error(message, details);
}
