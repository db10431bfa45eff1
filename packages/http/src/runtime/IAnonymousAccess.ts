import type { AdapterToken } from '@cacheset/core';

/**
 * Adapts a published object to whether anonymous visitors may see it, after plone.app.caching's
 * "View permission granted to Anonymous" check. Content that anonymous visitors may not see is never
 * marked public for shared caches nor shared in the RAM cache. Without an adapter, content counts as
 * public. A view without its own adapter uses its context's.
 *
 * @example
 * bindAdapter(container, { provides: IAnonymousAccess, for: Image, factory: (image: Image) => ({ allowsAnonymous: () => image.published }) });
 */
export interface IAnonymousAccess {
  allowsAnonymous(): boolean | Promise<boolean>;
}

export const IAnonymousAccess: AdapterToken<IAnonymousAccess> = Symbol.for(
  'cacheset.http.IAnonymousAccess',
) as AdapterToken<IAnonymousAccess>;
