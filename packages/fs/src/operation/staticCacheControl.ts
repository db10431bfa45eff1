import { type ExchangeHost } from '@cacheset/core';
import { FsErrorCodes, fsError } from '../errors/fsErrorCodes.js';
import { probeExchange } from '@cacheset/core/internal';

export interface StaticCacheControlOptions {
  /** The URL the probe request asks for. Default `/`. */
  readonly url?: string;
  /** The Content-Type of the probe response. Default `text/html; charset=utf-8`. */
  readonly contentType?: string;
}

/**
 * The Cache-Control the policy gives an anonymous GET 200 of `ruleset`: run the ruleset's operations
 * on a probe exchange (`host` is the application's HTTP caching, `createHttpCaching(...)`) and read
 * the header they set. Give the result to `FsCache.open({ cacheControl })` and to the configuration
 * generator, so nginx sends the static copy with the headers the application would have sent
 * (Expires is left out: with max-age or s-maxage in Cache-Control, HTTP/1.1 caches ignore it).
 */
export async function staticCacheControl(
  host: ExchangeHost,
  ruleset: string,
  options: StaticCacheControlOptions = {},
): Promise<string> {
  const { match, answered, response } = await probeExchange(host, ruleset, {
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
  if (match?.operation === undefined) {
    throw fsError(
      FsErrorCodes.INVALID_RULESET,
      `staticCacheControl: the policy maps no registered operation to ruleset ${JSON.stringify(ruleset)}.`,
      ruleset,
    );
  }
  if (answered !== undefined) {
    throw fsError(
      FsErrorCodes.INVALID_RULESET,
      `staticCacheControl: the operations of ruleset '${ruleset}' answered the probe request from intercept (status ${answered.status}); no rendered response to read.`,
      ruleset,
    );
  }
  const value = response.getHeader('cache-control');
  if (value === undefined || value.trim() === '') {
    throw fsError(
      FsErrorCodes.INVALID_RULESET,
      `staticCacheControl: the operations of ruleset '${ruleset}' set no Cache-Control.`,
      ruleset,
    );
  }
  return value;
}
