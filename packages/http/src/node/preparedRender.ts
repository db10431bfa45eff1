import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPromiseLike, type InterceptOutcome, type MaybePromise, type UnitOfWork } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { installBodyTap, type BodyTap } from './bodyTap.js';
import { closePreparedUnit, openPreparedUnit } from './preparedUnit.js';
import { hookedWriteHead } from './headerHook.js';
import type { HeaderValue } from './headerSnapshot.js';
import type { HttpCachingSession } from './HttpCachingSession.js';
import { holdResponseForWork } from './holdResponseForWork.js';
import { closeRendered, openNodeSession, renderHeaders } from './nodeSession.js';
import { hintsOf, type RouteCaching } from './routeHints.js';

/** The host's prepared answers, and one route's prepared render (see PreparedAnswers.renderFor). */
type Prepared = NonNullable<HttpCaching['prepared']>;
type PreparedRender = NonNullable<ReturnType<Prepared['renderFor']>>;

/**
 * One page rendered under a prepared render: the handler runs in a unit of work of its own, with
 * the headers intercept would have set already on the response; at its first writeHead, every
 * header goes out in one call, the learnt ones with the handler's own, when the response is still
 * the one they were learnt from (a 200, the same headers of the handler, none passed to writeHead,
 * no hint named while rendering, the same policy). Otherwise
 * a caching session opens there, in the same unit, and the engine's intercept and modify run as
 * they would have for a ruleset named late: the response is then exactly the engine's.
 */
class PreparedRenderRun {
  readonly #caching: HttpCaching;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #route: RouteCaching;
  readonly #prepared: Prepared;
  readonly #entry: PreparedRender;
  readonly unit: UnitOfWork;
  readonly #tap: BodyTap;
  #session: HttpCachingSession | undefined;
  #failure: { readonly error: unknown } | undefined;

  constructor(
    caching: HttpCaching,
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteCaching,
    prepared: Prepared,
    entry: PreparedRender,
  ) {
    this.#caching = caching;
    this.#req = req;
    this.#res = res;
    this.#route = route;
    this.#prepared = prepared;
    this.#entry = entry;
    this.unit = openPreparedUnit(caching, req);
    // What intercept puts on the response before the handler runs (X-Cache-Rule...).
    for (const [name, value] of entry.template.before) res.setHeader(name, value);
    this.#tap = installBodyTap(res);
    holdResponseForWork(res, this.unit);
    const original = res.writeHead;
    let done = false;
    // The first writeHead, however it comes (an explicit one, or the implicit one of write or end).
    res.writeHead = ((statusCode: number, ...rest: unknown[]): ServerResponse => {
      if (done) return original.apply(res, [statusCode, ...rest] as never);
      done = true;
      const head = rest.length === 0 ? this.#preparedHead(statusCode) : undefined;
      if (head !== undefined) return writePreparedHead(res, original, head, entry.template.finalKeys);
      return hookedWriteHead(res, original, statusCode, rest, () => this.#engineHeaders(), false);
    }) as typeof res.writeHead;
    res.on('close', () => this.#close());
  }

  failed(error: unknown): void {
    this.#failure ??= { error };
    this.#session?.fail(error);
  }

  /** The prepared headers, when this response is still one they fit (see PreparedAnswers.renderHead). */
  #preparedHead(statusCode: number): HeaderValue[] | undefined {
    if (statusCode !== 200 || hintsOf(this.#req) !== undefined || hintsOf(this.#res) !== undefined) return undefined;
    return this.#prepared.renderHead(this.#entry, this.#res);
  }

  /** The engine's way, from here: a session in this unit, its intercept and modify. */
  #engineHeaders(): void {
    const req = this.#req;
    const res = this.#res;
    const session = openNodeSession(this.#caching, req, res, {
      route: this.#route,
      deferRenderHooks: true,
      unit: this.unit,
    });
    this.#session = session;
    if (this.#failure !== undefined) session.fail(this.#failure.error);
    // Intercept as the engine's way runs it, before the handler: with the route's hints alone (a
    // ruleset the handler named since counts for modify only). Unconditional and without a RAM copy
    // (the facts said so), it answers nothing; should it, its status and headers go out, as a late
    // answer's do.
    session.routeHintsOnly(true);
    let outcome: MaybePromise<InterceptOutcome | undefined>;
    try {
      outcome = session.intercept();
    } finally {
      session.routeHintsOnly(false);
    }
    if (isPromiseLike<InterceptOutcome | undefined>(outcome)) {
      // Facts that turned async since they were checked: the page goes out with what is known now.
      outcome.then(undefined, () => undefined);
      session.exchange.response.releaseHeaders?.();
    } else if (outcome !== undefined) {
      res.statusCode = outcome.status;
      session.exchange.response.releaseHeaders?.();
      return;
    }
    renderHeaders(session, res, this.#tap);
  }

  #close(): void {
    const res = this.#res;
    if (this.#session !== undefined) {
      closeRendered(this.#session, res, this.#tap);
      return;
    }
    closePreparedUnit(this.unit, res, this.#failure);
  }
}

/** Node's own key of a response's header map, found on the first response (null: not looked for yet). */
let outHeadersKey: symbol | undefined | null = null;

/**
 * The hot path of a prepared render: every header in one `writeHead(200, [name, value, ...])`, the
 * form Node writes fastest, where setting them one by one first would validate each twice and build
 * Node's header map on the way. That form requires the map to be empty, so the handler's own
 * headers (already in `head`) are taken out of it for the call; afterwards the map is rebuilt with
 * every header sent, so `res.getHeader` tells what went out, as after the engine's way. Where the
 * map's key cannot be found (another Node), the headers are set one by one instead.
 */
function writePreparedHead(
  res: ServerResponse,
  original: ServerResponse['writeHead'],
  head: readonly HeaderValue[],
  keys: readonly string[],
): ServerResponse {
  if (outHeadersKey === null)
    outHeadersKey = Object.getOwnPropertySymbols(res).find((symbol) => symbol.description === 'kOutHeaders');
  const key = outHeadersKey;
  if (key === undefined) {
    for (let i = 0; i < head.length; i += 2) res.setHeader(head[i] as string, head[i + 1] as HeaderValue);
    return original.call(res, 200);
  }
  const target = res as unknown as Record<symbol, Record<string, [string, HeaderValue]> | null>;
  target[key] = null;
  const written = original.call(res, 200, head as never);
  const sent: Record<string, [string, HeaderValue]> = Object.create(null) as Record<string, [string, HeaderValue]>;
  for (let i = 0; i < keys.length; i += 1)
    sent[keys[i] as string] = [head[2 * i] as string, head[2 * i + 1] as HeaderValue];
  target[key] = sent;
  return written;
}

/**
 * Renders a page with the caching headers of its prepared render (see PreparedAnswers.renderFor):
 * no session, exchange or intercept, and every header written in one `writeHead`.
 * Rejects, or throws when `render` throws synchronously, like runCachingNow.
 */
export function runPreparedRender(
  caching: HttpCaching,
  req: IncomingMessage,
  res: ServerResponse,
  render: () => unknown,
  route: RouteCaching,
  prepared: Prepared,
  entry: PreparedRender,
): MaybePromise<void> {
  const run = new PreparedRenderRun(caching, req, res, route, prepared, entry);
  let rendered: unknown;
  try {
    rendered = run.unit.run(render);
  } catch (error) {
    run.failed(error);
    throw error;
  }
  if (!isPromiseLike(rendered)) return undefined;
  return Promise.resolve(rendered).then(
    () => undefined,
    (error: unknown) => {
      run.failed(error);
      throw error;
    },
  );
}
