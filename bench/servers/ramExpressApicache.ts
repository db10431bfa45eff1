/**
 * The same page on Express 5 with apicache (the popular Express response cache) on the route: after
 * the first request every answer comes from apicache's in-memory store.
 *
 *   node bench/dist/servers/ramExpressApicache.js <port>
 */
import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import { BODY, CONTENT_TYPE, portArgument, stopOnSignal } from './benchSite.js';

// apicache ships no type declarations: this is the one function used.
const apicache = createRequire(import.meta.url)('apicache') as { middleware: (duration: string) => RequestHandler };

const app = express();
app.get('/', apicache.middleware('1 hour'), (_req, res) => {
  res.set('Content-Type', CONTENT_TYPE);
  res.send(BODY);
});
const server = app.listen(portArgument(), '127.0.0.1');
server.keepAliveTimeout = 60_000;
stopOnSignal(() => server.close());
