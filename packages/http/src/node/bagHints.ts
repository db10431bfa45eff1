import { describeValue, type CachesetLogger } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { misspeltHintKey, type MisspeltKey } from './hintKeys.js';
import type { RouteCaching } from './routeHints.js';

/** The keys a handler sets on its framework's per-response data (Express `res.locals`, Koa `ctx.state`). */
export interface CacheHintBag {
  /** The ruleset of this response (a dotted name). */
  cacheRuleset?: string;
  /** The published view: an instance, or a class meaning its instances. */
  cachePublished?: unknown;
}

/** Hints kept where the framework keeps per-request data, which users write themselves. */
export interface LateHints extends RouteCaching {
  /** How users write the place, for messages: `res.locals`, `ctx.state`, `request`. */
  readonly where?: string;
  /** A key set there that looks like a misspelt hint key (`cacheRulset`), if any. */
  misspelt?(): MisspeltKey | undefined;
  /** The pattern of the route the request matched (`/articles/:id`), when the framework knows it. */
  route?(): string | undefined;
}

/**
 * Reads the late hints from the bag `owner[key]`, looked up at each read because a handler may
 * replace the bag itself. A value of the wrong type is reported once and ignored (the response goes
 * uncached rather than failing). A class, not an object literal with getters: those are built on
 * V8's slow path, once per request.
 */
export class BagHints implements LateHints {
  readonly #caching: HttpCaching;
  readonly #owner: Readonly<Record<string, unknown>>;
  readonly #key: string;
  /** How users write the bag, for the report: `res.locals`, `ctx.state`. */
  readonly where: string;
  readonly #routeOf: ((owner: object) => string | undefined) | undefined;

  /** `routeOf` finds the matched route's pattern from the owner (one shared function, not one per request). */
  constructor(
    caching: HttpCaching,
    owner: object,
    key: string,
    where: string,
    routeOf?: (owner: object) => string | undefined,
  ) {
    this.#caching = caching;
    this.#owner = owner as Readonly<Record<string, unknown>>;
    this.#key = key;
    this.where = where;
    this.#routeOf = routeOf;
  }

  route(): string | undefined {
    return this.#routeOf?.(this.#owner);
  }

  get ruleset(): string | undefined {
    const value: unknown = (this.#owner[this.#key] as CacheHintBag | undefined)?.cacheRuleset;
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    reportOnce(
      this.#caching.settings.logger,
      `cacheset: ${this.where}.cacheRuleset must be a ruleset name (a string), got ${describeValue(value)}; ignored.`,
    );
    return undefined;
  }

  get published(): unknown {
    return (this.#owner[this.#key] as CacheHintBag | undefined)?.cachePublished;
  }

  misspelt(): MisspeltKey | undefined {
    const bag: unknown = this.#owner[this.#key];
    return typeof bag === 'object' && bag !== null ? misspeltHintKey(Object.keys(bag)) : undefined;
  }
}

/** A key of the framework's per-request data that looks like a misspelt hint key is reported once. */
export function reportMisspeltHintKey(logger: CachesetLogger, late: LateHints | undefined): void {
  const misspelt = late?.misspelt?.();
  if (misspelt === undefined) return;
  const where = late?.where ?? 'the request';
  reportOnce(
    logger,
    `cacheset: ${where}.${misspelt.key} is not a cacheset key, so it was ignored; did you mean ${where}.${misspelt.meant}?`,
  );
}
