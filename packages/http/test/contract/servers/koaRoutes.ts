import type { Middleware, ParameterizedContext } from 'koa';

/** koa-compose's contract in a few lines: each middleware gets `next`, which runs the rest. */
function compose(stack: readonly Middleware[]): Middleware {
  return (ctx, next) => {
    const dispatch = (i: number): Promise<unknown> => {
      const middleware = i === stack.length ? next : stack[i];
      if (middleware === undefined) return Promise.resolve();
      return Promise.resolve(middleware(ctx, () => dispatch(i + 1)));
    };
    return dispatch(0);
  };
}

/**
 * A minimal @koa/router stand-in (the tests need no router package): `get(path, ...middleware)`
 * composes the route's middleware the Koa way; HEAD is served by GET routes, as @koa/router does.
 */
export class KoaRoutes {
  readonly #routes = new Map<string, Middleware>();

  add(method: string, path: string, ...stack: Middleware[]): this {
    this.#routes.set(`${method} ${path}`, compose(stack));
    return this;
  }

  get(path: string, ...stack: Middleware[]): this {
    return this.add('GET', path, ...stack);
  }

  middleware(): Middleware {
    return (ctx: ParameterizedContext, next) => {
      const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
      const route = this.#routes.get(`${method} ${ctx.path}`);
      return route === undefined ? next() : route(ctx, next);
    };
  }
}
