import type { Middleware } from 'koa';
import type { CachesetAdmin } from '../CachesetAdmin.js';

/**
 * The admin as Koa middleware: `app.use(adminKoa(admin))`, before body parsers. Under the mount the
 * admin answers on the raw response (`ctx.respond = false`); elsewhere the next middleware runs.
 */
export function adminKoa(admin: CachesetAdmin): Middleware {
  return async (ctx, next) => {
    if (!admin.matches(ctx.req)) return await next();
    ctx.respond = false;
    await admin.handle(ctx.req, ctx.res);
  };
}
