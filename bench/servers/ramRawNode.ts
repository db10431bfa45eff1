/**
 * The baseline for the RAM-cache hit: raw node:http sending the same bytes, that is the status,
 * headers and body the RAM hit sends (the benchmark captures them from the RAM server first and
 * passes them here as JSON), as one flat header array and one Buffer, with no caching layer at all.
 *
 *   node bench/dist/servers/ramRawNode.js <port> <headers as JSON: [[name, value], ...]>
 */
import { createServer } from 'node:http';
import { BODY, portArgument, stopOnSignal } from './benchSite.js';
import { freshReplayHeaders, replayArgument } from './replayArgument.js';

const headers = freshReplayHeaders(replayArgument());
const body = Buffer.from(BODY);

const server = createServer((_req, res) => {
  res.writeHead(200, headers());
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(portArgument(), '127.0.0.1');
stopOnSignal(() => server.close());
