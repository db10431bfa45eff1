import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPromiseLike, type InterceptOutcome, type MaybePromise } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import type { HttpCachingSession } from './HttpCachingSession.js';
import { NodeCacheResponse } from './nodeExchange.js';
import {
  closeAnswered,
  dropIgnoredRange,
  openNodeSession,
  prepareNodeRender,
  sessionOf,
  type RenderLearner,
} from './nodeSession.js';
import { runPreparedRender } from './preparedRender.js';
import type { HeaderSnapshot } from './headerSnapshot.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { checkRoute, type RouteCaching } from './routeHints.js';

export { headerPairs } from './headerPairs.js';
export { installHeaderHook } from './headerHook.js';

/**
 * What a per-request route function gave, checked like a route given at start-up; a bad one is
 * reported once and the request goes on uncached (request-time problems never fail the request).
 */
function requestRoute(caching: HttpCaching, route: RouteCaching | undefined): RouteCaching | undefined {
  try {
    checkRoute(route, 'the route function');
    return route;
  } catch (error) {
    reportOnce(caching.settings.logger, `cacheset: ${error instanceof Error ? error.message : String(error)}`, {
      error,
    });
    return undefined;
  }
}

/** Statuses and methods whose responses carry no body. */
function bodyless(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status === 304 || status === 204 || (status >= 100 && status < 200);
}

/**
 * Writes an intercepted answer (a 304, a 412, a RAM-cache hit) and ends the response. Gives the
 * headers intercept held, as written in one go (undefined when there were none).
 */
export function sendIntercepted(
  req: IncomingMessage,
  res: ServerResponse,
  outcome: InterceptOutcome,
): readonly string[] | undefined {
  res.statusCode = outcome.status;
  // The headers intercept set are held by the session's response: write them in one go.
  const response = sessionOf(res)?.exchange.response;
  const written = response instanceof NodeCacheResponse ? response.writeHead(outcome.status) : undefined;
  if (bodyless(req.method, outcome.status)) {
    res.end();
    return written;
  }
  const { body } = outcome;
  res.end(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  return written;
}

/**
 * Teaches `prepared` the answer the engine just sent for a route given at start-up (`written`: its
 * headers as written in one go, undefined when there were none): a 304, or a RAM-cache hit.
 */
export function learnPrepared(
  prepared: NonNullable<HttpCaching['prepared']>,
  session: HttpCachingSession,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteCaching,
  outcome: InterceptOutcome,
  written: readonly string[] | undefined,
): void {
  if (written === undefined) return;
  if (outcome.status === 304) prepared.learn(session, req, res, route, written);
  else if (outcome.status !== 412) prepared.learnRamHit(session, req, res, route);
}

const NO_HEADERS: HeaderSnapshot = { names: [], keys: [], values: [] };

/** Teaches `prepared` the caching headers of a page the engine rendered for a route given at start-up. */
function renderLearner(
  prepared: NonNullable<HttpCaching['prepared']>,
  session: HttpCachingSession,
  req: IncomingMessage,
  res: ServerResponse,
  route: RouteCaching,
): RenderLearner {
  // What intercept put on the response before the handler ran (it released them then).
  const { response } = session.exchange;
  const released = (response instanceof NodeCacheResponse ? response.released() : undefined) ?? NO_HEADERS;
  return (before, after) => prepared.learnRender(session, req, res, route, released, before, after);
}

/**
 * The node:http core shared by every adapter: opens a unit of work, runs intercept (a 304, 412 or RAM
 * hit ends the request here), then renders with the caching headers applied once when the response
 * starts, and closes the unit when the response ends. Rejects only when `render` throws.
 */
export async function runCaching(
  caching: HttpCaching,
  req: IncomingMessage,
  res: ServerResponse,
  render: () => unknown,
  route?: RouteCaching | (() => MaybePromise<RouteCaching | undefined>),
): Promise<void> {
  await runCachingNow(caching, req, res, render, route);
}

/**
 * `runCaching` without promises where none is needed: when intercept and `render` are synchronous
 * (the usual node:http handler answering a 304, a RAM hit or a page), the whole request runs in the
 * caller's turn. Returns a promise only when something was async; it rejects when `render` throws
 * asynchronously. A synchronous throw from `render` is thrown.
 */
export function runCachingNow(
  caching: HttpCaching,
  req: IncomingMessage,
  res: ServerResponse,
  render: () => unknown,
  route?: RouteCaching | (() => MaybePromise<RouteCaching | undefined>),
): MaybePromise<void> {
  if (typeof route === 'function') {
    // A per-request route (a view made for this request's row) is asked once, before intercept.
    const named = route();
    if (isPromiseLike<RouteCaching | undefined>(named))
      return Promise.resolve(named).then((value) =>
        runRouted(caching, req, res, render, requestRoute(caching, value), false),
      );
    return runRouted(caching, req, res, render, requestRoute(caching, named), false);
  }
  return runRouted(caching, req, res, render, route, true);
}

/**
 * One request with its route known. A route given at start-up (`prepare`) may be answered from a
 * prepared 304, and teaches one when the engine answers a 304; a route made per request never is
 * (its object would key nothing twice).
 */
function runRouted(
  caching: HttpCaching,
  req: IncomingMessage,
  res: ServerResponse,
  render: () => unknown,
  route: RouteCaching | undefined,
  prepare: boolean,
): MaybePromise<void> {
  const prepared = prepare && route !== undefined ? caching.prepared : undefined;
  if (prepared !== undefined && sessionOf(res) === undefined) {
    const answered = prepared.answer(req, res, route as RouteCaching);
    if (answered === true) return undefined;
    // The store answered late: what it gave went out, or the request runs the engine's way now.
    if (answered !== false)
      return answered.then((sent) => (sent ? undefined : runRouted(caching, req, res, render, route, false)));
    const rendering = prepared.renderFor(req, res, route as RouteCaching);
    if (rendering !== undefined)
      return runPreparedRender(caching, req, res, render, route as RouteCaching, prepared, rendering);
  }
  const session = openNodeSession(caching, req, res, { route, deferRenderHooks: true });
  const proceed = (outcome: InterceptOutcome | undefined): MaybePromise<void> => {
    if (outcome !== undefined) {
      const written = sendIntercepted(req, res, outcome);
      if (prepared !== undefined) learnPrepared(prepared, session, req, res, route as RouteCaching, outcome, written);
      closeAnswered(session, res);
      return undefined;
    }
    prepareNodeRender(
      session,
      res,
      prepared !== undefined && prepared.wantsRender(req, route as RouteCaching)
        ? renderLearner(prepared, session, req, res, route as RouteCaching)
        : undefined,
    );
    dropIgnoredRange(session, req);
    let rendered: unknown;
    try {
      rendered = session.unit.run(render);
    } catch (error) {
      session.fail(error);
      throw error;
    }
    if (!isPromiseLike(rendered)) return undefined;
    return Promise.resolve(rendered).then(
      () => undefined,
      (error: unknown) => {
        session.fail(error);
        throw error;
      },
    );
  };
  const outcome = session.intercept();
  return isPromiseLike<InterceptOutcome | undefined>(outcome)
    ? Promise.resolve(outcome).then(proceed)
    : proceed(outcome);
}
