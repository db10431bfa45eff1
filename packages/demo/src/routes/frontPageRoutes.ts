import type { FastifyInstance } from 'fastify';
import type { Site } from '../server/Site.js';
import { FeedView } from '../views/FeedView.js';
import { FrontPageView } from '../views/FrontPageView.js';
import { renderView } from './renderView.js';

/** `/` and `/feed.json`: pages that list images, the same for every visitor but the editor. */
export function frontPageRoutes(app: FastifyInstance, site: Site): void {
  // #region route
  // The view class is named in the route's config: cacheset knows the ruleset before the handler
  // runs, so a RAM hit or a 304 is answered without rendering.
  app.get('/', { config: { cachePublished: FrontPageView } }, (request, reply) =>
    renderView(site, request, reply, new FrontPageView(site.gallery, site.auth.visitor(request.raw), site.stylesheet)),
  );
  // #endregion route
  app.get('/feed.json', { config: { cachePublished: FeedView } }, (request, reply) =>
    renderView(site, request, reply, new FeedView(site.gallery, site.baseUrl)),
  );
}
