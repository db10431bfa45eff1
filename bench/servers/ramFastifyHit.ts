/**
 * The benchmark page through the Fastify plugin with the `ramCache` option on a RamCacheManager:
 * after the first request every answer is a RAM-cache hit (the route handler never runs again).
 *
 *   node bench/dist/servers/ramFastifyHit.js <port>
 */
import { cachesetFastify } from '@cacheset/http/fastify';
import { RamCacheManager } from '@cacheset/ram';
import Fastify from 'fastify';
import { BODY, CONTENT_TYPE, createRamBenchCaching, portArgument, stopOnSignal } from './benchSite.js';

const ram = new RamCacheManager({ bus: false, maxBytes: '64MB' });
const caching = createRamBenchCaching(ram);
const app = Fastify({ keepAliveTimeout: 60_000 });
await app.register(cachesetFastify, { caching });
app.get('/', { config: { cacheRuleset: 'bench.page' } }, async (_request, reply) =>
  reply.type(CONTENT_TYPE).send(BODY),
);
await app.listen({ port: portArgument(), host: '127.0.0.1' });
stopOnSignal(async () => {
  await app.close();
  await ram.close();
});
