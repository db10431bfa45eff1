import type { ResponseCache, ResponseCacheLookup } from '../responseCache/ResponseCache.js';
import { attachHttpSettings, type HttpSettings } from '../runtime/HttpSettings.js';
import type { CacheExchange } from '@cacheset/core';

const MISS: ResponseCacheLookup = Object.freeze({});

/**
 * Stands in for the RAM cache when intercept runs after rendering started (a late hint): the page
 * has been rendered by then, so a stored copy would save nothing, and a fill taken now would make
 * other requests wait on a render that is not theirs. It answers "miss, do not fill" and notes that
 * the policy wanted the RAM cache, which is worth telling the user.
 */
export class LateResponseCache implements ResponseCache {
  asked = false;

  lookup(): ResponseCacheLookup {
    this.asked = true;
    return MISS;
  }

  /** Gives `exchange` settings whose RAM cache is this stand-in (when the application has one at all). */
  attachTo(exchange: CacheExchange, settings: HttpSettings): void {
    if (settings.responseCache === undefined) return;
    attachHttpSettings(exchange, { ...settings, responseCache: this });
  }
}
