import type { CacheExchange } from '../exchange/CacheExchange.js';
import type { ExchangeTrace } from '../explain/ExchangeTrace.js';
import type { CacheRequest } from '../exchange/CacheRequest.js';
import type { CacheResponse } from '../exchange/CacheResponse.js';
import type { ShareabilitySource } from '../exchange/shareability.js';
import type { CachesetLogger } from '../logging/CachesetLogger.js';
import type { CachingEngine } from '../policy/CachingEngine.js';

/** Where an exchange finds its ruleset hint and published view: read on every access (hints may come late). */
export interface ExchangeHints {
  ruleset(): string | undefined;
  published(): unknown;
}

export interface ExchangeInit {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  readonly hints: ExchangeHints;
  /** The trace of an explained request (dry and traced); undefined for every other request. */
  readonly trace?: ExchangeTrace | undefined;
}

/**
 * What a caching session runs on: the engine, where problems are reported, how long a unit of work
 * waits for in-process invalidation, and the services operations of its exchanges may ask for (the
 * shareability facts). The HTTP layer's `HttpCaching` is one; tests and scripts may make their own.
 */
export interface ExchangeHost {
  readonly engine: CachingEngine;
  readonly logger: CachesetLogger;
  /** How long a request's unit of work waits for the in-process work it started (ms). */
  readonly workTimeoutMs: number;
  /** Gathers the shareability facts for operations (the HTTP layer's). */
  readonly shareability?: ShareabilitySource | undefined;
  /** Makes the exchange of one request, with `host` set to this host. */
  createExchange(init: ExchangeInit): CacheExchange;
}
