/**
 * The peer a Fastify user would pick instead: @fastify/caching, which remembers the ETags it sent
 * and answers a matching If-None-Match with a 304 from its `onRequest` hook. The route sets the
 * page's ETag and Cache-Control itself (the plugin does not compute validators or a policy).
 *
 *   node bench/dist/servers/fastifyCaching304.js <port>
 */
import fastifyCaching from '@fastify/caching';
import Fastify from 'fastify';
import { BODY, CONTENT_TYPE, ETAG, portArgument, stopOnSignal } from './benchSite.js';

const app = Fastify({ keepAliveTimeout: 60_000 });
await app.register(fastifyCaching, { privacy: fastifyCaching.privacy.PUBLIC, expiresIn: 3600 });
app.get('/', async (_request, reply) => {
  reply.etag(ETAG);
  return reply.type(CONTENT_TYPE).send(BODY);
});
await app.listen({ port: portArgument(), host: '127.0.0.1' });
stopOnSignal(() => app.close());
