import { describeValue } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import type { RouteCaching } from './routeHints.js';

/** The keys a handler sets on its framework's per-response data (Express `res.locals`, Koa `ctx.state`). */
export interface CacheHintBag {
  /** The ruleset of this response (a dotted name). */
  cacheRuleset?: string;
  /** The published view: an instance, or a class meaning its instances. */
  cachePublished?: unknown;
}

/**
 * Reads the late hints from the bag `owner[key]`, looked up at each read because a handler may
 * replace the bag itself. A value of the wrong type is reported once and ignored (the response goes
 * uncached rather than failing). A class, not an object literal with getters: those are built on
 * V8's slow path, once per request.
 */
export class BagHints implements RouteCaching {
  readonly #caching: HttpCaching;
  readonly #owner: Readonly<Record<string, unknown>>;
  readonly #key: string;
  /** How users write the bag, for the report: `res.locals`, `ctx.state`. */
  readonly #where: string;

  constructor(caching: HttpCaching, owner: object, key: string, where: string) {
    this.#caching = caching;
    this.#owner = owner as Readonly<Record<string, unknown>>;
    this.#key = key;
    this.#where = where;
  }

  get ruleset(): string | undefined {
    const value: unknown = (this.#owner[this.#key] as CacheHintBag | undefined)?.cacheRuleset;
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    reportOnce(
      this.#caching.settings.logger,
      `cacheset: ${this.#where}.cacheRuleset must be a ruleset name (a string), got ${describeValue(value)}; ignored.`,
    );
    return undefined;
  }

  get published(): unknown {
    return (this.#owner[this.#key] as CacheHintBag | undefined)?.cachePublished;
  }
}
