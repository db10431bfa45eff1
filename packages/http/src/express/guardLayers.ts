import type { NextFunction, Request, Response } from 'express';

/** A layer's function, called with what the router gives it. */
type Handle = (req: Request, res: Response, next: NextFunction) => unknown;

/** Runs before a layer's function; `run` calls it (or is not called, when the checkpoint answered). */
export type LayerCheckpoint = (req: Request, res: Response, next: NextFunction, run: () => unknown) => unknown;

interface Layer {
  handle: Handle & { readonly stack?: unknown };
  readonly route?: { readonly stack: readonly Layer[] };
  /** Set on a route's layers: the HTTP method of `route.get(...)`; undefined for `route.all(...)`. */
  readonly method?: string;
}

const GUARDED = Symbol.for('cacheset.http.expressGuarded');
/** Marks cacheset's own middleware, which runs the checkpoint itself. */
export const OWN_MIDDLEWARE = Symbol.for('cacheset.http.expressOwnMiddleware');
type Marked = { [GUARDED]?: true; [OWN_MIDDLEWARE]?: true };

/** How many layers of each stack are guarded: a stack that grew is walked again. */
const walked = new WeakMap<readonly Layer[], number>();

function guard(layer: Layer, checkpoint: LayerCheckpoint): void {
  const handle = layer.handle as Handle & Marked;
  // Four-argument functions are error handlers, which the router calls otherwise: left alone.
  if (handle.length > 3 || handle[GUARDED] === true || handle[OWN_MIDDLEWARE] === true) return;
  const guarded = function (this: unknown, req: Request, res: Response, next: NextFunction): unknown {
    return checkpoint(req, res, next, () => handle.call(this, req, res, next));
  } as Handle & Marked;
  guarded[GUARDED] = true;
  layer.handle = guarded;
}

/** The handlers of a route: for each method (and for `all`), the last layer that serves it. */
function guardHandlers(stack: readonly Layer[], checkpoint: LayerCheckpoint): void {
  if (walked.get(stack) === stack.length) return;
  walked.set(stack, stack.length);
  const seen = new Set<string>();
  for (let i = stack.length - 1; i >= 0; i -= 1) {
    const layer = stack[i] as Layer;
    const method = layer.method ?? '*';
    if (seen.has(method)) continue;
    seen.add(method);
    guard(layer, checkpoint);
  }
}

function walk(stack: readonly Layer[], checkpoint: LayerCheckpoint): void {
  if (walked.get(stack) === stack.length) return;
  walked.set(stack, stack.length);
  for (const layer of stack) {
    if (layer.route !== undefined) guardHandlers(layer.route.stack, checkpoint);
    else if (Array.isArray(layer.handle.stack)) walk(layer.handle.stack as readonly Layer[], checkpoint);
  }
}

/**
 * Express calls each middleware and handler in turn and offers no hook between two of them; a view
 * named by a middleware (`setPublished(req, new ArticleView(row))`, then `next()`) would otherwise
 * be known only once the handler renders. So the handler of every route (the last function of the
 * route for its method, in the app and in its routers) gets the checkpoint in front of it: a hint
 * named by any middleware before it (app-level, in a router, in the route) runs intercept there,
 * after all of the route's middleware (an access check among them has had its say), and a 304 or
 * a RAM hit then skips the handler. The app's routes are walked on the first request (again when
 * the app's own stack grew), the current route when one of cacheset's middlewares runs in it.
 * Mounted sub-apps keep their own routes (install cacheset in them too).
 */
export function guardLayers(req: Request, checkpoint: LayerCheckpoint): void {
  const app = req.app as { readonly router?: { readonly stack?: unknown } } | undefined;
  const stack = app?.router?.stack;
  if (Array.isArray(stack)) walk(stack as readonly Layer[], checkpoint);
  const route = req.route as { readonly stack?: unknown } | undefined;
  if (Array.isArray(route?.stack)) guardHandlers(route.stack as readonly Layer[], checkpoint);
}

/** Marks one of cacheset's middlewares, which the walk leaves as it is. */
export function ownMiddleware<H extends object>(handler: H): H {
  (handler as Marked)[OWN_MIDDLEWARE] = true;
  return handler;
}
