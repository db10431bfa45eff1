/** The page through the node:http adapter: `cachingHandler` with the view as the route's published object. */
import { createServer } from 'node:http';
import { cachingHandler } from '@cacheset/http';
import { BODY, CONTENT_TYPE, createBenchCaching, portArgument, stopOnSignal } from './benchSite.js';

const { caching, view } = createBenchCaching();
const server = createServer(
  cachingHandler(
    caching,
    (_req, res) => {
      res.setHeader('Content-Type', CONTENT_TYPE);
      res.end(BODY);
    },
    { published: view },
  ),
);
server.keepAliveTimeout = 60_000;
server.listen(portArgument(), '127.0.0.1');
stopOnSignal(() => server.close());
