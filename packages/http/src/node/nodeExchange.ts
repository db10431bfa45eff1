import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { CacheExchange, CacheRequest, CacheResponse, CacheUser } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { attachHttpSettings } from '../runtime/HttpSettings.js';
import { hintsOf, type RouteCaching } from './routeHints.js';

const UNRESOLVED = Symbol('unresolved');

/** CacheRequest over a node IncomingMessage. */
export class NodeCacheRequest implements CacheRequest {
  readonly raw: IncomingMessage;
  readonly #userOf: (request: IncomingMessage) => CacheUser | undefined;
  #user: CacheUser | undefined | typeof UNRESOLVED = UNRESOLVED;

  constructor(raw: IncomingMessage, userOf: (request: IncomingMessage) => CacheUser | undefined) {
    this.raw = raw;
    this.#userOf = userOf;
  }

  get method(): string {
    return this.raw.method ?? 'GET';
  }

  get url(): string {
    return this.raw.url ?? '/';
  }

  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  get user(): CacheUser | undefined {
    if (this.#user === UNRESOLVED) this.#user = this.#userOf(this.raw);
    return this.#user;
  }
}

function headerText(value: OutgoingHttpHeader | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** CacheResponse over a node ServerResponse. */
export class NodeCacheResponse implements CacheResponse {
  readonly raw: ServerResponse;

  constructor(raw: ServerResponse) {
    this.raw = raw;
  }

  get status(): number {
    return this.raw.statusCode;
  }

  set status(value: number) {
    this.raw.statusCode = value;
  }

  getHeader(name: string): string | undefined {
    return headerText(this.raw.getHeader(name));
  }

  setHeader(name: string, value: string | readonly string[]): void {
    this.raw.setHeader(name, value as string | string[]);
  }

  removeHeader(name: string): void {
    this.raw.removeHeader(name);
  }

  headerNames(): readonly string[] {
    return this.raw.getHeaderNames();
  }
}

/**
 * The exchange for one node request. Route hints are read when asked for, so a ruleset a handler
 * names while rendering (`setCacheRuleset(res, ...)`) is seen by modify.
 */
export function createNodeExchange(caching: HttpCaching, req: IncomingMessage, res: ServerResponse, route: RouteCaching | (() => RouteCaching | undefined) | undefined, response: CacheResponse = new NodeCacheResponse(res)): CacheExchange {
  const routeOf = typeof route === 'function' ? route : () => route;
  const exchange: CacheExchange = {
    request: new NodeCacheRequest(req, caching.userOf),
    response,
    annotations: new Map(),
    adapters: caching.adapters,
    get published() {
      return routeOf()?.published ?? hintsOf(res)?.published ?? hintsOf(req)?.published;
    },
    get rulesetHint() {
      return routeOf()?.ruleset ?? hintsOf(res)?.ruleset ?? hintsOf(req)?.ruleset;
    },
  };
  attachHttpSettings(exchange, caching.settings);
  return exchange;
}
