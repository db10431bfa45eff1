/** The framework-neutral view of a response that operations set headers on. */
export interface CacheResponse {
  status: number;
  /** A header by case-insensitive name. */
  getHeader(name: string): string | undefined;
  setHeader(name: string, value: string): void;
  removeHeader(name: string): void;
  /** Names of the headers set so far, lower-case. */
  headerNames(): readonly string[];
}
