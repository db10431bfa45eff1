/**
 * The application of the filesystem-cache benchmark (bench/fsServe.ts), in its own process:
 *
 *   node bench/dist/servers/fsServeApp.js <port> <document root> <database.json>
 *
 * A gallery page rendered from a small database: on every request the JSON file is read and parsed
 * and an HTML template is filled (escaping every field), about 20 KB. `/gallery` runs through
 * @cacheset/http with the fsCache operation, so its first request dumps the page under the document
 * root for nginx; `/uncached/gallery` renders the same bytes on every request, with no caching layer.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { OperationRegistry, RulesetRegistry } from '@cacheset/core';
import { createFsCacheOperation, FsCache } from '@cacheset/fs';
import { cachingHandler, createHttpCaching, registerHttpOperations } from '@cacheset/http';

interface Photo {
  readonly id: number;
  readonly title: string;
  readonly caption: string;
  readonly photographer: string;
  readonly tags: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly takenAt: string;
}

const [portArg, root, database] = process.argv.slice(2);
if (portArg === undefined || root === undefined || database === undefined)
  throw new Error('usage: fsServeApp.js <port> <root> <database.json>');

const escapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c] as string);

/** What "rendering from the database" costs here: read, parse, fill the template. */
async function renderGallery(): Promise<string> {
  const photos = JSON.parse(await readFile(database as string, 'utf8')) as Photo[];
  const cards = photos.map(
    (p) => `<article class="photo" id="photo-${p.id}">
  <a href="/photos/${p.id}"><img src="/photos/${p.id}/thumbnail.png" width="${p.width}" height="${p.height}" alt="${escape(p.title)}"></a>
  <h2>${escape(p.title)}</h2>
  <p class="caption">${escape(p.caption)}</p>
  <p class="meta">by ${escape(p.photographer)}, ${escape(p.takenAt)}</p>
  <ul class="tags">${p.tags.map((t) => `<li><a href="/tags/${encodeURIComponent(t)}">${escape(t)}</a></li>`).join('')}</ul>
</article>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gallery</title><link rel="stylesheet" href="/static/site.css"></head>
<body><header><h1>Gallery</h1><p>${photos.length} photos</p></header>
<main>
${cards.join('\n')}
</main>
<footer>Rendered by the benchmark application.</footer></body></html>
`;
}

const cache = await FsCache.open({ root, durable: false });
const operations = registerHttpOperations(new OperationRegistry());
operations.register(createFsCacheOperation(cache));
const caching = createHttpCaching({
  policy: {
    operationMapping: { 'bench.gallery': 'chain' },
    operations: { chain: { rulesets: { 'bench.gallery': { operations: ['moderateCaching', 'fsCache'] } } } },
  },
  operations,
  rulesets: new RulesetRegistry(),
});

async function send(res: ServerResponse): Promise<void> {
  const html = await renderGallery();
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(html);
}

const dumped = cachingHandler(caching, (_req, res) => send(res), { ruleset: 'bench.gallery' });

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.url === '/uncached/gallery') {
    send(res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
    return;
  }
  dumped(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void cache.close().finally(() => process.exit(0));
});
