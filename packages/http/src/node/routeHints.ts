import { CachesetError, describeValue, didYouMean, dottedNameProblem } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { checkRouteRuleset } from './checkRouteRuleset.js';

/** What a route says about its caching: a ruleset name, or the published view (instance or class). */
export interface RouteCaching {
  readonly ruleset?: string | undefined;
  readonly published?: unknown;
}

/**
 * Hints live on the request/response object itself under a symbol: a WeakMap keyed by per-request
 * objects costs about 1 µs of GC work per entry and keeps young objects alive across scavenges.
 * (Objects that cannot take a property fall back to a WeakMap.)
 */
const HINTS = Symbol.for('cacheset.http.routeHints');
type Hinted = { [HINTS]?: RouteCaching };
const frozenHints = new WeakMap<object, RouteCaching>();

function storeHints(target: object, value: RouteCaching): void {
  if (Object.isExtensible(target)) (target as Hinted)[HINTS] = value;
  else frozenHints.set(target, value);
}
const ROUTE_KEYS = ['ruleset', 'published'];

/** Throws `ERR_CACHESET_INVALID_ROUTE` unless `route` is a valid route description (checked at start-up). */
export function checkRoute(route: RouteCaching | undefined, where: string): void {
  if (route === undefined) return;
  if (typeof route !== 'object' || route === null) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_ROUTE,
      `${where}: expected { ruleset } or { published }, got ${String(route)}.`,
    );
  }
  // A misspelt key ({ rulset: ... }) would otherwise leave the route silently uncached.
  const unknown = Object.keys(route).filter((key) => !ROUTE_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_ROUTE,
      `${where}: unknown key ${unknown.map((k) => `'${k}'`).join(', ')}.` +
        `${didYouMean(unknown[0] as string, ROUTE_KEYS)} A route names { ruleset } or { published }.`,
      { details: { keys: unknown } },
    );
  }
  if (route.ruleset !== undefined) checkRulesetName(route.ruleset, where);
  if (route.published !== undefined) checkPublished(route.published, where);
}

/** Throws `ERR_CACHESET_INVALID_ROUTE` unless `ruleset` is a dotted name. */
export function checkRulesetName(ruleset: unknown, where: string): asserts ruleset is string {
  const problem = dottedNameProblem(ruleset);
  if (problem !== undefined) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_ROUTE,
      `${where}: the ruleset ${JSON.stringify(ruleset) ?? String(ruleset)} is not a dotted name: ${problem}.`,
      { details: { ruleset } },
    );
  }
}

/** Throws `ERR_CACHESET_INVALID_ROUTE` unless `published` can be looked up (an object, or a class). */
export function checkPublished(published: unknown, where: string): void {
  if ((typeof published !== 'object' && typeof published !== 'function') || published === null) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_ROUTE,
      `${where}: the published view must be an object or a class, got ${describeValue(published)}.`,
      { details: { published } },
    );
  }
}

/**
 * Names the ruleset of the response being produced, from inside a handler (the WSGI-style hint).
 * Set it before the response starts; names given before the handler runs (a route option) also let
 * the 304 and RAM checks run before rendering.
 */
export function setCacheRuleset(target: object, ruleset: string): void {
  checkRulesetName(ruleset, 'setCacheRuleset');
  storeHints(target, { ...hintsOf(target), ruleset });
}

/** Names the published view (an instance, or a class meaning its instances) from inside a handler. */
export function setPublished(target: object, published: unknown): void {
  storeHints(target, { ...hintsOf(target), published });
}

/** The hints set on a request or response object. */
export function hintsOf(target: object): RouteCaching | undefined {
  return (target as Hinted)[HINTS] ?? frozenHints.get(target);
}

/**
 * The `middleware()`, `ruleset(name)` and `view(published)` trio of the Express and Koa adapters,
 * over the adapter's own middleware factory (route arguments checked where the route is declared).
 */
export function routeMiddlewares<M>(
  caching: HttpCaching,
  handler: (route: RouteCaching | undefined) => M,
): {
  middleware(): M;
  ruleset(name: string): M;
  view(published: object): M;
} {
  return {
    middleware: () => handler(undefined),
    ruleset(name) {
      checkRulesetName(name, 'cacheset.ruleset');
      checkRouteRuleset(caching, { ruleset: name }, `cacheset.ruleset('${name}')`);
      return handler({ ruleset: name });
    },
    view(published) {
      checkPublished(published, 'cacheset.view');
      checkRouteRuleset(caching, { published }, 'cacheset.view');
      return handler({ published });
    },
  };
}
