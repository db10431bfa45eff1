import { CachesetError, dottedNameProblem } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';

/** What a route says about its caching: a ruleset name, or the published view (instance or class). */
export interface RouteCaching {
  readonly ruleset?: string | undefined;
  readonly published?: unknown;
}

const hints = new WeakMap<object, { ruleset?: string; published?: unknown }>();

/** Throws `ERR_CACHESET_INVALID_ROUTE` unless `route` is a valid route description (checked at start-up). */
export function checkRoute(route: RouteCaching | undefined, where: string): void {
  if (route === undefined) return;
  if (typeof route !== 'object' || route === null) {
    throw new CachesetError(HttpErrorCodes.INVALID_ROUTE, `${where}: expected { ruleset } or { published }, got ${String(route)}.`);
  }
  if (route.ruleset !== undefined) {
    const problem = dottedNameProblem(route.ruleset);
    if (problem !== undefined) {
      throw new CachesetError(HttpErrorCodes.INVALID_ROUTE, `${where}: the ruleset ${JSON.stringify(route.ruleset)} is not a dotted name: ${problem}.`, { details: { ruleset: route.ruleset } });
    }
  }
}

/**
 * Names the ruleset of the response being produced, from inside a handler (the WSGI-style hint).
 * Set it before the response starts; names given before the handler runs (a route option) also let
 * the 304 and RAM checks run before rendering.
 */
export function setCacheRuleset(target: object, ruleset: string): void {
  checkRoute({ ruleset }, 'setCacheRuleset');
  const current = hints.get(target);
  hints.set(target, { ...current, ruleset });
}

/** Names the published view (an instance, or a class meaning its instances) from inside a handler. */
export function setPublished(target: object, published: unknown): void {
  const current = hints.get(target);
  hints.set(target, { ...current, published });
}

/** The hints set on a request or response object. */
export function hintsOf(target: object): RouteCaching | undefined {
  return hints.get(target);
}
