/**
 * The baseline for the Express RAM hit: plain Express sending the same bytes (the hit's headers,
 * captured from the cacheset server and passed as JSON, and the same body as one Buffer).
 *
 *   node bench/dist/servers/replayExpress.js <port> <headers as JSON: [[name, value], ...]>
 */
import express from 'express';
import { BODY, portArgument, stopOnSignal } from './benchSite.js';
import { freshReplayHeaders, replayArgument } from './replayArgument.js';

const headers = freshReplayHeaders(replayArgument());
const body = Buffer.from(BODY);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/', (_req, res) => {
  res.writeHead(200, headers());
  res.end(body);
});
const server = app.listen(portArgument(), '127.0.0.1');
server.keepAliveTimeout = 60_000;
stopOnSignal(() => server.close());
