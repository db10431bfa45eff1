import {
  booleanOption,
  CachesetError,
  CoreErrorCodes,
  durationOption,
  stringListOption,
  type OptionSpec,
} from '@cacheset/core';
import { parseHeaderList } from '../headers/headerNames.js';

/** Header names, written "Accept, Accept-Language" or as a list. */
export function headerListOption(
  defaultValue: readonly string[] | null,
  description: string,
): OptionSpec<readonly string[]> {
  return Object.freeze({
    default: defaultValue === null ? null : Object.freeze([...defaultValue]),
    kind: 'header names',
    description,
    parse(value: unknown): readonly string[] | null {
      if (value === null) return null;
      try {
        return parseHeaderList(value);
      } catch (error) {
        throw new CachesetError(CoreErrorCodes.INVALID_OPTION, error instanceof Error ? error.message : String(error), {
          cause: error,
        });
      }
    },
  });
}

/** The option specs of the standard operations, by name; each operation takes the ones it lists. */
export const httpOptionSpecs = {
  maxage: (d: number | null) =>
    durationOption(
      d,
      'Seconds browsers and proxies may use the response (max-age); proxies too unless smaxage says otherwise.',
    ),
  smaxage: (d: number | null) => durationOption(d, 'Seconds shared caches may use the response (s-maxage).'),
  etags: () =>
    stringListOption(
      null,
      'ETag components to build the ETag from (userid, roles, language, lastModified, catalogCounter, ' +
        'resourceVersion, anonymousOrRandom, or your own).',
    ),
  lastModified: () =>
    booleanOption(
      false,
      "Send Last-Modified from the published object's ILastModified adapter and answer If-Modified-Since.",
    ),
  ramCache: () =>
    booleanOption(
      false,
      'Keep whole responses in the RAM cache and replay them (anonymous requests, or requests keyed by userid/roles).',
    ),
  vary: (d: readonly string[] | null) =>
    headerListOption(
      d,
      'Request headers shared caches must vary on (sent only when a shared cache may store the response).',
    ),
  anonOnly: () =>
    booleanOption(false, 'Cache for anonymous visitors only: logged-in users get a random ETag and private headers.'),
  staleWhileRevalidate: () => durationOption(null, 'stale-while-revalidate seconds (RFC 5861) for shared caches.'),
  staleIfError: () => durationOption(null, 'stale-if-error seconds (RFC 5861) for shared caches.'),
  immutable: () => booleanOption(false, 'Add immutable: the URL changes whenever the content does.'),
  noTransform: () => booleanOption(false, 'Add no-transform: intermediaries must not recompress or rewrite the body.'),
  surrogateMaxage: () => durationOption(null, 'Surrogate-Control max-age for the caching proxy only.'),
  cdnMaxage: () => durationOption(null, 'CDN-Cache-Control max-age (RFC 9213) for CDNs only.'),
  surrogateKeys: () =>
    booleanOption(
      true,
      "Send the published object's ISurrogateKeys as cache tags to the proxy (when behindProxy is set).",
    ),
  publicErrors: () =>
    booleanOption(
      false,
      'Give error responses (status 400 and above) the same caching headers; by default they are not cached.',
    ),
  weakETag: () =>
    booleanOption(
      false,
      'Send the ETag as weak (W/"..."): for representations that are equivalent rather than byte-identical.',
    ),
  noStore: () => booleanOption(false, 'Add no-store: nothing may keep a copy at all.'),
} as const;
