import { CachesetError, CoreErrorCodes, describeValue, didYouMean, isClass } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import type { RouteCaching } from './routeHints.js';

/**
 * Checks, where a route is declared, that what it names leads somewhere: a published view must
 * have a ruleset (a `@cacheRuleset` class, a `register`ed one, or an instance of either), and in
 * explicit mode a ruleset must be declared. Otherwise the route would be served uncached, silently.
 * Skipped for a view when the application replaced the ruleset lookup (it decides per request).
 */
export function checkRouteRuleset(caching: HttpCaching, route: RouteCaching | undefined, where: string): void {
  if (route === undefined) return;
  const { rulesets } = caching.engine;
  const { ruleset, published } = route;
  if (ruleset !== undefined) {
    if (rulesets.explicit && rulesets.getType(ruleset) === undefined) {
      throw new CachesetError(
        CoreErrorCodes.RULESET_NOT_DECLARED,
        `${where}: explicit mode is on and ruleset '${ruleset}' is not declared.` +
          `${didYouMean(
            ruleset,
            rulesets.enumerateTypes().map((t) => t.name),
          )} ` +
          `Declare it with declareType('${ruleset}', title) or in the configuration's rulesetTypes.`,
        { details: { ruleset } },
      );
    }
    return;
  }
  if (published === undefined || caching.customRulesetLookup) return;
  // lookupClass / lookup throw ERR_CACHESET_RULESET_NOT_DECLARED themselves for an undeclared decorator name.
  const found = isClass(published) ? rulesets.lookupClass(published) : rulesets.lookup(published);
  if (found !== undefined) return;
  const name = isClass(published) ? published.name || 'this class' : describeValue(published);
  throw new CachesetError(
    HttpErrorCodes.INVALID_ROUTE,
    `${where}: no ruleset applies to ${name}, so the route would never be cached. Decorate the class ` +
      `with @cacheRuleset('...'), register(TheClass, '...') before declaring the route, or name the ` +
      `ruleset instead ({ ruleset: '...' }).`,
    { details: { published } },
  );
}
