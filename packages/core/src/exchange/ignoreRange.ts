import { annotationKey } from './AnnotationKey.js';
import type { CacheExchange } from './CacheExchange.js';

const ignoreRangeKey = annotationKey<true>('cacheset.core.ignoreRange');

/** An If-Range mismatch: the handler must send the whole representation (an operation marks it). */
export function markIgnoreRange(exchange: CacheExchange): void {
  ignoreRangeKey.set(exchange, true);
}

/** Whether the request's Range header must be hidden from the handler (server adapters ask). */
export function shouldIgnoreRange(exchange: CacheExchange): boolean {
  return ignoreRangeKey.has(exchange);
}
