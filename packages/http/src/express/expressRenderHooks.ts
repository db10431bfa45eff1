import type { ServerResponse } from 'node:http';
import { ResponseCopy, tappedEnd, tappedWrite } from '../node/bodyTap.js';
import { hookedWriteHead } from '../node/headerHook.js';
import type { HttpCachingSession } from '../node/HttpCachingSession.js';
import { holdResponseForWork } from '../node/holdResponseForWork.js';
import { closeRendered, markArmed, prepareNodeRender, renderHeaders } from '../node/nodeSession.js';

/** A rendered Express response's hook state: its session, the body copy, whether its headers went out. */
class ExpressRender {
  readonly copy = new ResponseCopy();
  headersDone = false;
  constructor(readonly session: HttpCachingSession) {}
}

const RENDER = Symbol('cacheset.http.expressRender');
const HOOKED = Symbol.for('cacheset.http.expressRenderHooked');
type Hooked = { [HOOKED]?: true };
type WithRender = ServerResponse & { [RENDER]?: ExpressRender };
type Base = Pick<ServerResponse, 'writeHead' | 'write' | 'end'>;

/** The object of `res`'s prototype chain that defines Express's `send`: Express's own response. */
function expressResponseOf(res: ServerResponse): object | undefined {
  for (
    let proto = Object.getPrototypeOf(res) as object | null;
    proto !== null;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    if (Object.prototype.hasOwnProperty.call(proto, 'send')) return proto;
  }
  return undefined;
}

/**
 * Defines `writeHead`, `write` and `end` once on Express's response (the object every app's and
 * sub-app's responses inherit `send` from; Node's own `ServerResponse` stays as it is). They act only
 * on responses a session armed and call through to what the response inherits otherwise. Wrapping
 * each response instead (three closures and three own properties per request) gave every response a
 * shape of its own and cost a RAM hit through Express about a fifth of its throughput. The inherited
 * methods are looked up on each call, so that whatever patches Node's response later still runs.
 */
function hookOnce(owner: object): void {
  if ((owner as Hooked)[HOOKED] === true) return;
  Object.defineProperty(owner, HOOKED, { value: true });
  const base = Object.getPrototypeOf(owner) as Base;
  const define = (name: keyof Base, value: Base[keyof Base]): void => {
    Object.defineProperty(owner, name, { value, writable: true, configurable: true, enumerable: false });
  };
  define('writeHead', function writeHead(this: WithRender, statusCode: number, ...rest: unknown[]): ServerResponse {
    const render = this[RENDER];
    if (render === undefined || render.headersDone) return base.writeHead.apply(this, [statusCode, ...rest] as never);
    render.headersDone = true;
    return hookedWriteHead(
      this,
      base.writeHead,
      statusCode,
      rest,
      () => renderHeaders(render.session, this, render.copy),
      render.session.answered,
    );
  } as Base['writeHead']);
  define('write', function write(this: WithRender, chunk: unknown, ...rest: unknown[]): boolean {
    const render = this[RENDER];
    if (render === undefined) return base.write.apply(this, [chunk, ...rest] as never);
    return tappedWrite(this, render.copy, base.write, chunk, rest);
  } as Base['write']);
  define('end', function end(this: WithRender, chunk?: unknown, ...rest: unknown[]): ServerResponse {
    const render = this[RENDER];
    if (render === undefined) return base.end.apply(this, [chunk, ...rest] as never);
    return tappedEnd(this, render.copy, base.end, chunk, rest);
  } as Base['end']);
}

/**
 * The render hooks of an Express response (what prepareNodeRender installs on a node response):
 * modify inside `writeHead`, the body copy for captures, the hold for the unit of work, and the close
 * of the session when the response closes. A response that is not Express's (the middleware mounted
 * elsewhere) gets the node hooks.
 */
export function armExpressRender(session: HttpCachingSession, res: ServerResponse): void {
  const owner = expressResponseOf(res);
  if (owner === undefined) {
    prepareNodeRender(session, res);
    return;
  }
  if (!markArmed(res)) return;
  hookOnce(owner);
  const render = new ExpressRender(session);
  (res as WithRender)[RENDER] = render;
  holdResponseForWork(res, session.unit);
  // One listener: a node response emits 'close' after 'finish' when it was sent completely, and
  // 'close' alone when the connection went away first.
  res.on('close', () => closeRendered(session, res, render.copy));
}

/**
 * The response is answered whole by a prepared answer: its headers are the answer and go out
 * untouched (the hooks call through from now on; the session still closes with the response).
 */
export function disarmExpressRender(res: ServerResponse): void {
  const render = (res as WithRender)[RENDER];
  if (render !== undefined) render.headersDone = true;
}

/** The prepared answer did not answer after all (nothing was written): the hooks act again. */
export function rearmExpressRender(res: ServerResponse): void {
  const render = (res as WithRender)[RENDER];
  if (render !== undefined && !res.headersSent) render.headersDone = false;
}
