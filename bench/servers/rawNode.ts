/** The baseline: raw node:http sending the adapter's exact headers by hand, answering If-None-Match itself. */
import { createServer } from 'node:http';
import { portArgument, rawPageHandler, stopOnSignal } from './benchSite.js';

const server = createServer(rawPageHandler);
server.keepAliveTimeout = 60_000;
server.listen(portArgument(), '127.0.0.1');
stopOnSignal(() => server.close());
