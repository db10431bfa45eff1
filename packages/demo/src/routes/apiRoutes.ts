import { CachesetError } from '@cacheset/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DemoErrorCodes, fieldErrorsOf } from '../domain/DemoErrorCodes.js';
import type { Image } from '../domain/Image.js';
import { imageChangesFromJson } from '../domain/ImageChanges.js';
import type { Site } from '../server/Site.js';

/** An image as the API shows it. */
export function imageJson(site: Site, image: Image): Record<string, unknown> {
  return {
    id: image.id,
    slug: image.slug,
    title: image.title,
    description: image.description,
    author: image.author,
    flagged: image.flagged,
    width: image.width,
    height: image.height,
    contentType: image.contentType,
    createdAt: image.createdAt.toISOString(),
    updatedAt: image.updatedAt.toISOString(),
    url: `${site.baseUrl}/images/${image.slug}`,
    data: `${site.baseUrl}/data/${image.id}`,
    thumbnail: `${site.baseUrl}/data/${image.id}/thumb`,
  };
}

export function apiError(reply: FastifyReply, status: number, code: string, message: string, extra: object = {}) {
  return reply.code(status).send({ error: { code, message, ...extra } });
}

/**
 * The editing API for scripts: `POST /api/images/:id` (JSON with any of title, description,
 * flagged, slug) and `DELETE /api/images/:id`, with `Authorization: Bearer <editor token>`. It calls
 * the same domain methods as the edit form.
 */
export function apiRoutes(app: FastifyInstance, site: Site): void {
  const editing = { config: { cacheRuleset: 'gallery.editing' } };

  const authorised = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (site.auth.bearer(request.raw)) return true;
    reply.header('www-authenticate', 'Bearer realm="cacheset gallery"');
    void apiError(reply, 401, 'unauthorised', 'Send the editor token: Authorization: Bearer <token>.');
    return false;
  };

  const failed = (reply: FastifyReply, error: unknown) => {
    const fields = fieldErrorsOf(error);
    if (fields !== undefined)
      return apiError(reply, 400, DemoErrorCodes.INVALID_INPUT, 'The edit was refused.', { fields });
    if (CachesetError.is(error, DemoErrorCodes.NOT_FOUND)) return apiError(reply, 404, error.code, error.message);
    throw error;
  };

  app.post<{ Params: { id: string }; Body: unknown }>('/api/images/:id', editing, (request, reply) => {
    if (!authorised(request, reply)) return reply;
    try {
      const image = site.gallery.edit(request.params.id, imageChangesFromJson(request.body));
      return reply.send(imageJson(site, image));
    } catch (error) {
      return failed(reply, error);
    }
  });

  app.delete<{ Params: { id: string } }>('/api/images/:id', editing, (request, reply) => {
    if (!authorised(request, reply)) return reply;
    try {
      site.gallery.remove(request.params.id);
      return reply.code(204).send();
    } catch (error) {
      return failed(reply, error);
    }
  });
}
