import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPromiseLike, type MaybePromise } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { checkRouteRuleset } from './checkRouteRuleset.js';
import { checkRoute, type RouteCaching } from './routeHints.js';
import { runCachingNow } from './runCaching.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * A route named per request, before the handler runs: for a view made from this request's row
 * (`async (req) => ({ published: new ArticleView(await db.article(idOf(req))) })`). Asked once per
 * request; undefined leaves the request uncached.
 */
export type RouteResolver = (req: IncomingMessage, res: ServerResponse) => MaybePromise<RouteCaching | undefined>;

/** A route given at start-up is checked there: its shape, and that its view has a ruleset. */
function checkStaticRoute(caching: HttpCaching, route: RouteCaching | RouteResolver | undefined, where: string): void {
  if (typeof route === 'function') return;
  checkRoute(route, where);
  checkRouteRuleset(caching, route, where);
}

/**
 * Wraps a node:http handler: the policy runs around it. `route` names its ruleset or published view,
 * before the handler runs (so 304s and RAM hits skip it): an object, or a function of the request
 * for a view made per request. A handler that names them itself while rendering
 * (`setCacheRuleset(res, ...)` / `setPublished`) gets its headers, and 304s only after rendering.
 *
 * @example
 * http.createServer(cachingHandler(caching, (req, res) => res.end('<h1>Hi</h1>'), { ruleset: 'site.frontpage' }));
 */
export function cachingHandler(
  caching: HttpCaching,
  handler: NodeHandler,
  route?: RouteCaching | RouteResolver,
): (req: IncomingMessage, res: ServerResponse) => void {
  checkStaticRoute(caching, route, 'cachingHandler');
  return (req, res) => {
    const routeOf = typeof route === 'function' ? () => route(req, res) : route;
    let running: MaybePromise<void>;
    try {
      running = runCachingNow(caching, req, res, () => handler(req, res), routeOf);
    } catch (error) {
      handlerFailed(caching, req, res, error);
      return;
    }
    if (isPromiseLike(running))
      Promise.resolve(running).catch((error: unknown) => handlerFailed(caching, req, res, error));
  };
}

function handlerFailed(caching: HttpCaching, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  reportOnce(
    caching.settings.logger,
    `cacheset: the handler for ${req.method ?? 'GET'} ${req.url ?? '/'} threw: ${error instanceof Error ? error.message : String(error)}`,
    { error },
  );
  if (!res.headersSent) {
    res.statusCode = 500;
    res.end();
  } else {
    res.destroy(error instanceof Error ? error : undefined);
  }
}

/**
 * Connect-style middleware `(req, res, next)`: the policy runs around whatever `next` leads to.
 * Errors from the chain are the framework's to handle; only a failure of the caching layer itself
 * (which it never has by design) would reach `next(error)`.
 */
export function cachingMiddleware(
  caching: HttpCaching,
  route?: RouteCaching | RouteResolver,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  checkStaticRoute(caching, route, 'cachingMiddleware');
  return (req, res, next) => {
    const routeOf = typeof route === 'function' ? () => route(req, res) : route;
    let running: MaybePromise<void>;
    try {
      running = runCachingNow(caching, req, res, () => next(), routeOf);
    } catch (error) {
      next(error);
      return;
    }
    if (isPromiseLike(running)) Promise.resolve(running).catch((error: unknown) => next(error));
  };
}
