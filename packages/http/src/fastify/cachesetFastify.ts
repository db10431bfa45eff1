import type { InterceptOutcome } from '@cacheset/core';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { installBodyTap } from '../node/bodyTap.js';
import { checkHttpCaching } from '../node/checkCaching.js';
import { CachingSession } from '../node/cachingSession.js';
import { headerPairs } from '../node/headerPairs.js';
import { holdResponseForWork } from '../node/holdResponseForWork.js';
import { NodeCacheRequest } from '../node/nodeExchange.js';
import { dropIgnoredRange } from '../node/nodeSession.js';
import { checkPublished, checkRulesetName, type RouteCaching } from '../node/routeHints.js';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { FastifyCacheResponse } from './FastifyCacheResponse.js';
import type { CachesetRouteConfig } from './fastifyTypes.js';

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
  readonly session: CachingSession;
  body: (() => Uint8Array | undefined) | undefined;
  missingBodyReason: string | undefined;

  constructor(session: CachingSession) {
    this.session = session;
  }
}

const kState = Symbol('cacheset.fastify.state');
type WithState = { [kState]: RequestState | null };
const stateOf = (request: FastifyRequest): RequestState | null => (request as unknown as WithState)[kState];

/** The route's hints from its config, made once per route (the config object lives as long as the route). */
const routeHints = new WeakMap<object, RouteCaching | undefined>();
function routeOf(config: CachesetRouteConfig | undefined): RouteCaching | undefined {
  if (config === undefined) return undefined;
  let route = routeHints.get(config);
  if (route === undefined && !routeHints.has(config)) {
    route =
      config.cacheRuleset === undefined && config.cachePublished === undefined
        ? undefined
        : { ruleset: config.cacheRuleset, published: config.cachePublished };
    routeHints.set(config, route);
  }
  return route;
}

/** The late hints a handler sets on the decorated request (read when the engine asks). */
class DecoratedHints implements RouteCaching {
  readonly #request: FastifyRequest;

  constructor(request: FastifyRequest) {
    this.#request = request;
  }

  get ruleset(): string | undefined {
    return this.#request.cacheRuleset;
  }

  get published(): unknown {
    return this.#request.cachePublished;
  }
}

const bodyless = (status: number): boolean => status === 304 || status === 204 || status < 200;

/**
 * Sends an intercepted answer through the reply. A HEAD answer keeps its body: Fastify's HEAD routes
 * take Content-Length from the payload and drop it, so HEAD gets the Content-Length GET gets.
 */
function answer(reply: FastifyReply, outcome: InterceptOutcome): void {
  reply.code(outcome.status);
  const { body } = outcome;
  if (bodyless(outcome.status)) reply.send();
  else reply.send(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

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
 * Runs after Fastify's own HEAD handling, which sets Content-Length from the payload even for a 304:
 * a 304 to HEAD then carries the headers a 304 to GET does, and no Content-Length.
 */
const notModifiedHasNoLength: onSendHookHandler = (_request, reply, payload, next) => {
  if (reply.statusCode === 304) reply.removeHeader('content-length');
  next(null, payload);
};

const isHead = (method: string | readonly string[]): boolean =>
  typeof method === 'string' ? method === 'HEAD' : method.includes('HEAD');

const plugin: FastifyPluginCallback<CachesetFastifyOptions> = (fastify, options, done) => {
  try {
    checkHttpCaching(
      (options as Partial<CachesetFastifyOptions> | undefined)?.caching,
      '@cacheset/http/fastify: options.caching',
    );
  } catch (error) {
    // Fastify reports a plugin's failure through done; a throw would leave the app waiting.
    done(error as Error);
    return;
  }
  const { caching } = options;

  fastify.decorateRequest('cacheRuleset', undefined);
  fastify.decorateRequest('cachePublished', undefined);
  fastify.decorateRequest(kState, null);

  // Route config is checked when the route is added: a typo fails at start-up, not silently per request.
  fastify.addHook('onRoute', (route) => {
    const config = route.config as CachesetRouteConfig | undefined;
    const where = `${String(route.method)} ${route.url} config`;
    if (config?.cacheRuleset !== undefined) checkRulesetName(config.cacheRuleset, `${where}.cacheRuleset`);
    if (config?.cachePublished !== undefined) checkPublished(config.cachePublished, `${where}.cachePublished`);
    if (isHead(route.method)) {
      const own = route.onSend;
      route.onSend =
        own === undefined ? [notModifiedHasNoLength] : [...(Array.isArray(own) ? own : [own]), notModifiedHasNoLength];
    }
  });

  fastify.addHook('onRequest', (request, reply, next) => {
    const late = new DecoratedHints(request);
    const session = new CachingSession(caching, {
      request: new NodeCacheRequest(request.raw, caching.userOf),
      response: new FastifyCacheResponse(reply),
      route: routeOf(request.routeOptions.config),
      late: () => late,
      hintTargets: Array.of<object>(request, reply, reply.raw, request.raw),
    });
    (request as unknown as WithState)[kState] = new RequestState(session);
    holdResponseForWork(reply.raw, session.unit);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) session.abort('the client went away');
    });
    if (!session.hasHints) {
      // Like @fastify/request-context: the rest of the lifecycle, handler included, runs in the
      // unit's async context (Fastify itself carries it across body parsing).
      session.unit.run(() => next());
      return;
    }
    session.afterIntercept(
      (outcome) => {
        if (outcome !== undefined) {
          answer(reply, outcome);
          return;
        }
        dropIgnoredRange(session, request.raw);
        session.unit.run(() => next());
      },
      (error) => next(error instanceof Error ? error : new Error(String(error))),
    );
  });

  fastify.addHook('onSend', (request, reply, payload, next) => {
    const state = stateOf(request);
    if (state !== null) {
      state.session.modify();
      if (state.session.captureLimit > 0 && state.body === undefined) keepPayload(state, reply, payload);
    }
    next(null, payload);
  });

  fastify.addHook('onError', (request, _reply, error, next) => {
    stateOf(request)?.session.fail(error);
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
    next();
  });

  done();
};

/**
 * The Fastify 5 plugin: intercept in `onRequest` (a 304, 412 or RAM-cache hit is answered there and
 * the handler never runs), modify in `onSend` through the reply's header API, captures from the
 * payload, and the unit of work closed in `onResponse`. Routes name their caching in `config`, or the
 * handler names it late with `request.cacheRuleset` / `request.cachePublished`.
 *
 * @example
 * await app.register(cachesetFastify, { caching: createHttpCaching({ policy, container }) });
 * app.get('/', { config: { cachePublished: FrontpageView } }, () => render());
 * app.get('/news', { config: { cacheRuleset: 'site.news' } }, () => news());
 * app.get('/search', (request) => { request.cacheRuleset = 'site.search'; return results(); });
 */
export const cachesetFastify = fp(plugin, { fastify: '5.x', name: '@cacheset/http/fastify' });
