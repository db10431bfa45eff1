import type { AdapterLookup, CacheExchange, CacheRequest, CacheResponse, ExchangeHost } from '@cacheset/core';
import { type ExchangeTrace, type ExchangeHints } from '@cacheset/core/internal';

/**
 * The exchange of one request on the HTTP layer, whose hints are read from `hints` whenever the
 * engine asks (a handler may name its ruleset while rendering). A class rather than an object
 * literal with getters: literals with accessors are built on V8's slow path (about 2 µs each, and
 * garbage the scavenger handles badly), which showed in the 304 benchmark.
 */
export class HttpExchange implements CacheExchange {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  readonly annotations = new Map<string | symbol, unknown>();
  readonly adapters: AdapterLookup | undefined;
  readonly host: ExchangeHost;
  readonly trace: ExchangeTrace | undefined;
  readonly #hints: ExchangeHints;

  constructor(
    host: ExchangeHost,
    adapters: AdapterLookup | undefined,
    request: CacheRequest,
    response: CacheResponse,
    hints: ExchangeHints,
    trace: ExchangeTrace | undefined,
  ) {
    this.request = request;
    this.response = response;
    this.adapters = adapters;
    this.host = host;
    this.trace = trace;
    this.#hints = hints;
  }

  get published(): unknown {
    return this.#hints.published();
  }

  get rulesetHint(): string | undefined {
    return this.#hints.ruleset();
  }
}
