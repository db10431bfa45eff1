/** The authenticated user as the caching layer sees it. */
export interface CacheUser {
  readonly id: string;
  readonly roles: readonly string[];
}

/**
 * The framework-neutral view of a request that operations work on. The HTTP adapters implement it over
 * node:http; tests and scripts can use `memoryRequest`.
 */
export interface CacheRequest {
  /** Upper-case method: 'GET', 'HEAD', 'POST', ... */
  readonly method: string;
  /** The request target as received: path and query, e.g. '/images/cat?size=2'. */
  readonly url: string;
  /** A header by case-insensitive name; repeated headers joined with ', '. */
  header(name: string): string | undefined;
  /** The authenticated user; undefined for an anonymous request. */
  readonly user: CacheUser | undefined;
}
