import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Site } from '../server/Site.js';
import { ErrorPageView } from '../views/ErrorPageView.js';
import type { View } from '../views/View.js';
import './requestState.js';

/**
 * Names the view of this request before its handler runs: cacheset reads `cachePublished` to find
 * the ruleset and the content's adapters (Last-Modified, purge paths, cache tags).
 */
export function publish(request: FastifyRequest, view: View): void {
  request.galleryView = view;
  request.cachePublished = view;
}

export function notFound(site: Site, request: FastifyRequest, message: string): ErrorPageView {
  return new ErrorPageView(404, 'Not found', message, site.auth.visitor(request.raw), site.stylesheet);
}

/** Renders a view and sends what it made; counts the rendering (a cache answer never gets here). */
export function renderView(site: Site, request: FastifyRequest, reply: FastifyReply, view: View): FastifyReply {
  site.renders.note(request.url.split('?')[0] ?? '/');
  const rendered = view.render() ??
    notFound(site, request, 'This image has no data.').render() ?? { status: 404, contentType: 'text/plain', body: '' };
  reply.code(rendered.status).type(rendered.contentType);
  if (rendered.location !== undefined) reply.header('location', rendered.location);
  return reply.send(rendered.body);
}

/** The handler of routes whose preHandler published a view. */
export function renderPublished(site: Site) {
  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const view = request.galleryView ?? notFound(site, request, 'Nothing lives at this address.');
    return renderView(site, request, reply, view);
  };
}
