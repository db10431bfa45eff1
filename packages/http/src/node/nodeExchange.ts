import type { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { AdapterLookup, CacheExchange, CacheRequest, CacheResponse, CacheUser } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { attachHttpSettings } from '../runtime/HttpSettings.js';
import { hintsOf, type RouteCaching } from './routeHints.js';

const UNRESOLVED = Symbol('unresolved');

/** CacheRequest over a node IncomingMessage (also what Express, Fastify and Koa requests wrap). */
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

/** A header value as one string; several lines joined with ', '. */
export function headerText(value: OutgoingHttpHeader | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * CacheResponse over a node ServerResponse (Express and Koa set headers on it directly too).
 *
 * While intercept runs the headers it sets are held here (`holdHeaders`): an answer (a 304, a RAM
 * hit) is then written with one `writeHead(status, headers)`, which costs Node about half of setting
 * the same headers one by one; a request that goes on to render gets them on the response first
 * (`releaseHeaders`).
 */
export class NodeCacheResponse implements CacheResponse {
  readonly raw: ServerResponse;
  /** Held headers by lower-case name (insertion order kept), or undefined when not holding. */
  #held: Map<string, { readonly name: string; readonly values: readonly string[] }> | undefined;

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
    const held = this.#held?.get(name.toLowerCase());
    if (held !== undefined) return held.values.length === 1 ? held.values[0] : held.values.join(', ');
    return headerText(this.raw.getHeader(name));
  }

  setHeader(name: string, value: string | readonly string[]): void {
    if (this.#held === undefined) this.raw.setHeader(name, value as string | string[]);
    else this.#held.set(name.toLowerCase(), { name, values: typeof value === 'string' ? [value] : [...value] });
  }

  removeHeader(name: string): void {
    this.#held?.delete(name.toLowerCase());
    if (this.raw.hasHeader(name)) this.raw.removeHeader(name);
  }

  headerNames(): readonly string[] {
    const names = this.raw.getHeaderNames();
    if (this.#held === undefined) return names;
    return [...new Set([...names, ...this.#held.keys()])];
  }

  /** Holds headers set from now on, for one `writeHead` (see the class comment). */
  holdHeaders(): void {
    this.#held ??= new Map();
  }

  /** Stops holding: the held headers go onto the response, for a handler that renders. */
  releaseHeaders(): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    for (const { name, values } of held.values()) this.raw.setHeader(name, values.length === 1 ? (values[0] as string) : [...values]);
  }

  /** Writes the status line and every header, held ones in one call (an intercepted answer). */
  writeHead(status: number): void {
    const held = this.#held;
    this.#held = undefined;
    if (held === undefined || held.size === 0) {
      this.raw.writeHead(status);
      return;
    }
    // Node's fastest header form: one flat [name, value, ...] list given to writeHead.
    const flat: string[] = [];
    for (const { name, values } of held.values()) for (const value of values) flat.push(name, value);
    this.raw.writeHead(status, flat);
  }
}

/** Where an exchange finds its ruleset hint and published view; read on every access (hints may come late). */
export interface HintSource {
  ruleset(): string | undefined;
  published(): unknown;
}

/**
 * An exchange whose hints are read from `hints` whenever the engine asks. A class rather than an
 * object literal with getters: literals with accessors are built on V8's slow path (about 2 µs each,
 * and garbage the scavenger handles badly), which showed in the 304 benchmark.
 */
class HintedExchange implements CacheExchange {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  readonly annotations = new Map<string | symbol, unknown>();
  readonly adapters: AdapterLookup | undefined;
  readonly #hints: HintSource;

  constructor(adapters: AdapterLookup | undefined, request: CacheRequest, response: CacheResponse, hints: HintSource) {
    this.request = request;
    this.response = response;
    this.adapters = adapters;
    this.#hints = hints;
  }

  get published(): unknown {
    return this.#hints.published();
  }

  get rulesetHint(): string | undefined {
    return this.#hints.ruleset();
  }
}

/** An exchange whose hints are read from `hints` whenever the engine asks. */
export function createHintedExchange(caching: HttpCaching, request: CacheRequest, response: CacheResponse, hints: HintSource): CacheExchange {
  const exchange = new HintedExchange(caching.adapters, request, response, hints);
  attachHttpSettings(exchange, caching.settings);
  return exchange;
}

/**
 * The exchange for one node request. Route hints are read when asked for, so a ruleset a handler
 * names while rendering (`setCacheRuleset(res, ...)`) is seen by modify.
 */
export function createNodeExchange(caching: HttpCaching, req: IncomingMessage, res: ServerResponse, route: RouteCaching | (() => RouteCaching | undefined) | undefined, response: CacheResponse = new NodeCacheResponse(res)): CacheExchange {
  const routeOf = typeof route === 'function' ? route : () => route;
  return createHintedExchange(caching, new NodeCacheRequest(req, caching.userOf), response, {
    published: () => routeOf()?.published ?? hintsOf(res)?.published ?? hintsOf(req)?.published,
    ruleset: () => routeOf()?.ruleset ?? hintsOf(res)?.ruleset ?? hintsOf(req)?.ruleset,
  });
}
