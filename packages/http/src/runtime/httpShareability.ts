import { hasCacheStopVariable, isPromiseLike, type MaybePromise, type OperationContext } from '@cacheset/core';
import { httpSettingsOf } from './HttpSettings.js';
import { factsNow, gatherFacts, type FactNeeds, type RequestFacts } from './requestFacts.js';
import { type ShareabilityFacts, type ShareabilitySource } from '@cacheset/core/internal';

const NO_VALIDATORS: FactNeeds = { etagKeys: [], lastModified: false };

function factsOf(context: OperationContext, facts: RequestFacts): ShareabilityFacts {
  const { request } = context;
  return {
    anonymous: request.user === undefined,
    contentPublic: facts.contentPublic,
    cacheStop: hasCacheStopVariable(request, httpSettingsOf(context.exchange).cacheStopRequestVariables),
  };
}

/**
 * The shareability facts as the HTTP layer knows them, for every operation of a request: the
 * request's user, `IAnonymousAccess` of the published object (gathered once with the validators,
 * and false on an adapter error), and the cache-stop variables of the settings.
 */
export const httpShareability: ShareabilitySource = {
  gather(context: OperationContext): MaybePromise<ShareabilityFacts> {
    const facts = gatherFacts(context, NO_VALIDATORS);
    return isPromiseLike<RequestFacts>(facts)
      ? Promise.resolve(facts).then((f) => factsOf(context, f))
      : factsOf(context, facts);
  },
  now(context: OperationContext): ShareabilityFacts {
    return factsOf(context, factsNow(context, NO_VALIDATORS));
  },
};
