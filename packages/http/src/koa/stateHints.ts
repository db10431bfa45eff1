import { describeValue } from '@cacheset/core';
import type { ParameterizedContext } from 'koa';
import type { RouteCaching } from '../node/routeHints.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';

/** The keys of `ctx.state` a Koa middleware or handler sets to name its caching. */
export interface CacheState {
  /** The ruleset of this response (a dotted name). */
  cacheRuleset?: string;
  /** The published view: an instance, or a class meaning its instances. */
  cachePublished?: unknown;
}

declare module 'koa' {
  interface DefaultState extends CacheState {}
}

/**
 * Reads the hints from `ctx.state`, where Koa middleware keeps per-request data. A value of the wrong
 * type is reported once and ignored (the response goes uncached rather than failing). A class, not
 * an object literal with getters: those are built on V8's slow path, once per request.
 */
export class StateHints implements RouteCaching {
  readonly #caching: HttpCaching;
  readonly #ctx: ParameterizedContext;

  constructor(caching: HttpCaching, ctx: ParameterizedContext) {
    this.#caching = caching;
    this.#ctx = ctx;
  }

  get ruleset(): string | undefined {
    const value: unknown = (this.#ctx.state as CacheState | undefined)?.cacheRuleset;
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    reportOnce(this.#caching.settings.logger, `cacheset: ctx.state.cacheRuleset must be a ruleset name (a string), got ${describeValue(value)}; ignored.`);
    return undefined;
  }

  get published(): unknown {
    return (this.#ctx.state as CacheState | undefined)?.cachePublished;
  }
}
