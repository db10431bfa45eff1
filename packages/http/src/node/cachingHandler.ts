import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPromiseLike, type MaybePromise } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { checkRoute, type RouteCaching } from './routeHints.js';
import { runCachingNow } from './runCaching.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Wraps a node:http handler: the policy runs around it. `route` names its ruleset or published view;
 * the handler may also name them while rendering with `setCacheRuleset(res, ...)` / `setPublished`.
 *
 * @example
 * http.createServer(cachingHandler(caching, (req, res) => res.end('<h1>Hi</h1>'), { ruleset: 'site.frontpage' }));
 */
export function cachingHandler(
  caching: HttpCaching,
  handler: NodeHandler,
  route?: RouteCaching,
): (req: IncomingMessage, res: ServerResponse) => void {
  checkRoute(route, 'cachingHandler');
  return (req, res) => {
    let running: MaybePromise<void>;
    try {
      running = runCachingNow(caching, req, res, () => handler(req, res), route);
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
  route?: RouteCaching | ((req: IncomingMessage, res: ServerResponse) => RouteCaching | undefined),
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  if (typeof route !== 'function') checkRoute(route, 'cachingMiddleware');
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
