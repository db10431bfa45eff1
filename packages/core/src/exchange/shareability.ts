import type { MaybePromise } from '../async/isPromiseLike.js';
import type { OperationContext } from '../operations/CachingOperation.js';

/**
 * What decides whether a response may be shared (kept for other requests: a proxy, a file nginx
 * serves to everybody, a shared RAM copy), as the HTTP layer gathers it once per request.
 */
export interface ShareabilityFacts {
  /** The request carries no user. */
  readonly anonymous: boolean;
  /**
   * What the published object allows: anonymous visitors may see it (the HTTP layer's
   * `IAnonymousAccess` adapters). False when it cannot be known (the safe side).
   */
  readonly contentPublic: boolean;
  /** A cache-stop variable is present (a one-time status message, a search term): keep nothing. */
  readonly cacheStop: boolean;
}

/**
 * Where operations get the shareability facts: the exchange's host (the HTTP layer) gathers them
 * once per request, and every operation of the request (header operations, the disk dump) reads the
 * same answer.
 */
export interface ShareabilitySource {
  /** Gathers the facts, waiting for asynchronous adapters: call from `intercept`. */
  gather(context: OperationContext): MaybePromise<ShareabilityFacts>;
  /** The facts without waiting (from `modify`): what `gather` found, or what is known synchronously. */
  now(context: OperationContext): ShareabilityFacts;
}

/** Without a host that knows, content counts as not public: nothing is shared on a guess. */
function unknownFacts(context: OperationContext): ShareabilityFacts {
  return { anonymous: context.request.user === undefined, contentPublic: false, cacheStop: false };
}

/** The shareability facts of the request, gathered by the exchange's host (call from `intercept`). */
export function gatherShareability(context: OperationContext): MaybePromise<ShareabilityFacts> {
  const source = context.exchange.host?.shareability;
  return source === undefined ? unknownFacts(context) : source.gather(context);
}

/** The shareability facts without waiting (call from `modify`). */
export function shareabilityNow(context: OperationContext): ShareabilityFacts {
  const source = context.exchange.host?.shareability;
  return source === undefined ? unknownFacts(context) : source.now(context);
}
