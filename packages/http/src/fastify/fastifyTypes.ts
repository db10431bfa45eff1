import type {} from 'fastify';

/** What a Fastify route's `config` may say about its caching. */
export interface CachesetRouteConfig {
  /** The route's ruleset (a dotted name): `{ config: { cacheRuleset: 'site.news' } }`. */
  cacheRuleset?: string;
  /** The route's published view: a class decorated with `@cacheRuleset` (meaning its instances), or an instance. */
  cachePublished?: unknown;
}

declare module 'fastify' {
  interface FastifyContextConfig extends CachesetRouteConfig {}

  interface FastifyRequest {
    /** Names this response's ruleset from the handler (when the route's config names none). */
    cacheRuleset: string | undefined;
    /** Names this response's published view from the handler (when the route's config names none). */
    cachePublished: unknown;
  }
}
