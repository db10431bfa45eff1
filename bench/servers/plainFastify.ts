/** The baseline: plain Fastify sending the same body with the adapter's headers set by hand. */
import Fastify from 'fastify';
import { BODY, CONTENT_TYPE, pageHeaders, portArgument, stopOnSignal } from './benchSite.js';

const app = Fastify({ keepAliveTimeout: 60_000 });
app.get('/', async (_request, reply) => reply.headers(pageHeaders()).type(CONTENT_TYPE).send(BODY));
await app.listen({ port: portArgument(), host: '127.0.0.1' });
stopOnSignal(() => app.close());
