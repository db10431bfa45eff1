import type { FastifyInstance } from 'fastify';
import type { CachesetAdmin } from '../CachesetAdmin.js';

/**
 * Mounts the admin on a Fastify instance: an `onRequest` hook takes over requests under the mount
 * before Fastify parses their bodies (`reply.hijack()`: the admin answers on the raw response).
 * Call it on the root instance, before the application's routes.
 */
export function adminFastify(app: FastifyInstance, admin: CachesetAdmin): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!admin.matches(request.raw)) return;
    reply.hijack();
    await admin.handle(request.raw, reply.raw);
  });
}
