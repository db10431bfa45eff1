import {
  booleanOption,
  CachesetError,
  CoreErrorCodes,
  describeValue,
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

const STATUSES = 'a list of HTTP statuses (integers from 100 to 599, except 304), such as [301, 308]';

/**
 * HTTP statuses, as a list of integers from 100 to 599. 304 is refused: a 304 the application sends
 * stands for the 200 it validates and gets that 200's headers already.
 */
export function statusListOption(description: string): OptionSpec<readonly number[]> {
  return Object.freeze({
    default: null,
    kind: 'status list',
    description,
    parse(value: unknown): readonly number[] | null {
      if (value === null) return null;
      if (!Array.isArray(value))
        throw new CachesetError(CoreErrorCodes.INVALID_OPTION, `${describeValue(value)} is not ${STATUSES}.`);
      for (const item of value as unknown[]) {
        if (typeof item !== 'number' || !Number.isInteger(item) || item < 100 || item > 599 || item === 304)
          throw new CachesetError(
            CoreErrorCodes.INVALID_OPTION,
            `${describeValue(item)} in ${describeValue(value)} is not a status: give ${STATUSES}.`,
          );
      }
      return Object.freeze([...new Set(value as number[])]);
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
  publicStatuses: () =>
    statusListOption(
      'Statuses besides 200 that get the caching headers, e.g. [301, 308]; other statuses are not cached.',
    ),
  weakETag: () =>
    booleanOption(
      false,
      'Send the ETag as weak (W/"..."): for representations that are equivalent rather than byte-identical.',
    ),
  noStore: () => booleanOption(false, 'Add no-store: nothing may keep a copy at all.'),
} as const;
