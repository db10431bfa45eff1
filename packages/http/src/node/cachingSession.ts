import {
  isPromiseLike,
  UnitOfWork,
  type CacheExchange,
  type CacheRequest,
  type CacheResponse,
  type InterceptOutcome,
  type MaybePromise,
} from '@cacheset/core';
import { requestedCaptures, settleCaptures } from '../capture/captureResponse.js';
import { abandonPendingFill, shouldIgnoreRange } from '../operations/createCachingOperation.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { reportMisspeltHintKey, type LateHints } from './bagHints.js';
import { NODE_ADVICE, reportLateHint, type LateHintAdvice } from './lateHintReport.js';
import { LateResponseCache } from './lateResponseCache.js';
import { createHintedExchange, NodeCacheResponse, type HintSource } from './nodeExchange.js';
import { hintsOf, type RouteCaching } from './routeHints.js';

export interface CachingSessionInit {
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
}

/** A response as it was sent, for captures; computed only when a capture asked for it. */
export interface FinishedResponse {
  readonly status: number;
  headers(): readonly (readonly [string, string])[];
  /** The body, or undefined when it was not kept (too large, or streamed where it cannot be tapped). */
  body(): Uint8Array | undefined;
  /** Why `body()` is undefined. Default 'too-large'. */
  readonly missingBodyReason?: string;
}

/**
 * One request going through the policy, whatever the server framework: its exchange and unit of
 * work, intercept (once, as soon as a ruleset or view is known), modify (once, right before the
 * headers go out), and the close of the exchange when the response ended or failed. Every adapter
 * is a thin shell that calls these at the right moments of its framework's lifecycle.
 *
 * Hints, first found wins: the route's, then the framework's per-request data, then `setCacheRuleset`
 * / `setPublished` on the request or response. A ruleset, wherever it was named, beats a view.
 *
 * Intercept runs at the first checkpoint at which a hint is known: before the handler (every shell
 * offers one or more such points: the route option, each middleware or hook), so that 304s and RAM
 * hits skip rendering; failing that, at the last checkpoint, right before the headers go out
 * (`interceptLate`): the answer is still right (a 304 without the body), the page was rendered in
 * vain, and one line says what to do instead.
 */
export class CachingSession implements HintSource {
  readonly caching: HttpCaching;
  readonly exchange: CacheExchange;
  readonly unit: UnitOfWork;
  #route: RouteCaching | (() => RouteCaching | undefined) | undefined;
  readonly #late: (() => LateHints | undefined) | undefined;
  readonly #targets: readonly object[];
  readonly #advice: LateHintAdvice;
  #intercepted = false;
  /** A late intercept at a checkpoint that cannot wait went async: its answer comes too late to use. */
  #gaveUp = false;
  #answered = false;
  #modified = false;
  #captureLimit = 0;
  #closed = false;
  #failure: { readonly error: unknown } | undefined;

  constructor(caching: HttpCaching, init: CachingSessionInit) {
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
    this.exchange = createHintedExchange(caching, init.request, init.response, this);
    const { request } = init;
    this.unit = new UnitOfWork({
      label: () => `${request.method} ${request.url}`,
      logger: caching.settings.logger,
      workTimeoutMs: caching.settings.invalidationTimeoutMs,
    });
  }

  /** The ruleset named for this request, if any (read by the exchange on every access). */
  ruleset(): string | undefined {
    return this.#hint('ruleset') as string | undefined;
  }

  /** The published view named for this request, if any (read by the exchange on every access). */
  published(): unknown {
    return this.#hint('published');
  }

  #hint(key: keyof RouteCaching): unknown {
    // A route function is asked once: a per-request view it makes must stay the same object.
    if (typeof this.#route === 'function') this.#route = this.#route();
    const fromRoute = this.#route?.[key];
    if (fromRoute !== undefined && fromRoute !== null) return fromRoute;
    const late = this.#late?.()?.[key];
    if (late !== undefined && late !== null) return late;
    for (const target of this.#targets) {
      const value = hintsOf(target)?.[key];
      if (value !== undefined && value !== null) return value;
    }
    return undefined;
  }

  /** Replaces the route's hints (a per-route middleware after a global one). */
  setRoute(route: RouteCaching | undefined): void {
    this.#route = route;
  }

  /** Whether a ruleset or view is known yet: without one there is nothing to intercept. */
  get hasHints(): boolean {
    return this.exchange.rulesetHint !== undefined || this.exchange.published !== undefined;
  }

  /** Whether intercept answered the request (a 304, a 412, a RAM hit): the handler must not run. */
  get answered(): boolean {
    return this.#answered;
  }

  /** Whether intercept has run (it runs once per request). */
  get intercepted(): boolean {
    return this.#intercepted;
  }

  /** Whether an If-Range mismatch means the handler must not see the Range header. */
  get ignoreRange(): boolean {
    return shouldIgnoreRange(this.exchange);
  }

  /**
   * Runs the policy's intercept once, when a ruleset or view is known (skipped otherwise: a handler
   * naming its ruleset late gets modify only). Gives the answer to send, if any: synchronously when
   * the operations answer synchronously (then a 304 or a RAM hit costs no promise), else a promise.
   */
  intercept(): MaybePromise<InterceptOutcome | undefined> {
    if (this.#intercepted || !this.hasHints) return undefined;
    this.#intercepted = true;
    const response = this.exchange.response;
    if (response instanceof NodeCacheResponse) response.holdHeaders();
    const outcome = this.unit.run(() => this.caching.engine.intercept(this.exchange));
    if (isPromiseLike<InterceptOutcome | undefined>(outcome))
      return Promise.resolve(outcome).then((answer) => this.#noteAnswer(answer));
    return this.#noteAnswer(outcome);
  }

  /** Calls `then` with intercept's answer: at once when it is synchronous, else when it arrives. */
  afterIntercept(then: (outcome: InterceptOutcome | undefined) => void, onError: (error: unknown) => void): void {
    let outcome: MaybePromise<InterceptOutcome | undefined>;
    try {
      outcome = this.intercept();
    } catch (error) {
      onError(error);
      return;
    }
    if (isPromiseLike<InterceptOutcome | undefined>(outcome)) Promise.resolve(outcome).then(then, onError);
    else then(outcome);
  }

  /**
   * The last checkpoint, right before the headers go out, for hints that arrived after rendering
   * started (and only then: it does nothing once intercept has run). The answer, if any, replaces the
   * rendered response; the RAM cache is left out (the page is rendered already). Returns a promise
   * when the validators are async: call it where the framework can wait (Fastify's onSend, after
   * Koa's chain); inside `res.writeHead` call `interceptLateNow`.
   */
  interceptLate(): MaybePromise<InterceptOutcome | undefined> {
    if (this.#intercepted || !this.hasHints) return undefined;
    const ram = new LateResponseCache();
    ram.attachTo(this.exchange, this.caching.settings);
    const outcome = this.intercept();
    if (!isPromiseLike<InterceptOutcome | undefined>(outcome)) return this.#reportLate(outcome, ram);
    return Promise.resolve(outcome).then((answer) => this.#reportLate(answer, ram));
  }

  /**
   * `interceptLate` where nothing can wait (inside `res.writeHead`): when the validators are async,
   * the response goes out without an answer, whatever intercept concludes later.
   */
  interceptLateNow(): InterceptOutcome | undefined {
    const outcome = this.interceptLate();
    if (!isPromiseLike<InterceptOutcome | undefined>(outcome)) return outcome;
    this.#gaveUp = true;
    outcome.then(undefined, () => undefined);
    // Headers intercept set before it went async (X-Cache-Rule...) go out with the rendered page.
    if (this.exchange.response instanceof NodeCacheResponse) this.exchange.response.releaseHeaders();
    this.#reportLate(undefined, undefined);
    return undefined;
  }

  /** Says what to do, once, when the late hint cost something: a 304 after rendering, the RAM cache, async validators. */
  #reportLate(outcome: InterceptOutcome | undefined, ram: LateResponseCache | undefined): InterceptOutcome | undefined {
    if (this.#gaveUp || outcome !== undefined || ram?.asked === true)
      reportLateHint(this.caching.settings.logger, {
        advice: this.#advice,
        request: this.exchange.request,
        late: this.#late?.(),
        ruleset: this.ruleset() !== undefined,
        gaveUp: this.#gaveUp,
      });
    return outcome;
  }

  #noteAnswer(outcome: InterceptOutcome | undefined): InterceptOutcome | undefined {
    // A late intercept given up on: the response has gone out without it.
    if (this.#gaveUp) return undefined;
    if (outcome !== undefined) this.#answered = true;
    // No answer: the handler renders, and must see the headers intercept set (X-Cache-Rule...).
    else if (this.exchange.response instanceof NodeCacheResponse) this.exchange.response.releaseHeaders();
    return outcome;
  }

  /** Sets the caching headers (once; call right before the headers are sent) and notes requested captures. */
  modify(): void {
    if (this.#modified) return;
    this.#modified = true;
    this.caching.engine.modify(this.exchange);
    reportMisspeltHintKey(this.caching.settings.logger, this.#late?.());
    const captures = requestedCaptures(this.exchange);
    if (captures.length > 0) this.#captureLimit = Math.max(...captures.map((c) => c.maxBytes));
  }

  /** The bytes of body to keep for captures: 0 when nobody asked (then nothing is buffered). */
  get captureLimit(): number {
    return this.#captureLimit;
  }

  /** The handler failed: the unit aborts whatever the status. */
  fail(error: unknown): void {
    this.#failure ??= { error };
  }

  /**
   * The response was sent completely: captures get it, a RAM fill still held is released, and the
   * unit commits (no error, status below 400) or aborts. Only the first of finish/abort counts.
   */
  finish(response: FinishedResponse): void {
    if (this.#closed) return;
    this.#closed = true;
    const { exchange } = this;
    if (requestedCaptures(exchange).length > 0) {
      const body = response.body();
      settleCaptures(
        exchange,
        { status: response.status, headers: body === undefined ? [] : response.headers(), body },
        response.missingBodyReason ?? 'too-large',
        (error) => this.#reportCapture(error),
      );
    }
    abandonPendingFill(exchange, 'the response was not stored');
    if (this.#failure !== undefined) void this.unit.abort(this.#failure.error);
    else if (response.status >= 400) void this.unit.abort(new Error(`status ${response.status}`));
    else void this.unit.commit();
  }

  /** The response did not complete (the client went away, the socket failed): everything is released. */
  abort(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    settleCaptures(
      this.exchange,
      { status: this.exchange.response.status, headers: [], body: undefined },
      'aborted',
      (error) => this.#reportCapture(error),
    );
    abandonPendingFill(this.exchange, reason);
    void this.unit.abort(this.#failure?.error ?? new Error(reason));
  }

  #reportCapture(error: unknown): void {
    reportOnce(
      this.caching.settings.logger,
      `cacheset: a response capture failed: ${error instanceof Error ? error.message : String(error)}`,
      { error },
    );
  }
}
