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
  /**
   * Optional: keep the headers set from now on instead of writing them to the server's response,
   * so that an intercepted answer (a 304, a RAM hit) goes out in one write. The caching session
   * calls it before intercept, and `releaseHeaders` when the request goes on to render.
   */
  holdHeaders?(): void;
  /** Optional: puts the held headers on the server's response (see `holdHeaders`). */
  releaseHeaders?(): void;
}
