import type { AdapterLookup } from '../adapters/AdapterLookup.js';
import type { ExchangeTrace } from '../explain/ExchangeTrace.js';
import type { ExchangeHost } from '../session/ExchangeHost.js';
import type { CacheRequest } from './CacheRequest.js';
import type { CacheResponse } from './CacheResponse.js';

/** One request/response pair going through the caching engine, with per-request state. */
export interface CacheExchange {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  /** The view or component answering the request (an instance, or a class meaning "its instances"). */
  readonly published: unknown;
  /** A ruleset named by the route itself; when set it is used instead of looking `published` up. */
  readonly rulesetHint: string | undefined;
  /**
   * Request-scoped memory for operations: values computed once and shared by intercept and modify.
   * Read and write it through typed keys (`annotationKey<T>(name)`).
   */
  readonly annotations: Map<string | symbol, unknown>;
  /** Adapter lookup on the application's container, for ILastModified and friends. */
  readonly adapters: AdapterLookup | undefined;
  /** What the exchange runs on (the HTTP layer), for services such as the shareability facts. */
  readonly host?: ExchangeHost | undefined;
  /**
   * Set when the request is explained: it runs dry (nothing is stored, purged, counted or logged)
   * and every participant records what it decided here.
   */
  readonly trace?: ExchangeTrace | undefined;
}

export interface CreateExchangeOptions {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  readonly published?: unknown;
  readonly rulesetHint?: string | undefined;
  readonly adapters?: AdapterLookup | undefined;
  readonly host?: ExchangeHost | undefined;
  readonly trace?: ExchangeTrace | undefined;
}

export function createExchange(options: CreateExchangeOptions): CacheExchange {
  return {
    request: options.request,
    response: options.response,
    published: options.published,
    rulesetHint: options.rulesetHint,
    annotations: new Map(),
    adapters: options.adapters,
    host: options.host,
    trace: options.trace,
  };
}
