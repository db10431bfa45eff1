import type { Application, NextFunction, Request, RequestHandler, Response } from 'express';
import { isPromiseLike, type InterceptOutcome, type MaybePromise } from '@cacheset/core';
import { BagHints } from '../node/bagHints.js';
import { checkHttpCaching } from '../node/checkCaching.js';
import type { HttpCachingSession } from '../node/HttpCachingSession.js';
import type { LateHintAdvice } from '../node/lateHintReport.js';
import { dropIgnoredRange, openNodeSession, sessionOf } from '../node/nodeSession.js';
import { routeMiddlewares, type RouteCaching } from '../node/routeHints.js';
import { learnPrepared, sendIntercepted } from '../node/runCaching.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { armExpressRender, disarmExpressRender, rearmExpressRender } from './expressRenderHooks.js';
import type { CacheLocals } from './localsHints.js';
import { guardLayers, ownMiddleware } from './guardLayers.js';
import { keepExpressValidatorsOut } from './keepExpressValidatorsOut.js';

/** cacheset for one Express application; see `cachesetExpress`. */
export interface ExpressCaching {
  /**
   * The middleware for every route: `app.use(cacheset.middleware())`. Routes then name their caching
   * with `cacheset.ruleset(...)` / `cacheset.view(...)`, or late in the handler with
   * `res.locals.cacheRuleset` / `res.locals.cachePublished`.
   */
  middleware(): RequestHandler;
  /**
   * A route's ruleset: `app.get('/news', cacheset.ruleset('site.news'), handler)`. Known before the
   * handler runs, so 304s and RAM-cache hits are answered without running it. Works with or without
   * the global middleware.
   */
  ruleset(name: string): RequestHandler;
  /**
   * A route's published view, looked up in the ruleset registry: a class decorated with
   * `@cacheRuleset` (meaning its instances), or an instance.
   */
  view(published: object): RequestHandler;
  /**
   * Sets the app up: switches off Express's own ETag (`app.set('etag', false)`: the policy's
   * validators are the ones that count, and hashing every body costs) and mounts `middleware()`.
   * Call it before adding routes.
   */
  install(app: Application): void;
}

/**
 * The Express 5 adapter: a thin shell over the node:http core. Express writes through the node
 * response, so modify runs in `res.writeHead`, once, whether the handler used `res.send`, `res.json`,
 * a stream or `res.write`.
 *
 * @example
 * const cacheset = cachesetExpress(createHttpCaching({ policy, container }));
 * cacheset.install(app);
 * app.get('/', cacheset.view(FrontpageView), (req, res) => res.send(render()));
 * app.get('/news', cacheset.ruleset('site.news'), (req, res) => res.send(news()));
 * app.get('/search', (req, res) => { res.locals.cacheRuleset = 'site.search'; res.send(results()); });
 */
export function cachesetExpress(caching: HttpCaching): ExpressCaching {
  checkHttpCaching(caching, 'cachesetExpress');

  const intercept = (
    session: HttpCachingSession,
    req: Request,
    res: Response,
    next: NextFunction,
    route: RouteCaching | undefined,
  ): void => {
    session.afterIntercept((outcome) => {
      if (outcome !== undefined) {
        const written = sendIntercepted(req, res, outcome);
        const { prepared } = caching;
        if (route !== undefined && prepared !== undefined && !localsHinted(res))
          learnPrepared(prepared, session, req, res, route, outcome, written);
        return;
      }
      dropIgnoredRange(session, req);
      session.unit.run(() => next());
    }, next);
  };

  const proceed = (
    session: HttpCachingSession,
    req: Request,
    res: Response,
    next: NextFunction,
    route: RouteCaching | undefined,
  ): void => {
    guardLayers(req, checkpoint);
    if (session.intercepted || !session.hasHints) {
      session.unit.run(() => next());
      return;
    }
    const answered = route === undefined ? false : answerPrepared(caching, session, req, res, route);
    if (answered === true) return;
    if (answered === false) {
      intercept(session, req, res, next, route);
      return;
    }
    answered.then(
      (sent) => {
        if (!sent) intercept(session, req, res, next, route);
      },
      (error: unknown) => next(error),
    );
  };

  const handler =
    (route: RouteCaching | undefined): RequestHandler =>
    (req, res, next) => {
      const running = sessionOf(res);
      if (running === undefined) {
        const late = new BagHints(caching, res, 'locals', 'res.locals', routePattern);
        const session = openNodeSession(caching, req, res, {
          route,
          late: () => late,
          lateAdvice: EXPRESS_ADVICE,
          deferRenderHooks: true,
        });
        armExpressRender(session, res);
        keepExpressValidatorsOut(req, res);
        proceed(session, req, res, next, route);
        return;
      }
      if (running.caching !== caching) {
        reportOnce(
          caching.settings.logger,
          'cacheset: two HttpCaching instances handle the same Express request; the route hint of the second is ignored. Use one cachesetExpress(caching) per app.',
        );
        next();
        return;
      }
      if (route !== undefined) running.setRoute(route);
      proceed(running, req, res, next, route);
    };

  const own = (route: RouteCaching | undefined): RequestHandler => ownMiddleware(handler(route));
  return {
    ...routeMiddlewares(caching, own),
    install(app) {
      app.set('etag', false);
      app.use(own(undefined));
    },
  };
}

/**
 * The checkpoint in front of every middleware and handler (see guardLayers): once a hint is known
 * and intercept has not run, it runs, and a 304 or a RAM hit is sent instead of calling the layer.
 * Keeps what the layer returns, so that the router still sees a rejected async handler.
 */
function checkpoint(req: Request, res: Response, next: NextFunction, run: () => unknown): unknown {
  const session = sessionOf(res);
  if (session === undefined || session.intercepted || !session.hasHints) return run();
  let outcome: MaybePromise<InterceptOutcome | undefined>;
  try {
    outcome = session.intercept();
  } catch (error) {
    next(error);
    return undefined;
  }
  const go = (answer: InterceptOutcome | undefined): unknown => {
    if (answer !== undefined) {
      sendIntercepted(req, res, answer);
      return undefined;
    }
    dropIgnoredRange(session, req);
    return run();
  };
  return isPromiseLike<InterceptOutcome | undefined>(outcome) ? Promise.resolve(outcome).then(go) : go(outcome);
}

/**
 * A route's prepared 304 or RAM-cache hit (see PreparedAnswers), tried where the route's own
 * middleware runs: after every middleware before it (an access check among them has had its say)
 * and before intercept. Not for a request whose hints were named per request (on the request, the
 * response or `res.locals`): those run the whole policy. A promise only when the store answered late.
 */
function answerPrepared(
  caching: HttpCaching,
  session: HttpCachingSession,
  req: Request,
  res: Response,
  route: RouteCaching,
): boolean | Promise<boolean> {
  const { prepared } = caching;
  if (prepared === undefined || session.intercepted) return false;
  if (localsHinted(res)) return false;
  // The answer's headers go out as they are, not through modify; the session closes with the response.
  disarmExpressRender(res);
  const settle = (sent: boolean): boolean => {
    if (sent) session.answeredElsewhere();
    else rearmExpressRender(res);
    return sent;
  };
  const answered = prepared.answer(req, res, route);
  return answered === true || answered === false ? settle(answered) : answered.then(settle);
}

/** Whether a middleware named caching in `res.locals` (which the session reads after the route's own hints). */
function localsHinted(res: Response): boolean {
  const locals = res.locals as CacheLocals | undefined;
  return locals?.cacheRuleset !== undefined || locals?.cachePublished !== undefined;
}

const EXPRESS_ADVICE: LateHintAdvice = {
  todo:
    'name it in a middleware that runs before the handler: app.get(path, (req, res, next) => ' +
    '{ setPublished(req, new ArticleView(row)); next(); }, handler), or set res.locals.cachePublished ' +
    'there, or use cacheset.view(View)',
};

/** The matched route's pattern, for the late-hint report (`req.route` is set once a route matched). */
function routePattern(res: object): string | undefined {
  const path: unknown = (res as Response).req?.route?.path;
  return typeof path === 'string' ? path : undefined;
}
