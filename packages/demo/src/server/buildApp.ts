import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { adminFastify } from '@cacheset/admin/fastify';
import { cachesetFastify } from '@cacheset/http/fastify';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { UPLOAD_LIMITS } from '../images/decodeImage.js';
import { apiError, apiRoutes } from '../routes/apiRoutes.js';
import { editRoutes } from '../routes/editRoutes.js';
import { frontPageRoutes } from '../routes/frontPageRoutes.js';
import { imageRoutes } from '../routes/imageRoutes.js';
import { loginRoutes } from '../routes/loginRoutes.js';
import { notFound, publish, renderView } from '../routes/renderView.js';
import { staticRoutes } from '../routes/staticRoutes.js';
import { ErrorPageView } from '../views/ErrorPageView.js';
import type { Site } from './Site.js';

/** The Fastify application of one site: cacheset's plugin first, then the form parsers and the routes. */
export async function buildApp(site: Site): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, forceCloseConnections: true, keepAliveTimeout: 60_000 });
  // #region plugin
  await app.register(cachesetFastify, { caching: site.stack.caching });
  // #endregion plugin
  // The control panel takes its requests before any route or body parser sees them.
  adminFastify(app, site.admin.admin);
  await app.register(formbody);
  await app.register(multipart, {
    limits: { fileSize: UPLOAD_LIMITS.maxBytes, files: 1, fields: 12, fieldSize: 16 * 1024 },
  });
  app.decorateRequest('galleryView', undefined);

  frontPageRoutes(app, site);
  imageRoutes(app, site);
  editRoutes(app, site);
  loginRoutes(app, site);
  apiRoutes(app, site);
  staticRoutes(app, site);

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/'))
      return apiError(reply, 404, 'not_found', `No API at ${request.method} ${request.url}.`);
    const view = notFound(site, request, 'Nothing lives at this address.');
    publish(request, view);
    return renderView(site, request, reply, view);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500)
      site.logger.error(`cacheset gallery: ${request.method} ${request.url} failed: ${error.stack ?? error.message}`);
    const message = status === 500 ? 'Something went wrong on our side; the failure was logged.' : error.message;
    if (request.url.startsWith('/api/')) return apiError(reply, status, error.code ?? 'error', message);
    const view = new ErrorPageView(
      status,
      status === 500 ? 'Something went wrong' : 'Bad request',
      message,
      site.auth.visitor(request.raw),
      site.stylesheet,
    );
    publish(request, view);
    return renderView(site, request, reply, view);
  });
  return app;
}
