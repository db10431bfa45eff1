import type {} from '@cacheset/http/fastify';
import type { View } from '../views/View.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The view a route's preHandler made for this request (also named to cacheset as `cachePublished`). */
    galleryView: View | undefined;
  }
}

export {};
