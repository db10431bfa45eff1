import { CachesetError } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import { checkRouteRuleset } from '../node/checkRouteRuleset.js';
import { misspeltHintKey } from '../node/hintKeys.js';
import { checkPublished, checkRulesetName, type RouteCaching } from '../node/routeHints.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import type { CachesetRouteConfig } from './fastifyTypes.js';

/** The route's hints from its config, made once per route (the config object lives as long as the route). */
const routeHints = new WeakMap<object, RouteCaching | undefined>();
export function routeOf(config: CachesetRouteConfig | undefined): RouteCaching | undefined {
  if (config === undefined) return undefined;
  let route = routeHints.get(config);
  if (route === undefined && !routeHints.has(config)) {
    route =
      config.cacheRuleset === undefined && config.cachePublished === undefined
        ? undefined
        : { ruleset: config.cacheRuleset, published: config.cachePublished };
    routeHints.set(config, route);
  }
  return route;
}

/** Checks what cacheset reads from a route's `config`; shared with other plugins, so only near misses are errors. */
export function checkRouteConfig(caching: HttpCaching, config: CachesetRouteConfig | undefined, where: string): void {
  if (config === undefined || config === null) return;
  const misspelt = misspeltHintKey(Object.keys(config));
  if (misspelt !== undefined) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_ROUTE,
      `${where}.${misspelt.key}: not a cacheset key, so the route would be served uncached. Did you mean ` +
        `"${misspelt.meant}"?`,
      { details: { key: misspelt.key, suggestion: misspelt.meant } },
    );
  }
  if (config.cacheRuleset !== undefined) checkRulesetName(config.cacheRuleset, `${where}.cacheRuleset`);
  if (config.cachePublished !== undefined) checkPublished(config.cachePublished, `${where}.cachePublished`);
  checkRouteRuleset(caching, routeOf(config), where);
}
