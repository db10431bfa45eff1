import { annotationKey } from '../exchange/AnnotationKey.js';
import type { CacheExchange } from '../exchange/CacheExchange.js';

/** What happened during an intercept that ran after rendering started (a hint that came late). */
export class LateIntercept {
  /** An operation wanted its response cache, and left it out: the page is rendered already. */
  responseCacheSkipped = false;
}

const lateKey = annotationKey<LateIntercept>('cacheset.core.lateIntercept');

/** Marks the exchange's intercept as late (the caching session does, before it runs). */
export function beginLateIntercept(exchange: CacheExchange): LateIntercept {
  const late = new LateIntercept();
  lateKey.set(exchange, late);
  return late;
}

/**
 * Whether intercept runs after rendering started. An operation then leaves its response cache out:
 * a stored copy would save nothing, and a fill taken now would make other requests wait on a render
 * that is not theirs. It says so with `noteResponseCacheSkipped`, which is worth telling the user.
 */
export function isLateIntercept(exchange: CacheExchange): boolean {
  return lateKey.has(exchange);
}

/** An operation left its response cache out because intercept ran late. */
export function noteResponseCacheSkipped(exchange: CacheExchange): void {
  const late = lateKey.get(exchange);
  if (late !== undefined) late.responseCacheSkipped = true;
}
