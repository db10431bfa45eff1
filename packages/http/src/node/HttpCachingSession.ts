import { type CacheRequest, type CacheResponse, type UnitOfWork } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { httpSettingsOf } from '../runtime/HttpSettings.js';
import { reportMisspeltHintKey, type LateHints } from './bagHints.js';
import { NODE_ADVICE, reportLateHint, type LateHintAdvice } from './lateHintReport.js';
import { hintsOf, type RouteCaching } from './routeHints.js';
import { CachingSession, type LateHintCost } from '@cacheset/core/internal';

export interface HttpCachingSessionInit {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  /** What the route says, known before the handler runs (a route option, a per-route middleware). */
  readonly route?: RouteCaching | (() => RouteCaching | undefined) | undefined;
  /** Hints the handler sets while rendering, where the framework keeps per-request data (res.locals, ctx.state). */
  readonly late?: (() => LateHints | undefined) | undefined;
  /** Objects `setCacheRuleset` / `setPublished` may have been called on, most specific first. */
  readonly hintTargets: readonly object[];
  /** What to tell users whose hint arrives after rendering started (the framework's way to name it early). */
  readonly lateAdvice?: LateHintAdvice | undefined;
  /** The unit of work the handler already runs in (see `CachingSessionInit.unit`). */
  readonly unit?: UnitOfWork | undefined;
}

/**
 * The caching session of one request on a server adapter: the core session, with the ways HTTP
 * adapters name the ruleset or view. First found wins: the route's, then the framework's per-request
 * data, then `setCacheRuleset` / `setPublished` on the request or response. A ruleset, wherever it
 * was named, beats a view. A hint that comes late is reported in the framework's own terms.
 */
export class HttpCachingSession extends CachingSession {
  readonly caching: HttpCaching;
  #route: RouteCaching | (() => RouteCaching | undefined) | undefined;
  readonly #late: (() => LateHints | undefined) | undefined;
  readonly #targets: readonly object[];
  readonly #advice: LateHintAdvice;
  #routeOnly = false;

  constructor(caching: HttpCaching, init: HttpCachingSessionInit) {
    // An explained request (prepared by the application, see HttpCaching.prepareExplain) runs dry;
    // one whose handler already runs in a unit of work started undried, so it is not explained.
    const trace = init.unit === undefined ? caching.explains.claim(init.request) : undefined;
    super(caching, { request: init.request, response: init.response, trace, unit: init.unit });
    this.caching = caching;
    this.#route = init.route;
    this.#late = init.late;
    // A copy made by Array.from, not the caller's literal: V8 tracks array and object literals by
    // allocation site, and once a site's arrays are seen surviving it allocates them straight in the
    // old generation. A retained literal holding the request and response then keeps every request's
    // whole object graph alive through each scavenge (measured: 1.5 MB promoted per scavenge, a third
    // of the throughput). Objects made by `new` or by builtins carry no such site.
    this.#targets = Array.from(init.hintTargets);
    this.#advice = init.lateAdvice ?? NODE_ADVICE;
  }

  override ruleset(): string | undefined {
    return this.#hint('ruleset') as string | undefined;
  }

  override published(): unknown {
    return this.#hint('published');
  }

  #hint(key: keyof RouteCaching): unknown {
    // A route function is asked once: a per-request view it makes must stay the same object.
    if (typeof this.#route === 'function') this.#route = this.#route();
    const fromRoute = this.#route?.[key];
    if (fromRoute !== undefined && fromRoute !== null) return fromRoute;
    if (this.#routeOnly) return undefined;
    const late = this.#late?.()?.[key];
    if (late !== undefined && late !== null) return late;
    for (const target of this.#targets) {
      const value = hintsOf(target)?.[key];
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  }

  /**
   * While on, only the route's hints count: intercept then sees what it would have seen before the
   * handler ran, for a session opened after rendering (a prepared render that fell back).
   */
  routeHintsOnly(on: boolean): void {
    this.#routeOnly = on;
  }

  /** Replaces the route's hints (a per-route middleware after a global one). */
  setRoute(route: RouteCaching | undefined): void {
    this.#route = route;
  }

  protected override onModified(): void {
    reportMisspeltHintKey(httpSettingsOf(this.exchange).logger, this.#late?.());
  }

  protected override onLateHint(cost: LateHintCost): void {
    reportLateHint(httpSettingsOf(this.exchange).logger, {
      advice: this.#advice,
      request: this.exchange.request,
      late: this.#late?.(),
      ruleset: this.ruleset() !== undefined,
      gaveUp: cost.gaveUp,
    });
  }
}
