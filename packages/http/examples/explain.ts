// Explaining a URL: the application asks its own server for the page, marked as explained, and gets
// what every layer decided. The request renders like any other, but stores, purges and logs nothing.
import { createServer, type Server } from 'node:http';
import { cacheRuleset, RulesetRegistry, type ExplainReport } from '@cacheset/core';
import { cachingHandler, createHttpCaching } from '@cacheset/http';

@cacheRuleset('site.gallery')
class GalleryView {}

export async function main(): Promise<ExplainReport> {
  const caching = createHttpCaching({
    rulesets: new RulesetRegistry(),
    resourceVersion: 'v3',
    policy: {
      operationMapping: { 'site.gallery': 'moderateCaching' },
      operations: {
        moderateCaching: { options: { smaxage: '1h' }, rulesets: { 'site.gallery': { etags: ['resourceVersion'] } } },
      },
    },
  });
  const server: Server = createServer(
    cachingHandler(caching, (_req, res) => res.end('<h1>Gallery</h1>'), { published: new GalleryView() }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    // The mark works once, in this process: nothing a client sends can make a request explained.
    const explain = caching.prepareExplain();
    await fetch(`http://127.0.0.1:${port}/gallery`, { headers: explain.headers });
    return await explain.report;
  } finally {
    server.close();
  }
}
