import type { FastifyInstance } from 'fastify';
import type { Site } from '../server/Site.js';
import { StylesheetView } from '../views/StylesheetView.js';
import { notFound, renderView } from './renderView.js';

/** The stylesheet under its versioned URL; an old version's URL is a 404, never the new file. */
export function staticRoutes(app: FastifyInstance, site: Site): void {
  app.get<{ Params: { version: string } }>(
    '/static/:version/gallery.css',
    { config: { cachePublished: StylesheetView } },
    (request, reply) =>
      request.params.version === site.stylesheet.version
        ? renderView(site, request, reply, new StylesheetView(site.stylesheet))
        : renderView(site, request, reply, notFound(site, request, 'This version of the stylesheet is gone.')),
  );
}
