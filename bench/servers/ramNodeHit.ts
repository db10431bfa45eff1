/**
 * The benchmark page through the node:http adapter with the `ramCache` option on a RamCacheManager:
 * after the first request every answer is a RAM-cache hit (the view never runs again).
 *
 *   node bench/dist/servers/ramNodeHit.js <port>
 */
import { createServer } from 'node:http';
import { cachingHandler } from '@cacheset/http';
import { RamCacheManager } from '@cacheset/ram';
import { BODY, CONTENT_TYPE, createRamBenchCaching, portArgument, stopOnSignal } from './benchSite.js';

const ram = new RamCacheManager({ bus: false, maxBytes: '64MB' });
const caching = createRamBenchCaching(ram);

let renders = 0;
const server = createServer(
  cachingHandler(
    caching,
    (_req, res) => {
      renders += 1;
      res.setHeader('Content-Type', CONTENT_TYPE);
      res.setHeader('X-Renders', String(renders));
      res.end(BODY);
    },
    { ruleset: 'bench.page' },
  ),
);
server.keepAliveTimeout = 60_000;
server.listen(portArgument(), '127.0.0.1');
stopOnSignal(async () => {
  server.close();
  await ram.close();
});
