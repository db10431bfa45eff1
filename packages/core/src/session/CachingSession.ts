import { isPromiseLike, type MaybePromise } from '../async/isPromiseLike.js';
import { requestedCaptures, settleCaptures } from '../capture/ResponseCapture.js';
import type { CacheExchange } from '../exchange/CacheExchange.js';
import type { CacheRequest } from '../exchange/CacheRequest.js';
import type { CacheResponse } from '../exchange/CacheResponse.js';
import { shouldIgnoreRange } from '../exchange/ignoreRange.js';
import { onceLoggerFor } from '../logging/OnceLogger.js';
import type { InterceptOutcome } from '../policy/CachingEngine.js';
import type { CaptureAbandonReason } from '../responseCache/AbandonReason.js';
import { abandonHeldFill } from '../responseCache/heldFill.js';
import { UnitOfWork } from '../unitOfWork/UnitOfWork.js';
import type { ExchangeTrace } from '../explain/ExchangeTrace.js';
import type { ExchangeHints, ExchangeHost } from './ExchangeHost.js';
import { beginLateIntercept, type LateIntercept } from './lateIntercept.js';

export interface CachingSessionInit {
  readonly request: CacheRequest;
  readonly response: CacheResponse;
  /** Where the ruleset and view are named; default none (a subclass may answer `ruleset()` itself). */
  readonly hints?: ExchangeHints | undefined;
  /**
   * Explains the request: it runs dry (in a dry unit of work; nothing stored, purged, counted or
   * logged) and every participant records its decisions here; `trace.done` resolves at the end.
   */
  readonly trace?: ExchangeTrace | undefined;
  /**
   * The unit of work the request's code already runs in (an adapter that started rendering before it
   * needed a session); by default the session makes its own.
   */
  readonly unit?: UnitOfWork | undefined;
}

/** A response as it was sent, for captures; computed only when a capture asked for it. */
export interface FinishedResponse {
  readonly status: number;
  headers(): readonly (readonly [string, string])[];
  /** The body, or undefined when it was not kept (too large, or streamed where it cannot be tapped). */
  body(): Uint8Array | undefined;
  /** Why `body()` is undefined. Default 'too-large'. */
  readonly missingBodyReason?: CaptureAbandonReason;
}

/** What a hint that arrived after rendering started cost (see `CachingSession.onLateHint`). */
export interface LateHintCost {
  /** Intercept answered (a 304 sent after the page was rendered in vain). */
  readonly answered: boolean;
  /** An operation left its response cache out. */
  readonly responseCacheSkipped: boolean;
  /** The validators were asynchronous and could not be awaited where the headers were being sent. */
  readonly gaveUp: boolean;
}

/**
 * One request going through the policy, whatever the server framework: its exchange and unit of
 * work, intercept (once, as soon as a ruleset or view is known), modify (once, right before the
 * headers go out), and the close of the exchange when the response ended or failed. Every server
 * adapter is a thin shell that calls these at the right moments of its framework's lifecycle.
 *
 * Intercept runs at the first checkpoint at which a hint is known: before the handler (every shell
 * offers one or more such points), so that 304s and RAM hits skip rendering; failing that, at the
 * last checkpoint, right before the headers go out (`interceptLate`): the answer is still right (a
 * 304 without the body), the page was rendered in vain, and `onLateHint` says what it cost.
 *
 * The response view may hold the headers intercept sets (`holdHeaders`), so that an answer is
 * written at once; a request that goes on to render gets them on the response (`releaseHeaders`).
 */
export class CachingSession implements ExchangeHints {
  readonly host: ExchangeHost;
  readonly exchange: CacheExchange;
  readonly unit: UnitOfWork;
  readonly #hints: ExchangeHints | undefined;
  #intercepted = false;
  /** A late intercept at a checkpoint that cannot wait went async: its answer comes too late to use. */
  #gaveUp = false;
  #answered = false;
  #modified = false;
  #captureLimit = 0;
  #closed = false;
  #failure: { readonly error: unknown } | undefined;

  constructor(host: ExchangeHost, init: CachingSessionInit) {
    this.host = host;
    this.#hints = init.hints;
    const { request, response, trace } = init;
    this.exchange = host.createExchange({ request, response, hints: this, trace });
    this.unit =
      init.unit ??
      new UnitOfWork({
        label: () => `${request.method} ${request.url}`,
        logger: trace === undefined ? host.logger : trace.logger,
        workTimeoutMs: host.workTimeoutMs,
        dry: trace !== undefined,
      });
  }

  /** The ruleset named for this request, if any (read by the exchange on every access). */
  ruleset(): string | undefined {
    return this.#hints?.ruleset();
  }

  /** The published view named for this request, if any (read by the exchange on every access). */
  published(): unknown {
    return this.#hints?.published();
  }

  /** Called once, right after modify ran (a subclass may report what its hints saw). */
  protected onModified(): void {}

  /** Called when a hint arrived after rendering started and that cost something (say what to do). */
  protected onLateHint(_cost: LateHintCost): void {}

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
    this.exchange.response.holdHeaders?.();
    const outcome = this.unit.run(() => this.host.engine.intercept(this.exchange));
    if (isPromiseLike<InterceptOutcome | undefined>(outcome))
      return Promise.resolve(outcome).then((answer) => this.#noteAnswer(answer));
    return this.#noteAnswer(outcome);
  }

  /**
   * The request was answered without intercept, by an adapter's prepared answer (which replays what
   * intercept gave before on the same facts): it counts as intercepted, answered and modified, so
   * neither a late intercept nor modify touches the answer, and the handler does not run.
   */
  answeredElsewhere(): void {
    this.#intercepted = true;
    this.#answered = true;
    this.#modified = true;
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
   * rendered response; response caches are left out (the page is rendered already). Returns a
   * promise when the validators are async: call it where the framework can wait (Fastify's onSend,
   * after Koa's chain); inside `res.writeHead` call `interceptLateNow`.
   */
  interceptLate(): MaybePromise<InterceptOutcome | undefined> {
    if (this.#intercepted || !this.hasHints) return undefined;
    const late = beginLateIntercept(this.exchange);
    const outcome = this.intercept();
    if (!isPromiseLike<InterceptOutcome | undefined>(outcome)) return this.#reportLate(outcome, late);
    return Promise.resolve(outcome).then((answer) => this.#reportLate(answer, late));
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
    this.exchange.response.releaseHeaders?.();
    this.#reportLate(undefined, undefined);
    return undefined;
  }

  #reportLate(outcome: InterceptOutcome | undefined, late: LateIntercept | undefined): InterceptOutcome | undefined {
    const skipped = late?.responseCacheSkipped === true;
    if (this.#gaveUp || outcome !== undefined || skipped)
      this.onLateHint({ answered: outcome !== undefined, responseCacheSkipped: skipped, gaveUp: this.#gaveUp });
    return outcome;
  }

  #noteAnswer(outcome: InterceptOutcome | undefined): InterceptOutcome | undefined {
    // A late intercept given up on: the response has gone out without it.
    if (this.#gaveUp) return undefined;
    if (outcome !== undefined) {
      this.#answered = true;
      this.#traceResponse();
    }
    // No answer: the handler renders, and must see the headers intercept set (X-Cache-Rule...).
    else this.exchange.response.releaseHeaders?.();
    return outcome;
  }

  /** Sets the caching headers (once; call right before the headers are sent) and notes requested captures. */
  modify(): void {
    if (this.#modified) return;
    this.#modified = true;
    this.host.engine.modify(this.exchange);
    this.onModified();
    this.#traceResponse();
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
   * The response was sent completely: captures get it, a response-cache fill still held is released,
   * and the unit commits (no error, status below 400) or aborts. Only the first of finish/abort counts.
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
    abandonHeldFill(exchange, 'not-stored');
    if (this.#failure !== undefined) void this.unit.abort(this.#failure.error);
    else if (response.status >= 400) void this.unit.abort(new Error(`status ${response.status}`));
    else void this.unit.commit();
    this.#finishTrace();
  }

  /** What the response carries now, for the trace of an explained request. */
  #traceResponse(): void {
    const { trace, response } = this.exchange;
    if (trace === undefined) return;
    const headers: [string, string][] = [];
    for (const name of response.headerNames()) {
      const value = response.getHeader(name);
      if (value !== undefined) headers.push([name.toLowerCase(), value]);
    }
    trace.response(response.status, headers);
  }

  #finishTrace(): void {
    const { trace } = this.exchange;
    if (trace === undefined) return;
    for (const name of this.unit.suppressedEvents) trace.suppressedEvent(name);
    trace.finish();
  }

  /** The response did not complete (the client went away, the socket failed): everything is released. */
  abort(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    settleCaptures(
      this.exchange,
      { status: this.exchange.response.status, headers: [], body: undefined },
      'client-gone',
      (error) => this.#reportCapture(error),
    );
    abandonHeldFill(this.exchange, 'client-gone');
    void this.unit.abort(this.#failure?.error ?? new Error(reason));
    this.exchange.trace?.note(`the explained response did not complete: ${reason}`);
    this.#finishTrace();
  }

  #reportCapture(error: unknown): void {
    onceLoggerFor(this.exchange.trace?.logger ?? this.host.logger).error(
      `cacheset: a response capture failed: ${error instanceof Error ? error.message : String(error)}`,
      { error },
    );
  }
}
