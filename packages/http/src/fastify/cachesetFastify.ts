import {
  CachesetError,
  isPromiseLike,
  type InterceptOutcome,
  type MaybePromise,
  type UnitOfWork,
} from '@cacheset/core';
import type {
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';
import { installBodyTap } from '../node/bodyTap.js';
import { checkHttpCaching } from '../node/checkCaching.js';
import { HttpCachingSession } from '../node/HttpCachingSession.js';
import { headerPairs } from '../node/headerPairs.js';
import type { LateHintAdvice } from '../node/lateHintReport.js';
import { holdResponseForWork } from '../node/holdResponseForWork.js';
import { NodeCacheRequest } from '../node/nodeExchange.js';
import { dropIgnoredRange } from '../node/nodeSession.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { hintsOf, type RouteCaching } from '../node/routeHints.js';
import type { HeaderSnapshot } from '../node/headerSnapshot.js';
import { DecoratedHints } from './DecoratedHints.js';
import { PreparedReplyRender } from './PreparedReplyRender.js';
import { snapshotReply } from './replyHeaders.js';
import { FastifyCacheResponse } from './FastifyCacheResponse.js';
import type { CachesetRouteConfig } from './fastifyTypes.js';
import { answer, FASTIFY_HIT_WRITER, lateAnswerPayload } from './replyAnswer.js';
import { checkRouteConfig, routeOf } from './routeConfig.js';
import { OptionReader, type CaptureAbandonReason } from '@cacheset/core/internal';

export interface CachesetFastifyOptions {
  /** The HTTP-header cache manager, from `createHttpCaching(options)`. */
  readonly caching: HttpCaching;
}

/**
 * Per-request state: the session, and the body kept for captures. A class, not an object literal:
 * V8 pretenures literals that stay alive with a request, and they then keep whole requests alive
 * through scavenges (see node/cachingSession.ts).
 */
class RequestState {
  readonly session: HttpCachingSession;
  body: (() => Uint8Array | undefined) | undefined;
  missingBodyReason: CaptureAbandonReason | undefined;
  /** A render that teaches a prepared render: its route, and the headers intercept set before the handler ran. */
  teaches: RouteCaching | undefined;
  released: HeaderSnapshot | undefined;

  constructor(session: HttpCachingSession) {
    this.session = session;
  }
}

const kState = Symbol('cacheset.http.fastifyState');
const kRender = Symbol('cacheset.http.fastifyRender');
type WithState = { [kState]: RequestState | null; [kRender]: PreparedReplyRender | null };
const stateOf = (request: FastifyRequest): RequestState | null => (request as unknown as WithState)[kState];
const renderOf = (request: FastifyRequest): PreparedReplyRender | null => (request as unknown as WithState)[kRender];
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const FASTIFY_ADVICE: LateHintAdvice = {
  todo:
    'set request.cachePublished (or request.cacheRuleset) in a hook that runs before the handler, ' +
    "such as the route's preHandler: { preHandler: async (request) => { request.cachePublished = " +
    'new ArticleView(row) } }; or name it in the route config: { config: { cachePublished: View } }',
};

const pluginOptions: OptionReader = new OptionReader(
  (message, key) => new CachesetError(HttpErrorCodes.INVALID_ADAPTER_OPTIONS, message, { details: { key } }),
);

/** The options of the plugin, so that a misspelt one is an error naming it. */
const OPTION_KEYS = Object.keys({ caching: true } satisfies Record<keyof CachesetFastifyOptions, true>);

/** Keeps what `onSend` is about to write, for the captures an operation requested in modify. */
function keepPayload(state: RequestState, reply: FastifyReply, payload: unknown): void {
  const limit = state.session.captureLimit;
  if (payload === undefined || payload === null) {
    state.body = () => new Uint8Array(0);
  } else if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
    state.body = () => (bytes.byteLength > limit ? undefined : bytes);
  } else if (typeof (payload as { pipe?: unknown }).pipe === 'function') {
    // A node stream is piped into the raw response: copy it there.
    const tap = installBodyTap(reply.raw);
    tap.start(limit);
    state.body = () => tap.body();
  } else {
    // A web stream or a fetch Response: not worth buffering a copy of; the captures are released.
    state.body = () => undefined;
    state.missingBodyReason = 'streamed';
  }
}

/**
 * The last hook before the handler, added to every route: a hint set by any earlier hook (the
 * route's own onRequest, preValidation, preHandler, or a global one added after the plugin) gets
 * intercept here, so a 304 or a RAM hit is answered without running the handler.
 */
const beforeHandler: preHandlerHookHandler = function (request, reply, done) {
  const state = stateOf(request);
  if (state === null || state.session.intercepted || !state.session.hasHints) {
    done();
    return;
  }
  const { session } = state;
  session.afterIntercept(
    (outcome) => {
      if (outcome !== undefined) {
        answer(reply, outcome);
        return;
      }
      dropIgnoredRange(session, request.raw);
      done();
    },
    (error) => done(error instanceof Error ? error : new Error(String(error))),
  );
};

/**
 * Runs after Fastify's own HEAD handling, which sets Content-Length from the payload even for a 304:
 * a 304 to HEAD then carries the headers a 304 to GET does, and no Content-Length.
 */
const notModifiedHasNoLength: onSendHookHandler = (_request, reply, payload, next) => {
  if (reply.statusCode === 304) reply.removeHeader('content-length');
  next(null, payload);
};

/** Whether a hook that ran before the plugin's named the caching on the request itself. */
function hintedOnRequest(request: FastifyRequest, reply: FastifyReply): boolean {
  return (
    request.cacheRuleset !== undefined ||
    request.cachePublished !== undefined ||
    hintsOf(request) !== undefined ||
    hintsOf(reply) !== undefined
  );
}

const isHead = (method: string | readonly string[]): boolean =>
  typeof method === 'string' ? method === 'HEAD' : method.includes('HEAD');

const plugin: FastifyPluginCallback<CachesetFastifyOptions> = (fastify, options, done) => {
  try {
    checkHttpCaching(
      (options as Partial<CachesetFastifyOptions> | undefined)?.caching,
      '@cacheset/http/fastify: options.caching',
    );
    pluginOptions.keys('@cacheset/http/fastify', options, OPTION_KEYS);
  } catch (error) {
    // Fastify reports a plugin's failure through done; a throw would leave the app waiting.
    done(error as Error);
    return;
  }
  const { caching } = options;

  fastify.decorateRequest('cacheRuleset', undefined);
  fastify.decorateRequest('cachePublished', undefined);
  fastify.decorateRequest(kState, null);
  fastify.decorateRequest(kRender, null);

  // Route config is checked when the route is added: a typo fails at start-up, not silently per request.
  fastify.addHook('onRoute', (route) => {
    checkRouteConfig(
      caching,
      route.config as CachesetRouteConfig | undefined,
      `${String(route.method)} ${route.url} config`,
    );
    const own = route.preHandler;
    route.preHandler = own === undefined ? [beforeHandler] : [...(Array.isArray(own) ? own : [own]), beforeHandler];
    if (isHead(route.method)) {
      const own = route.onSend;
      route.onSend =
        own === undefined ? [notModifiedHasNoLength] : [...(Array.isArray(own) ? own : [own]), notModifiedHasNoLength];
    }
  });

  const { prepared } = caching;

  /**
   * A caching session for the request, filed on it; in `unit` when it takes over from a prepared
   * render (which holds the response for that unit's work already).
   */
  const newSession = (
    request: FastifyRequest,
    reply: FastifyReply,
    route: RouteCaching | undefined,
    unit?: UnitOfWork,
  ): { state: RequestState; response: FastifyCacheResponse } => {
    const late = new DecoratedHints(request);
    const response = new FastifyCacheResponse(reply);
    const session = new HttpCachingSession(caching, {
      request: new NodeCacheRequest(request.raw, caching.userOf),
      response,
      route,
      late: () => late,
      lateAdvice: FASTIFY_ADVICE,
      hintTargets: Array.of<object>(request, reply, reply.raw, request.raw),
      ...(unit === undefined ? {} : { unit }),
    });
    const state = new RequestState(session);
    (request as unknown as WithState)[kState] = state;
    if (unit === undefined) holdResponseForWork(reply.raw, session.unit);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) session.abort('the client went away');
    });
    return { state, response };
  };

  /** The engine's way: a session for the request, and intercept when the route names its caching. */
  const openSession = (
    request: FastifyRequest,
    reply: FastifyReply,
    next: (error?: Error) => void,
    route: RouteCaching | undefined,
    hinted: boolean,
  ): void => {
    const { state, response } = newSession(request, reply, route);
    const { session } = state;
    if (!session.hasHints) {
      // Like @fastify/request-context: the rest of the lifecycle, handler included, runs in the
      // unit's async context (Fastify itself carries it across body parsing).
      session.unit.run(() => next());
      return;
    }
    // What a hint set by an earlier hook decided cannot be prepared: only the route's config can.
    const learn = prepared !== undefined && route !== undefined && !hinted;
    // A render teaches only from a reply nothing before the plugin put headers on (those would be
    // replayed as the route's own).
    const teaches = learn && prepared.wantsRender(request.raw, route) && Object.keys(reply.getHeaders()).length === 0;
    session.afterIntercept(
      (outcome) => {
        if (outcome !== undefined) {
          answer(reply, outcome);
          if (!learn) return;
          if (outcome.status === 304) prepared.learn(session, request.raw, reply.raw, route, response.writtenHeaders());
          else if (outcome.status !== 412) prepared.learnRamHit(session, request.raw, reply.raw, route);
          return;
        }
        if (teaches) {
          state.teaches = route;
          state.released = snapshotReply(reply);
        }
        dropIgnoredRange(session, request.raw);
        session.unit.run(() => next());
      },
      (error) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };

  fastify.addHook('onRequest', (request, reply, next) => {
    const route = routeOf(request.routeOptions.config);
    const hinted = hintedOnRequest(request, reply);
    // A 304 or a RAM-cache hit of a route named in its config, from its prepared answer: no session at all.
    if (prepared !== undefined && route !== undefined && !hinted) {
      const answered = prepared.answerWith(request.raw, reply.raw, route, reply, FASTIFY_HIT_WRITER);
      if (answered === true) return;
      if (answered === false) {
        // A page whose caching headers are learnt: rendered without a session (see PreparedReplyRender).
        const rendering = prepared.renderFor(request.raw, reply.raw, route);
        if (rendering !== undefined) {
          const render = new PreparedReplyRender(caching, request, reply, route, rendering);
          (request as unknown as WithState)[kRender] = render;
          render.unit.run(() => next());
          return;
        }
      } else {
        answered.then(
          (sent) => {
            if (!sent) openSession(request, reply, next, route, hinted);
          },
          (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
        );
        return;
      }
    }
    openSession(request, reply, next, route, hinted);
  });

  /** The last checkpoint, then modify (teaching a prepared render when the session was told to). */
  const modifyOnSend = (
    request: FastifyRequest,
    reply: FastifyReply,
    state: RequestState,
    payload: unknown,
    next: (error: Error | null, payload?: unknown) => void,
  ): void => {
    const { session } = state;
    const send = (outcome: InterceptOutcome | undefined): void => {
      if (outcome !== undefined) {
        next(null, lateAnswerPayload(payload, outcome));
        return;
      }
      const { teaches, released } = state;
      if (prepared !== undefined && teaches !== undefined && released !== undefined) {
        const before = snapshotReply(reply);
        session.modify();
        prepared.learnRender(session, request.raw, reply.raw, teaches, released, before, snapshotReply(reply));
      } else {
        session.modify();
      }
      if (session.captureLimit > 0 && state.body === undefined) keepPayload(state, reply, payload);
      next(null, payload);
    };
    let outcome: MaybePromise<InterceptOutcome | undefined>;
    try {
      outcome = session.interceptLate();
    } catch (error) {
      next(asError(error));
      return;
    }
    if (isPromiseLike<InterceptOutcome | undefined>(outcome))
      Promise.resolve(outcome).then(send, (error: unknown) => next(asError(error)));
    else send(outcome);
  };

  /**
   * A prepared render whose reply no longer fits its learnt headers: a session takes over, in the
   * render's unit, and runs intercept as the engine's way runs it before the handler (with the
   * route's hints alone: a ruleset named since counts for modify only), then the late checkpoint
   * and modify. Unconditional and without a RAM copy (the facts said so), intercept answers
   * nothing; should it, that answer goes out, as a late answer does.
   */
  const takeOver = (
    request: FastifyRequest,
    reply: FastifyReply,
    render: PreparedReplyRender,
    payload: unknown,
    next: (error: Error | null, payload?: unknown) => void,
  ): void => {
    render.handOver();
    const { state } = newSession(request, reply, render.route, render.unit);
    const { session } = state;
    if (render.failure !== undefined) session.fail(render.failure.error);
    const proceed = (outcome: InterceptOutcome | undefined): void => {
      if (outcome !== undefined) next(null, lateAnswerPayload(payload, outcome));
      else modifyOnSend(request, reply, state, payload, next);
    };
    let outcome: MaybePromise<InterceptOutcome | undefined>;
    session.routeHintsOnly(true);
    try {
      outcome = session.intercept();
    } catch (error) {
      next(asError(error));
      return;
    } finally {
      session.routeHintsOnly(false);
    }
    if (isPromiseLike<InterceptOutcome | undefined>(outcome))
      Promise.resolve(outcome).then(proceed, (error: unknown) => next(asError(error)));
    else proceed(outcome);
  };

  // onSend runs before Fastify writes anything, and may wait.
  fastify.addHook('onSend', (request, reply, payload, next) => {
    const state = stateOf(request);
    if (state !== null) {
      modifyOnSend(request, reply, state, payload, next);
      return;
    }
    const render = renderOf(request);
    if (render === null || prepared === undefined) {
      next(null, payload);
      return;
    }
    if (render.apply(prepared, request, reply)) next(null, payload);
    else takeOver(request, reply, render, payload, next);
  });

  fastify.addHook('onError', (request, _reply, error, next) => {
    stateOf(request)?.session.fail(error);
    renderOf(request)?.failed(error);
    next();
  });

  fastify.addHook('onResponse', (request, reply, next) => {
    const state = stateOf(request);
    if (state !== null) {
      if (reply.raw.writableFinished) {
        state.session.finish({
          status: reply.statusCode,
          headers: () => headerPairs(reply.getHeaders()),
          body: () => state.body?.(),
          ...(state.missingBodyReason === undefined ? {} : { missingBodyReason: state.missingBodyReason }),
        });
      } else {
        state.session.abort('the response did not complete');
      }
    }
    renderOf(request)?.close(reply);
    next();
  });

  done();
};

/**
 * The Fastify 5 plugin: intercept in `onRequest` (a 304, 412 or RAM-cache hit is answered there and
 * the handler never runs), modify in `onSend` through the reply's header API, captures from the
 * payload, and the unit of work closed in `onResponse`. Routes name their caching in `config`, or the
 * handler names it late with `request.cacheRuleset` / `request.cachePublished`. A route named in
 * its config answers repeated 304s and RAM hits, and renders pages, from its prepared answers
 * without a session (see PreparedAnswers).
 *
 * @example
 * await app.register(cachesetFastify, { caching: createHttpCaching({ policy, container }) });
 * app.get('/', { config: { cachePublished: FrontpageView } }, () => render());
 * app.get('/news', { config: { cacheRuleset: 'site.news' } }, () => news());
 * app.get('/search', (request) => { request.cacheRuleset = 'site.search'; return results(); });
 */
export const cachesetFastify = fp(plugin, { fastify: '5.x', name: '@cacheset/http/fastify' });
