// Fastify 5: the admin takes its requests in an onRequest hook, before routes and body parsers.
import { adminFastify } from '@cacheset/admin/fastify';
import { cachesetFastify } from '@cacheset/http/fastify';
import Fastify from 'fastify';
import { createSite, GalleryView, type Site } from './site.js';

export async function main(): Promise<{ site: Site; base: string; close(): Promise<void> }> {
  const site = createSite();
  const app = Fastify();
  await app.register(cachesetFastify, { caching: site.caching });
  adminFastify(app, site.admin);
  app.get('/gallery', { config: { cachePublished: GalleryView } }, (_request, reply) => {
    reply.type('text/html').send('<h1>Gallery</h1>');
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { site, base, close: () => app.close() };
}
