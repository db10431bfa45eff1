import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bindAdapter, IPurgePaths, Purge } from '@cacheset/core';
import { cachingHandler } from '@cacheset/http';
import { staticCacheControl } from '@cacheset/fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest } from './support/httpRequest.js';
import { startFsSite, type FsSite } from './support/nginx.js';

// A 2×2 PNG and a tiny (arithmetic-coded) baseline JPEG: real image files, byte for byte.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from(
  'FFD8FFDB004300030202020203020202030303030406040404040408060605060908' +
    '0A0A090809090A0C0F0C0A0B0E0B09090D110D0E0F101011100A0C12131210130F10' +
    '1010FFC9000B080001000101011100FFCC000600101005FFDA0008010100003F00D2CF20FFD9',
  'hex',
);

class Page {
  constructor(readonly slug: string) {}
}
class Picture {
  constructor(readonly slug: string) {}
}

/** Polls until `check` holds (the write happens after the response finished). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    // The cache's own purge marks (shared by the processes writing the root) are not pages.
    if (rel === '.cs-marks') continue;
    if (entry.isDirectory()) out.push(...(await listTree(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

const versions = new Map<string, number>();
const versionOf = (slug: string): number => versions.get(slug) ?? 1;

function pageBody(slug: string, directory: boolean): string {
  return `<!doctype html><title>${slug}</title><h1>${directory ? 'Index of ' : ''}${slug} v${versionOf(slug)} — café</h1>${'<p>lorem ipsum</p>'.repeat(64)}`;
}

const policy = {
  operationMapping: {
    'site.page': 'chain',
    'site.picture': 'chain',
    'site.data': 'fsCache',
    'site.gallery': 'chain',
    'site.private': 'chain',
  },
  operations: {
    chain: {
      rulesets: {
        'site.page': { operations: ['moderateCaching', 'fsCache'] },
        'site.picture': { operations: ['strongCaching', 'fsCache'] },
        'site.gallery': { operations: ['moderateCaching', 'fsCache'] },
        'site.private': { operations: ['moderateCaching', 'fsCache'] },
      },
    },
    fsCache: { rulesets: { 'site.gallery': { queryParameters: ['page'] } } },
  },
};

function startSite(extra: { gzip?: boolean } = {}): Promise<FsSite> {
  return startFsSite({
    policy,
    cache: { gzip: extra.gzip ?? true, durable: false },
    server: { queryVariants: true, bypassCookies: ['session'] },
    app: (caching, { container }) => {
      bindAdapter(container, {
        provides: IPurgePaths,
        for: Page,
        name: 'test.page',
        factory: (p: Page) => ({
          getRelativePaths: () => [`/pages/${p.slug}`],
          getAbsolutePaths: () => ['http://cdn.example/ignored'],
        }),
      });
      bindAdapter(container, {
        provides: IPurgePaths,
        for: Picture,
        name: 'test.picture',
        factory: (p: Picture) => ({
          getRelativePaths: () => [`/pictures/${p.slug}.png`, `/pictures/${p.slug}.jpg`],
          getAbsolutePaths: () => [],
        }),
      });
      bindAdapter(container, {
        provides: IPurgePaths,
        for: Page,
        name: 'test.gallery',
        factory: () => ({ getRelativePaths: () => ['/gallery'], getAbsolutePaths: () => [] }),
      });
      const page = cachingHandler(
        caching,
        (req, res) => {
          const path = (req.url ?? '/').split('?')[0] as string;
          const directory = path.endsWith('/');
          const slug = path.slice('/pages/'.length).replace(/\/$/, '');
          if (slug === 'missing') {
            res.statusCode = 404;
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<h1>not found</h1>');
            return;
          }
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.end(pageBody(slug, directory));
        },
        { ruleset: 'site.page' },
      );
      const picture = cachingHandler(
        caching,
        (req, res) => {
          const png = (req.url ?? '').endsWith('.png');
          res.setHeader('Content-Type', png ? 'image/png' : 'image/jpeg');
          res.end(png ? PNG : JPEG);
        },
        { ruleset: 'site.picture' },
      );
      const data = cachingHandler(
        caching,
        (req, res) => {
          res.setHeader('Content-Type', 'application/json; charset=utf-8');
          res.end(JSON.stringify({ url: (req.url ?? '').split('?')[0], items: [1, 2, 3] }));
        },
        { ruleset: 'site.data' },
      );
      const gallery = cachingHandler(
        caching,
        (req, res) => {
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.end(`<h1>gallery ${req.url ?? ''} v${versionOf('gallery')}</h1>`);
        },
        { ruleset: 'site.gallery' },
      );
      const privateView = cachingHandler(
        caching,
        (_req, res) => {
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.setHeader('Set-Cookie', 'seen=1; Path=/');
          res.end('<h1>hello, you</h1>');
        },
        { ruleset: 'site.private' },
      );
      return (req, res) => {
        const url = req.url ?? '/';
        if (url.startsWith('/pages/')) page(req, res);
        else if (url.startsWith('/pictures/')) picture(req, res);
        else if (url.startsWith('/api/')) data(req, res);
        else if (url.startsWith('/gallery')) gallery(req, res);
        else if (url.startsWith('/private')) privateView(req, res);
        else {
          res.statusCode = 404;
          res.end('no route');
        }
      };
    },
  });
}

describeWithServers('@cacheset/fs: dumped pages served by real nginx', ['nginx'], () => {
  let site: FsSite;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    rawRequest(`${site.nginx.url}${path}`, { headers, method });

  it('writes the page on the first request and serves the second from disk without the app', async () => {
    const first = await get('/pages/alpha');
    expect(first.status).toBe(200);
    expect(first.headers['x-served-by']).toBe('app');
    await until(() => existsSync(join(site.root, 'pages/alpha.html')), 'pages/alpha.html');
    expect(await readFile(join(site.root, 'pages/alpha.html'), 'utf8')).toBe(first.text);
    const hits = site.appHitCount('/pages/alpha');
    const second = await get('/pages/alpha');
    expect(second.status).toBe(200);
    expect(second.headers['x-served-by']).toBeUndefined();
    expect(second.text).toBe(first.text);
    expect(site.appHitCount('/pages/alpha')).toBe(hits);
    expect(site.cache.stats().writes).toBeGreaterThanOrEqual(1);
  });

  it('keeps the content type: HTML, PNG, JPEG and JSON come back from nginx as the app sent them', async () => {
    const cases = [
      { path: '/pages/typed', file: 'pages/typed.html', type: 'text/html; charset=utf-8' },
      { path: '/pictures/cat.png', file: 'pictures/cat.png.png', type: 'image/png', body: PNG },
      { path: '/pictures/cat.jpg', file: 'pictures/cat.jpg.jpg', type: 'image/jpeg', body: JPEG },
      { path: '/api/items', file: 'api/items.json', type: 'application/json' },
    ];
    for (const c of cases) {
      const fromApp = await get(c.path);
      expect(fromApp.headers['x-served-by']).toBe('app');
      await until(() => existsSync(join(site.root, c.file)), c.file);
      const fromNginx = await get(c.path);
      expect(fromNginx.headers['x-served-by'], c.path).toBeUndefined();
      expect(fromNginx.headers['content-type'], c.path).toBe(c.type);
      expect(fromNginx.body.equals(fromApp.body), c.path).toBe(true);
      if (c.body !== undefined) expect(fromNginx.body.equals(c.body)).toBe(true);
    }
    expect(site.appHitCount('/pictures/cat.png')).toBe(1);
    expect(site.appHitCount('/api/items')).toBe(1);
  });

  it('keeps /a and /a/ apart (file a.html, directory index a/index.html), and never answers /a/index from /a/', async () => {
    await get('/pages/docs');
    await get('/pages/docs/');
    await until(
      () => existsSync(join(site.root, 'pages/docs.html')) && existsSync(join(site.root, 'pages/docs/index.html')),
      'both files',
    );
    const page = await get('/pages/docs');
    const index = await get('/pages/docs/');
    expect(page.headers['x-served-by']).toBeUndefined();
    expect(index.headers['x-served-by']).toBeUndefined();
    expect(page.text).toContain('<h1>docs v1');
    expect(index.text).toContain('<h1>Index of docs v1');
    const reserved = await get('/pages/docs/index');
    expect(reserved.headers['x-served-by']).toBe('app');
    const before = site.cache.stats().refused['reserved-name'] ?? 0;
    await get('/pages/docs/index');
    await until(() => (site.cache.stats().refused['reserved-name'] ?? 0) > before, 'the reserved-name refusal');
    // /a.html is its own page: it is not answered with the copy of /a.
    const dotted = await get('/pages/docs.html');
    expect(dotted.headers['x-served-by']).toBe('app');
  });

  it('finds what it wrote under exactly the name nginx looks up, for encoded and unusual but legal URLs', async () => {
    const cases = [
      ['/pages/caf%C3%A9', 'pages/café.html'],
      ['/pages/a%20b', 'pages/a b.html'],
      ['/pages/100%25', 'pages/100%.html'],
      ['/pages/~user', 'pages/~user.html'],
      ['/pages/a;b=c', 'pages/a;b=c.html'],
      ['/pages/', 'pages/index.html'],
      ['/pages/x.json/', 'pages/x.json/index.html'],
    ] as const;
    for (const [url, file] of cases) {
      const first = await get(url);
      expect(first.headers['x-served-by'], url).toBe('app');
      await until(() => existsSync(join(site.root, file)), file);
      const second = await get(url);
      expect(second.headers['x-served-by'], url).toBeUndefined();
      expect(second.text, url).toBe(first.text);
    }
  });

  it('deletes the files of a purged object (page, directory index, gzip siblings) and the next request reaches the app', async () => {
    await get('/pages/beta');
    await get('/pages/beta/');
    await until(
      () => existsSync(join(site.root, 'pages/beta.html')) && existsSync(join(site.root, 'pages/beta/index.html')),
      'beta files',
    );
    expect(existsSync(join(site.root, 'pages/beta.html.gz'))).toBe(true);
    expect((await get('/pages/beta')).headers['x-served-by']).toBeUndefined();
    versions.set('beta', 2);
    site.bus.notify(new Purge(new Page('beta')));
    await site.cache.settled();
    for (const file of ['pages/beta.html', 'pages/beta.html.gz', 'pages/beta/index.html', 'pages/beta/index.html.gz'])
      expect(existsSync(join(site.root, file)), file).toBe(false);
    const after = await get('/pages/beta');
    expect(after.headers['x-served-by']).toBe('app');
    expect(after.text).toContain('beta v2');
    await until(() => existsSync(join(site.root, 'pages/beta.html')), 'the new beta');
    const again = await get('/pages/beta');
    expect(again.headers['x-served-by']).toBeUndefined();
    expect(again.text).toContain('beta v2');
  });

  it('purges every IPurgePaths path of an object, and images in both types', async () => {
    await get('/pictures/dog.png');
    await get('/pictures/dog.jpg');
    await until(
      () => existsSync(join(site.root, 'pictures/dog.png.png')) && existsSync(join(site.root, 'pictures/dog.jpg.jpg')),
      'dog pictures',
    );
    site.bus.notify(new Purge(new Picture('dog')));
    await site.cache.settled();
    expect(existsSync(join(site.root, 'pictures/dog.png.png'))).toBe(false);
    expect(existsSync(join(site.root, 'pictures/dog.jpg.jpg'))).toBe(false);
    expect((await get('/pictures/dog.png')).headers['x-served-by']).toBe('app');
  });

  it('never writes a query-string request, and never answers one from the plain copy', async () => {
    await get('/pages/query');
    await until(() => existsSync(join(site.root, 'pages/query.html')), 'pages/query.html');
    const before = await listTree(site.root);
    const refusedBefore = site.cache.stats().refused.query ?? 0;
    for (let i = 0; i < 3; i += 1) {
      const withQuery = await get('/pages/query?x=1');
      expect(withQuery.headers['x-served-by']).toBe('app');
    }
    await until(() => (site.cache.stats().refused.query ?? 0) === refusedBefore + 3, 'three query refusals');
    expect(site.appHitCount('/pages/query?x=1')).toBe(3);
    expect(await listTree(site.root)).toEqual(before);
  });

  it('keeps whitelisted, canonical query variants as their own files when the policy allows them', async () => {
    await get('/gallery?page=2');
    await until(() => existsSync(join(site.root, 'gallery!page=2.html')), 'gallery!page=2.html');
    const hit = await get('/gallery?page=2');
    expect(hit.headers['x-served-by']).toBeUndefined();
    expect(hit.text).toBe('<h1>gallery /gallery?page=2 v1</h1>');
    // Not whitelisted, or not canonical: the app answers and nothing is written.
    for (const url of ['/gallery?page=2&utm=x', '/gallery?utm=1', '/gallery?page=%32', '/gallery?page=2&page=3']) {
      expect((await get(url)).headers['x-served-by'], url).toBe('app');
    }
    await site.cache.settled();
    expect((await listTree(site.root)).filter((f) => f.startsWith('gallery'))).toEqual(['gallery!page=2.html']);
    versions.set('gallery', 2);
    site.bus.notify(new Purge(new Page('anything')));
    await site.cache.settled();
    expect(existsSync(join(site.root, 'gallery!page=2.html'))).toBe(false);
  });

  it('never writes or serves what is unsafe to share: cookies, credentials, POST, errors', async () => {
    for (let i = 0; i < 2; i += 1) expect((await get('/private')).headers['x-served-by']).toBe('app');
    await until(() => (site.cache.stats().refused['set-cookie'] ?? 0) >= 2, 'set-cookie refusals');
    expect(existsSync(join(site.root, 'private.html'))).toBe(false);

    await get('/pages/gamma');
    await until(() => existsSync(join(site.root, 'pages/gamma.html')), 'pages/gamma.html');
    const authed = await get('/pages/gamma', { Authorization: 'Basic dXNlcjpwYXNz' });
    expect(authed.headers['x-served-by']).toBe('app');
    const withSession = await get('/pages/gamma', { Cookie: 'theme=dark; session=abc' });
    expect(withSession.headers['x-served-by']).toBe('app');
    const post = await get('/pages/gamma', {}, 'POST');
    expect(post.headers['x-served-by']).toBe('app');
    expect(post.status).toBe(200);
    await until(
      () => (site.cache.stats().refused.authenticated ?? 0) >= 1 && (site.cache.stats().refused.method ?? 0) >= 1,
      'authenticated and method refusals',
    );

    expect((await get('/pages/missing')).status).toBe(404);
    expect((await get('/pages/missing')).status).toBe(404);
    expect(site.appHitCount('/pages/missing')).toBe(2);
    expect(existsSync(join(site.root, 'pages/missing.html'))).toBe(false);
  });

  it('answers HEAD from the file, and gzip clients from the pre-compressed sibling', async () => {
    await get('/pages/delta');
    await until(() => existsSync(join(site.root, 'pages/delta.html.gz')), 'pages/delta.html.gz');
    const plain = await get('/pages/delta');
    const head = await get('/pages/delta', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['x-served-by']).toBeUndefined();
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    const gz = await get('/pages/delta', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['x-served-by']).toBeUndefined();
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    // Without a configured static Cache-Control, copies are sent with no-cache: always revalidated.
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.headers.etag).toBeDefined();
  });

  it('clear() empties the tree while nginx keeps answering (from the app)', async () => {
    await get('/pages/epsilon');
    await until(() => existsSync(join(site.root, 'pages/epsilon.html')), 'pages/epsilon.html');
    await site.cache.settled();
    expect(site.cache.stats().files).toBeGreaterThan(0);
    await site.cache.clear();
    expect(await listTree(site.root)).toEqual([]);
    expect(site.cache.stats()).toMatchObject({ files: 0, bytes: 0 });
    const after = await get('/pages/epsilon');
    expect(after.status).toBe(200);
    expect(after.headers['x-served-by']).toBe('app');
  });
});

describeWithServers('@cacheset/fs: the static copy carries the Cache-Control of the policy', ['nginx'], () => {
  let site: FsSite;
  beforeAll(async () => {
    site = await startFsSite({
      policy: {
        operationMapping: { 'site.page': 'chain', 'site.other': 'chain' },
        operations: {
          moderateCaching: { options: { smaxage: '1h' } },
          chain: {
            rulesets: {
              'site.page': { operations: ['moderateCaching', 'fsCache'] },
              'site.other': { operations: ['strongCaching', 'fsCache'] },
            },
          },
        },
      },
      cache: { durable: false },
      configure: async ({ cache, caching }) => cache.setCacheControl(await staticCacheControl(caching, 'site.page')),
      app: (caching) => {
        const page = cachingHandler(
          caching,
          (_req, res) => {
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<h1>policy page</h1>');
          },
          { ruleset: 'site.page' },
        );
        const other = cachingHandler(
          caching,
          (_req, res) => {
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<h1>other</h1>');
          },
          { ruleset: 'site.other' },
        );
        return (req, res) => ((req.url ?? '').startsWith('/other') ? other(req, res) : page(req, res));
      },
    });
  });
  afterAll(async () => {
    await site?.stop();
  });

  it('sends the Cache-Control the application sent, from nginx, and refuses rulesets whose headers differ', async () => {
    expect(site.cache.cacheControl).toBe('max-age=0, s-maxage=3600, must-revalidate');
    expect(site.config).toContain('add_header Cache-Control "max-age=0, s-maxage=3600, must-revalidate";');
    const fromApp = await rawRequest(`${site.nginx.url}/page`);
    expect(fromApp.headers['x-served-by']).toBe('app');
    await until(() => existsSync(join(site.root, 'page.html')), 'page.html');
    const fromNginx = await rawRequest(`${site.nginx.url}/page`);
    expect(fromNginx.headers['x-served-by']).toBeUndefined();
    expect(fromNginx.headers['cache-control']).toBe(fromApp.headers['cache-control']);

    const other = await rawRequest(`${site.nginx.url}/other`);
    expect(other.headers['cache-control']).toContain('max-age=86400');
    await until(() => (site.cache.stats().refused['cache-control-mismatch'] ?? 0) === 1, 'the mismatch refusal');
    expect(existsSync(join(site.root, 'other.html'))).toBe(false);
  });
});
