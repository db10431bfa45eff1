import type { Response } from 'express';
import type { RouteCaching } from '../node/routeHints.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { describeValue } from '@cacheset/core';

/** The keys of `res.locals` a handler sets to name its caching late. */
export interface CacheLocals {
  /** The ruleset of this response (a dotted name). */
  cacheRuleset?: string;
  /** The published view: an instance, or a class meaning its instances. */
  cachePublished?: unknown;
}

declare global {
  // Express types res.locals through this global namespace; the augmentation types the two keys.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals extends CacheLocals {}
  }
}

/**
 * Reads the late hints from `res.locals`, where Express handlers keep per-response data. A value of
 * the wrong type is reported once and ignored (the response goes uncached rather than failing).
 * A class, not an object literal with getters: those are built on V8's slow path, once per request.
 */
export class LocalsHints implements RouteCaching {
  readonly #caching: HttpCaching;
  readonly #res: Response;

  constructor(caching: HttpCaching, res: Response) {
    this.#caching = caching;
    this.#res = res;
  }

  get ruleset(): string | undefined {
    const value: unknown = (this.#res.locals as CacheLocals | undefined)?.cacheRuleset;
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    reportOnce(this.#caching.settings.logger, `cacheset: res.locals.cacheRuleset must be a ruleset name (a string), got ${describeValue(value)}; ignored.`);
    return undefined;
  }

  get published(): unknown {
    return (this.#res.locals as CacheLocals | undefined)?.cachePublished;
  }
}
