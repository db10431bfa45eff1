import type { Middleware, ParameterizedContext } from 'koa';
import { isPromiseLike, type InterceptOutcome, type MaybePromise } from '@cacheset/core';
import { BagHints } from '../node/bagHints.js';
import { checkHttpCaching } from '../node/checkCaching.js';
import type { HttpCachingSession } from '../node/HttpCachingSession.js';
import type { LateHintAdvice } from '../node/lateHintReport.js';
import { dropIgnoredRange, openNodeSession, sessionOf } from '../node/nodeSession.js';
import { routeMiddlewares, type RouteCaching } from '../node/routeHints.js';
import { learnPrepared } from '../node/runCaching.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { reportOnce } from '../runtime/HttpSettings.js';
import { KoaCacheResponse } from './KoaCacheResponse.js';
import { KOA_HIT_WRITER } from './koaHitWriter.js';
import type { CacheState } from './stateHints.js';

/** cacheset for one Koa application; see `cachesetKoa`. */
export interface KoaCaching {
  /**
   * The middleware for every request: `app.use(cacheset.middleware())`, early in the chain. Requests
   * name their caching with `cacheset.ruleset(...)` / `cacheset.view(...)` in a route's middleware
   * list, or by setting `ctx.state.cacheRuleset` / `ctx.state.cachePublished`.
   */
  middleware(): Middleware;
  /**
   * A route's ruleset, composed before its handler (`router.get('/news', cacheset.ruleset('site.news'),
   * handler)` or `compose([...])`). Known before the handler runs, so 304s and RAM-cache hits are
   * answered without running it. Works with or without the global middleware.
   */
  ruleset(name: string): Middleware;
  /**
   * A route's published view, looked up in the ruleset registry: a class decorated with
   * `@cacheRuleset` (meaning its instances), or an instance.
   */
  view(published: object): Middleware;
}

const bodyless = (method: string, status: number): boolean =>
  method === 'HEAD' || status === 304 || status === 204 || status < 200;

/** Answers through ctx (Koa sends it): the status, and the body unless the status or method has none. */
function answer(ctx: ParameterizedContext, outcome: InterceptOutcome): void {
  ctx.status = outcome.status;
  const { body } = outcome;
  if (!bodyless(ctx.method, outcome.status))
    ctx.body = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Runs intercept when a ruleset or view is known; answers through ctx and says so. */
async function answered(
  caching: HttpCaching,
  session: HttpCachingSession,
  ctx: ParameterizedContext,
  route: RouteCaching | undefined,
): Promise<boolean> {
  if (session.intercepted || !session.hasHints) return false;
  if (route !== undefined && (await answeredPrepared(caching, session, ctx, route))) return true;
  const pending = session.intercept();
  const outcome = isPromiseLike<InterceptOutcome | undefined>(pending) ? await pending : pending;
  if (outcome === undefined) {
    dropIgnoredRange(session, ctx.req);
    return false;
  }
  answer(ctx, outcome);
  const { prepared } = caching;
  const { response } = session.exchange;
  // Only what intercept set is the answer a 304 replays; what earlier middleware set (a request id...) is theirs.
  if (route !== undefined && prepared !== undefined && response instanceof KoaCacheResponse && !stateHinted(ctx))
    learnPrepared(prepared, session, ctx.req, ctx.res, route, outcome, response.writtenHeaders());
  return true;
}

/**
 * A route's prepared 304 or RAM-cache hit (see PreparedAnswers), tried where the route's own
 * middleware runs, before intercept. Not for a request whose hints were named per request (in
 * `ctx.state`, or with `setCacheRuleset` / `setPublished`): those run the whole policy.
 */
async function answeredPrepared(
  caching: HttpCaching,
  session: HttpCachingSession,
  ctx: ParameterizedContext,
  route: RouteCaching,
): Promise<boolean> {
  const { prepared } = caching;
  if (prepared === undefined || stateHinted(ctx)) return false;
  const pending = prepared.answerWith(ctx.req, ctx.res, route, ctx, KOA_HIT_WRITER);
  const sent = pending === true || pending === false ? pending : await pending;
  if (sent) session.answeredElsewhere();
  return sent;
}

/** Whether a middleware named caching in `ctx.state` (which the session reads after the route's own hints). */
function stateHinted(ctx: ParameterizedContext): boolean {
  const state = ctx.state as CacheState | undefined;
  return state?.cacheRuleset !== undefined || state?.cachePublished !== undefined;
}

/**
 * After the chain returned, before Koa writes the response: the last checkpoint (a hint set after
 * cacheset's middleware passed gets its 304 now, the page rendered in vain), then modify.
 */
function beforeKoaResponds(session: HttpCachingSession, ctx: ParameterizedContext): MaybePromise<void> {
  const respond = (outcome: InterceptOutcome | undefined): void => {
    if (ctx.res.headersSent) return;
    if (outcome !== undefined) answer(ctx, outcome);
    else session.modify();
  };
  const pending = session.interceptLate();
  // No promise unless the late intercept really waits: the usual response costs no extra tick.
  if (isPromiseLike<InterceptOutcome | undefined>(pending)) return Promise.resolve(pending).then(respond);
  respond(pending);
  return undefined;
}

const KOA_ADVICE: LateHintAdvice = {
  todo:
    'set it in a middleware before the handler and compose cacheset.middleware() between that middleware ' +
    'and the handler, after any access check (router.get(path, loadArticle, cacheset.middleware(), handler)), ' +
    'since Koa gives cacheset no point between two middleware it is not part of; or use cacheset.view(View)',
};

/** The matched route's pattern, when @koa/router matched one (for the late-hint report). */
function routePattern(ctx: object): string | undefined {
  const matched: unknown = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : undefined;
}

/**
 * The Koa 3 adapter: a thin shell over the node:http core. Intercept runs before `next()`, the rest
 * of the chain runs in the request's unit of work, and modify runs when the chain has returned, right
 * before Koa writes the response (or, for `ctx.respond = false` and errors Koa answers itself, at
 * `res.writeHead`). Bodies of every kind Koa sends (strings, Buffers, streams, JSON) are captured
 * from the node response.
 *
 * @example
 * const cacheset = cachesetKoa(createHttpCaching({ policy, container }));
 * app.use(cacheset.middleware());
 * router.get('/', cacheset.view(FrontpageView), (ctx) => { ctx.body = render(); });
 * router.get('/search', (ctx) => { ctx.state.cacheRuleset = 'site.search'; ctx.body = results(); });
 */
export function cachesetKoa(caching: HttpCaching): KoaCaching {
  checkHttpCaching(caching, 'cachesetKoa');

  const handler =
    (route: RouteCaching | undefined): Middleware =>
    async (ctx, next) => {
      const running = sessionOf(ctx.res);
      if (running !== undefined) {
        if (running.caching !== caching) {
          reportOnce(
            caching.settings.logger,
            'cacheset: two HttpCaching instances handle the same Koa request; the route hint of the second is ignored. Use one cachesetKoa(caching) per app.',
          );
          await next();
          return;
        }
        if (route !== undefined) running.setRoute(route);
        if (await answered(caching, running, ctx, route)) return;
        await running.unit.run(next);
        return;
      }
      const late = new BagHints(caching, ctx, 'state', 'ctx.state', routePattern);
      const session = openNodeSession(caching, ctx.req, ctx.res, {
        route,
        late: () => late,
        lateAdvice: KOA_ADVICE,
        hintTargets: [ctx],
        response: new KoaCacheResponse(ctx),
      });
      if (await answered(caching, session, ctx, route)) return;
      try {
        await session.unit.run(next);
      } catch (error) {
        session.fail(error);
        throw error;
      }
      // Koa writes the response after the chain returns: set the headers now, so that middleware
      // further out sees them too.
      if (!ctx.res.headersSent) {
        const responding = beforeKoaResponds(session, ctx);
        if (isPromiseLike(responding)) await responding;
      }
    };

  return {
    ...routeMiddlewares(caching, handler),
  };
}
