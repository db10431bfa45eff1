/** The baseline: raw node:http sending the adapter's exact headers by hand, answering If-None-Match itself. */
import { createServer } from 'node:http';
import { BODY, CONTENT_TYPE, ETAG, pageHeaders, portArgument, stopOnSignal } from './benchSite.js';

const server = createServer((req, res) => {
  const headers = pageHeaders();
  if (req.headers['if-none-match'] === ETAG) {
    delete headers['Last-Modified'];
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['Content-Type'] = CONTENT_TYPE;
  headers['Content-Length'] = String(Buffer.byteLength(BODY));
  res.writeHead(200, headers);
  res.end(BODY);
});
server.keepAliveTimeout = 60_000;
server.listen(portArgument(), '127.0.0.1');
stopOnSignal(() => server.close());
