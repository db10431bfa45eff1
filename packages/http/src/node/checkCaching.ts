import { CachesetError, describeValue } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import { HttpCaching } from '../runtime/HttpCaching.js';

/** Throws `ERR_CACHESET_INVALID_ADAPTER_OPTIONS` unless `caching` came from `createHttpCaching` (checked at start-up). */
export function checkHttpCaching(caching: unknown, where: string): asserts caching is HttpCaching {
  if (!(caching instanceof HttpCaching)) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_ADAPTER_OPTIONS,
      `${where}: expected the HttpCaching made by createHttpCaching(options), got ${describeValue(caching)}.`,
      { details: { value: caching } },
    );
  }
}
