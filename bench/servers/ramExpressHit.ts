/**
 * The benchmark page through the Express adapter with the `ramCache` option on a RamCacheManager:
 * after the first request every answer is a RAM-cache hit (the route handler never runs again).
 *
 *   node bench/dist/servers/ramExpressHit.js <port>
 */
import { cachesetExpress } from '@cacheset/http/express';
import { RamCacheManager } from '@cacheset/ram';
import express from 'express';
import { BODY, CONTENT_TYPE, createRamBenchCaching, portArgument, stopOnSignal } from './benchSite.js';

const ram = new RamCacheManager({ bus: false, maxBytes: '64MB' });
const cacheset = cachesetExpress(createRamBenchCaching(ram));
const app = express();
app.disable('x-powered-by');
cacheset.install(app);
app.get('/', cacheset.ruleset('bench.page'), (_req, res) => {
  res.set('Content-Type', CONTENT_TYPE);
  res.send(BODY);
});
const server = app.listen(portArgument(), '127.0.0.1');
server.keepAliveTimeout = 60_000;
stopOnSignal(async () => {
  server.close();
  await ram.close();
});
