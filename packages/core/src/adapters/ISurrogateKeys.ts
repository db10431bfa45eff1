import type { AdapterToken } from './AdapterToken.js';

/**
 * Adapts an object to the cache tags (surrogate keys) of the responses that show it: `image:42`,
 * `gallery:7`. @cacheset/http sends them in a header proxies index (`xkey`, `Surrogate-Key`,
 * `Cache-Tag`); @cacheset/purge invalidates every response carrying a tag. Bind several under
 * different names to combine aspects; a view without its own adapter uses its context's.
 *
 * Keys are visible ASCII without spaces or commas (they are joined with either).
 */
export interface ISurrogateKeys {
  getKeys(): Iterable<string>;
}

export const ISurrogateKeys: AdapterToken<ISurrogateKeys> = Symbol.for(
  'cacheset.ISurrogateKeys',
) as AdapterToken<ISurrogateKeys>;
