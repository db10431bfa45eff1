import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CachesetAdmin } from '../CachesetAdmin.js';

/**
 * The admin as Express middleware: `app.use(adminExpress(admin))`, before body parsers (the admin
 * reads its own bodies). Requests outside the mount go on to the next middleware.
 */
export function adminExpress(admin: CachesetAdmin): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (admin.matches(req)) void admin.handle(req, res);
    else next();
  };
}
