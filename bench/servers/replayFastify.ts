/**
 * The baseline for the Fastify RAM hit: plain Fastify sending the same bytes (the hit's headers,
 * captured from the cacheset server and passed as JSON, and the same body as one Buffer).
 *
 *   node bench/dist/servers/replayFastify.js <port> <headers as JSON: [[name, value], ...]>
 */
import Fastify from 'fastify';
import { BODY, portArgument, stopOnSignal } from './benchSite.js';
import { freshReplayHeaders, replayArgument } from './replayArgument.js';

const headers = freshReplayHeaders(replayArgument());
const body = Buffer.from(BODY);
const app = Fastify({ keepAliveTimeout: 60_000 });
app.get('/', (_request, reply) => {
  const flat = headers();
  for (let i = 0; i < flat.length; i += 2) reply.header(flat[i] as string, flat[i + 1]);
  reply.send(body);
});
await app.listen({ port: portArgument(), host: '127.0.0.1' });
stopOnSignal(() => app.close());
