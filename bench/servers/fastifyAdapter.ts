/** The page through the Fastify plugin: the view in the route's config. */
import { cachesetFastify } from '@cacheset/http/fastify';
import Fastify from 'fastify';
import { BODY, CONTENT_TYPE, createBenchCaching, portArgument, stopOnSignal } from './benchSite.js';

const { caching, view } = createBenchCaching();
const app = Fastify({ keepAliveTimeout: 60_000 });
await app.register(cachesetFastify, { caching });
app.get('/', { config: { cachePublished: view } }, async (_request, reply) => reply.type(CONTENT_TYPE).send(BODY));
await app.listen({ port: portArgument(), host: '127.0.0.1' });
stopOnSignal(() => app.close());
