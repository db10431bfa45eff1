/** The framework-neutral view of a response that operations set headers on. */
export interface CacheResponse {
  status: number;
  /** A header by case-insensitive name; several lines of one header are joined with ', '. */
  getHeader(name: string): string | undefined;
  /** Sets a header; an array sends one line per value (for headers such as xkey). */
  setHeader(name: string, value: string | readonly string[]): void;
  removeHeader(name: string): void;
  /** Names of the headers set so far, lower-case. */
  headerNames(): readonly string[];
}
