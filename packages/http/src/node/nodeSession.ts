import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CacheResponse, InterceptOutcome, UnitOfWork } from '@cacheset/core';
import type { HttpCaching } from '../runtime/HttpCaching.js';
import { installBodyTap, type BodyTap } from './bodyTap.js';
import type { LateHints } from './bagHints.js';
import { HttpCachingSession } from './HttpCachingSession.js';
import { headerPairs } from './headerPairs.js';
import { installHeaderHook } from './headerHook.js';
import type { LateHintAdvice } from './lateHintReport.js';
import { holdResponseForWork } from './holdResponseForWork.js';
import { NodeCacheRequest, NodeCacheResponse } from './nodeExchange.js';
import type { RouteCaching } from './routeHints.js';
import { snapshotHeaders, type HeaderSnapshot } from './headerSnapshot.js';

export interface NodeSessionOptions {
  readonly route?: RouteCaching | (() => RouteCaching | undefined) | undefined;
  /** Hints the handler sets while rendering, where the framework keeps per-request data. */
  readonly late?: (() => LateHints | undefined) | undefined;
  /** What to tell users whose hint arrives after rendering started. Default: node:http's advice. */
  readonly lateAdvice?: LateHintAdvice | undefined;
  /** Objects `setCacheRuleset` / `setPublished` may be called on, besides `res` and `req`. */
  readonly hintTargets?: readonly object[];
  /** Default: headers set on `res` directly. */
  readonly response?: CacheResponse;
  /**
   * Install the render hooks later, with `prepareNodeRender` once it is known the handler renders
   * (node:http does, so an intercepted 304 skips them); by default they are installed at once.
   */
  readonly deferRenderHooks?: boolean;
  /** The unit of work the handler already runs in (a prepared render that fell back to the engine). */
  readonly unit?: UnitOfWork | undefined;
}

// On the response itself, not in a WeakMap: WeakMap entries keyed by per-request objects are costly
// garbage (see routeHints.ts).
const SESSION = Symbol('cacheset.http.session');
type WithSession = ServerResponse & { [SESSION]?: HttpCachingSession };

/** The session already running for a response (a global middleware opened it), if any. */
export function sessionOf(res: ServerResponse): HttpCachingSession | undefined {
  return (res as WithSession)[SESSION];
}

/**
 * Opens the caching session of a node request: modify runs inside `res.writeHead` (once, however
 * the headers are sent), the body is tapped when a capture asks for it, and the session closes when
 * the response closes: finished (sent completely) or not (the client went away). Express and Koa
 * run on this too, since both write through the node response.
 */
export function openNodeSession(
  caching: HttpCaching,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeSessionOptions = {},
): HttpCachingSession {
  const session = new HttpCachingSession(caching, {
    request: new NodeCacheRequest(req, caching.userOf),
    response: options.response ?? new NodeCacheResponse(res),
    route: options.route,
    late: options.late,
    lateAdvice: options.lateAdvice,
    unit: options.unit,
    hintTargets:
      options.hintTargets === undefined
        ? Array.of<object>(res, req)
        : Array.of<object>(...options.hintTargets, res, req),
  });
  (res as WithSession)[SESSION] = session;
  if (options.deferRenderHooks !== true) prepareNodeRender(session, res);
  return session;
}

const ARMED = Symbol('cacheset.http.armed');
type Armed = ServerResponse & { [ARMED]?: true };

/**
 * What a response the handler renders needs (once per response): the last checkpoint and modify
 * inside `res.writeHead` (however the headers are sent), the body tap for captures, and the close of
 * the session when the response closes: finished (sent completely) or not (the client went away).
 * Answers sent by intercept skip all of it (`closeAnswered`): patching the response changes its
 * shape for Node's own code, which a 304 should not pay for.
 */
export function prepareNodeRender(session: HttpCachingSession, res: ServerResponse, learn?: RenderLearner): void {
  if ((res as Armed)[ARMED] === true) return;
  (res as Armed)[ARMED] = true;
  const tap = installBodyTap(res);
  holdResponseForWork(res, session.unit);
  installHeaderHook(
    res,
    () => renderHeaders(session, res, tap, learn),
    () => session.answered,
  );
  // One listener: a node response emits 'close' after 'finish' when it was sent completely, and
  // 'close' alone when the connection went away first.
  res.on('close', () => closeRendered(session, res, tap));
}

/**
 * Marks a response as armed by hooks installed elsewhere (Express's, on its response prototype), so
 * that prepareNodeRender leaves it alone; false when it was armed already.
 */
export function markArmed(res: ServerResponse): boolean {
  if ((res as Armed)[ARMED] === true) return false;
  (res as Armed)[ARMED] = true;
  return true;
}

/**
 * Told the response's headers before and after modify ran (`HeaderSnapshot`s), to learn a prepared
 * render from them; given only for the renders that may teach one.
 */
export type RenderLearner = (beforeModify: HeaderSnapshot, afterModify: HeaderSnapshot) => void;

/** What runs right before a rendered response's headers go out: a late 304, or modify and the capture's start. */
export function renderHeaders(
  session: HttpCachingSession,
  res: ServerResponse,
  tap: BodyTap,
  learn?: RenderLearner,
): void {
  const late = session.interceptLateNow();
  if (late !== undefined) {
    answerInWriteHead(session, res, late);
    return;
  }
  const before = learn === undefined ? undefined : snapshotHeaders(res);
  session.modify();
  if (session.captureLimit > 0) tap.start(session.captureLimit);
  if (learn !== undefined && before !== undefined) learn(before, snapshotHeaders(res));
}

/** The response closed: finished (sent completely) or not (the client went away). */
export function closeRendered(session: HttpCachingSession, res: ServerResponse, tap: BodyTap): void {
  if (res.writableFinished)
    session.finish({ status: res.statusCode, headers: () => headerPairs(res.getHeaders()), body: () => tap.body() });
  else session.abort('the client went away');
}

/**
 * A late answer (a 304 for a page the handler has rendered) given inside `res.writeHead`: the status
 * and the headers intercept held go out instead; Node then drops the body of a 304 itself.
 */
function answerInWriteHead(session: HttpCachingSession, res: ServerResponse, outcome: InterceptOutcome): void {
  res.statusCode = outcome.status;
  session.exchange.response.releaseHeaders?.();
}

/**
 * Closes the session of a response intercept answered (already ended): at once when nothing waits
 * for the unit of work, else when the response closes, like a rendered one.
 */
export function closeAnswered(session: HttpCachingSession, res: ServerResponse): void {
  if (!session.unit.hasWork) {
    session.finish({ status: res.statusCode, headers: () => [], body: () => undefined });
    return;
  }
  res.on('close', () => {
    if (res.writableFinished) session.finish({ status: res.statusCode, headers: () => [], body: () => undefined });
    else session.abort('the client went away');
  });
}

/** After an If-Range mismatch the handler must send the whole representation: it never sees Range. */
export function dropIgnoredRange(session: HttpCachingSession, req: IncomingMessage): void {
  if (!session.ignoreRange) return;
  delete req.headers.range;
  delete req.headers['if-range'];
}
