import type { NextFunction, Request, Response } from 'express';

/** A layer's function, called with what the router gives it. */
type Handle = (req: Request, res: Response, next: NextFunction) => unknown;

/** Runs before a layer's function; `run` calls it (or is not called, when the checkpoint answered). */
export type LayerCheckpoint = (req: Request, res: Response, next: NextFunction, run: () => unknown) => unknown;

interface Layer {
  handle: Handle & { readonly stack?: unknown };
  readonly route?: { readonly stack: readonly Layer[] };
}

const GUARDED = Symbol.for('cacheset.express.guarded');
/** Marks cacheset's own middleware, which runs the checkpoint itself. */
export const OWN_MIDDLEWARE = Symbol.for('cacheset.express.own');
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

function walk(stack: readonly Layer[], checkpoint: LayerCheckpoint): void {
  if (walked.get(stack) === stack.length) return;
  walked.set(stack, stack.length);
  for (const layer of stack) {
    if (layer.route !== undefined) walk(layer.route.stack, checkpoint);
    else if (Array.isArray(layer.handle.stack)) walk(layer.handle.stack as readonly Layer[], checkpoint);
    else guard(layer, checkpoint);
  }
}

/**
 * Express calls each middleware and handler of a route in turn, and offers no hook between two of
 * them; a view named by a route's middleware (`setPublished(req, new ArticleView(row))`, then
 * `next()`) would otherwise be known only once the handler renders. So every middleware and handler
 * of the app (app-level, in routers, in routes) gets the checkpoint in front of it, once: the first
 * checkpoint after a hint runs intercept, and a 304 or a RAM hit then skips the rest. The app's
 * layers are walked on the first request (again when the app's own stack grew); the current route's
 * when one of cacheset's middlewares runs in it. Mounted sub-apps keep their own layers.
 */
export function guardLayers(req: Request, checkpoint: LayerCheckpoint): void {
  const app = req.app as { readonly router?: { readonly stack?: unknown } } | undefined;
  const stack = app?.router?.stack;
  if (Array.isArray(stack)) walk(stack as readonly Layer[], checkpoint);
  const route = req.route as { readonly stack?: unknown } | undefined;
  if (Array.isArray(route?.stack)) walk(route.stack as readonly Layer[], checkpoint);
}

/** Marks one of cacheset's middlewares, which the walk leaves as it is. */
export function ownMiddleware<H extends object>(handler: H): H {
  (handler as Marked)[OWN_MIDDLEWARE] = true;
  return handler;
}
