/**
 * The baseline for the RAM-cache hit: raw node:http sending the same bytes, that is the status,
 * headers and body the RAM hit sends (the benchmark captures them from the RAM server first and
 * passes them here as JSON), written by hand with no caching layer at all.
 *
 *   node bench/dist/servers/ramRawNode.js <port> <headers as JSON: [[name, value], ...]>
 */
import { createServer } from 'node:http';
import { BODY, portArgument, stopOnSignal } from './benchSite.js';

const pairs = JSON.parse(process.argv[3] ?? '[]') as [string, string][];
if (!Array.isArray(pairs) || pairs.length === 0) throw new Error('usage: ramRawNode.js <port> <headers JSON>');
const headers: Record<string, string> = Object.fromEntries(pairs);
const body = Buffer.from(BODY);

const server = createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(portArgument(), '127.0.0.1');
stopOnSignal(() => server.close());
