import type { FastifyInstance } from 'fastify';
import type { Site } from '../server/Site.js';
import { ImageDataView } from '../views/ImageDataView.js';
import { ImageMovedView } from '../views/ImageMovedView.js';
import { ImagePageView } from '../views/ImagePageView.js';
import { notFound, publish, renderPublished } from './renderView.js';

/** `/images/:slug` and the data URLs: views made per request from the database row. */
export function imageRoutes(app: FastifyInstance, site: Site): void {
  // #region route
  app.get<{ Params: { slug: string } }>(
    '/images/:slug',
    {
      // Loads the row and publishes a view of it, before the handler runs.
      preHandler: (request, _reply, done) => {
        const { slug } = request.params;
        const image = site.gallery.findBySlug(slug);
        const moved = image === undefined ? site.gallery.movedFrom(slug) : undefined;
        publish(
          request,
          image !== undefined
            ? new ImagePageView(image, site.auth.visitor(request.raw), site.stylesheet)
            : moved !== undefined
              ? new ImageMovedView(moved)
              : notFound(site, request, `No image lives at /images/${slug}.`),
        );
        done();
      },
    },
    renderPublished(site),
  );
  // #endregion route

  for (const [path, variant] of [
    ['/data/:id', 'full'],
    ['/data/:id/thumb', 'thumb'],
  ] as const) {
    app.get<{ Params: { id: string } }>(
      path,
      {
        preHandler: (request, _reply, done) => {
          const image = site.gallery.find(request.params.id);
          publish(
            request,
            image === undefined
              ? notFound(site, request, `No image has the id ${request.params.id}.`)
              : new ImageDataView(image, variant),
          );
          done();
        },
      },
      renderPublished(site),
    );
  }
}
