import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contentAdapters from '../examples/contentAdapters.js';
import * as explain from '../examples/explain.js';
import * as frameworks from '../examples/frameworks.js';
import * as nodeServer from '../examples/nodeServer.js';
import * as perRequestViews from '../examples/perRequestViews.js';
import { fetchRaw, serve } from './fixtures/exampleServer.js';

const LAST_MODIFIED = 'Sun, 01 Nov 2026 09:30:00 GMT';

describe('examples/nodeServer.ts: a node:http site', () => {
  const app = serve(() => nodeServer.createApp());

  it('caches the front page in the proxy with an ETag, and answers a matching If-None-Match with 304', async () => {
    const page = await fetchRaw(app.base(), '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<h1>Welcome</h1><ul><li>cat</ul>');
    expect(page.headers).toMatchObject({
      'cache-control': 'max-age=0, s-maxage=600, must-revalidate',
      'x-cache-rule': 'site.frontpage',
      'x-cache-operation': 'moderateCaching',
    });
    const etag = String(page.headers.etag);
    expect(etag).toMatch(/^"\|\|\d+\|2026\.11\.1"$/);
    const renders = nodeServer.stats.renders;
    const again = await fetchRaw(app.base(), '/', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(nodeServer.stats.renders, 'the view did not run').toBe(renders);
    expect(again.body).toBe('');
    expect(again.headers).toMatchObject({ etag, 'cache-control': 'max-age=0, s-maxage=600, must-revalidate' });
    expect(again.headers.date).toBeDefined();
  });

  it('changes the front page ETag when an image is added: the old one gets the new page, not a 304', async () => {
    const before = String((await fetchRaw(app.base(), '/')).headers.etag);
    expect((await fetchRaw(app.base(), '/images/dog', {}, 'POST')).status).toBe(201);
    const after = await fetchRaw(app.base(), '/', { 'If-None-Match': before });
    expect(after.status).toBe(200);
    expect(after.body).toBe('<h1>Welcome</h1><ul><li>cat<li>dog</ul>');
    expect(after.headers.etag).not.toBe(before);
    expect((await fetchRaw(app.base(), '/', { 'If-None-Match': String(after.headers.etag) })).status).toBe(304);
  });

  it('keeps a logged-in visitor out of shared caches, with an ETag of their own', async () => {
    const page = await fetchRaw(app.base(), '/', { Authorization: 'Basic YWxpY2U6c2VjcmV0' });
    expect(page.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(page.headers.etag).toMatch(/^"\|auth:[\w-]+\|\d+\|2026\.11\.1"$/);
    const anonymous = String((await fetchRaw(app.base(), '/')).headers.etag);
    expect(
      (await fetchRaw(app.base(), '/', { Authorization: 'Basic YWxpY2U6c2VjcmV0', 'If-None-Match': anonymous })).status,
    ).toBe(200);
  });

  it('caches images for a day with Last-Modified from the ILastModified adapter; HEAD gets the same headers', async () => {
    const image = await fetchRaw(app.base(), '/images/cat');
    expect(image.status).toBe(200);
    expect(image.headers).toMatchObject({
      'cache-control': 'max-age=86400, proxy-revalidate, public',
      'last-modified': LAST_MODIFIED,
      'content-type': 'image/svg+xml',
      'x-cache-rule': 'site.image',
    });
    expect(Date.parse(String(image.headers.expires)) - Date.now()).toBeGreaterThan(86_000_000);
    const head = await fetchRaw(app.base(), '/images/cat', {}, 'HEAD');
    expect(head.body).toBe('');
    for (const name of [
      'cache-control',
      'last-modified',
      'content-type',
      'content-length',
      'x-cache-rule',
      'x-cache-operation',
    ])
      expect(head.headers[name], name).toBe(image.headers[name]);
  });

  it('answers If-Modified-Since with 304 before rendering', async () => {
    const renders = nodeServer.stats.renders;
    const answer = await fetchRaw(app.base(), '/images/cat', { 'If-Modified-Since': LAST_MODIFIED });
    expect(answer.status).toBe(304);
    expect(nodeServer.stats.renders).toBe(renders);
    expect(answer.body).toBe('');
    expect(answer.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect(
      (await fetchRaw(app.base(), '/images/cat', { 'If-Modified-Since': 'Sat, 31 Oct 2026 09:30:00 GMT' })).status,
    ).toBe(200);
    expect(nodeServer.stats.renders).toBe(renders + 1);
  });

  it('never caches the account page, and leaves unknown paths alone', async () => {
    const account = await fetchRaw(app.base(), '/account');
    expect(account.headers).toMatchObject({
      'cache-control': 'max-age=0, must-revalidate, private',
      'x-cache-operation': 'noCaching',
    });
    const missing = await fetchRaw(app.base(), '/nothing');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBeUndefined();
    expect(missing.headers['x-cache-rule']).toBeUndefined();
  });
});

describe('examples/contentAdapters.ts: adapters and ETag components bound in the container', () => {
  const app = serve(() => contentAdapters.createApp());

  it('builds the ETag from a bound component and sends the ISurrogateKeys as xkey', async () => {
    const image = await fetchRaw(app.base(), '/images/1');
    expect(image.headers).toMatchObject({
      'cache-control': 'max-age=0, s-maxage=3600, must-revalidate',
      etag: '"||1"',
      xkey: 'image:1 gallery:7',
    });
    const gallery = contentAdapters.images.get(1)?.gallery;
    if (gallery === undefined) throw new Error('no gallery');
    gallery.version += 1;
    try {
      const changed = await fetchRaw(app.base(), '/images/1', { 'If-None-Match': '"||1"' });
      expect([changed.status, changed.headers.etag]).toEqual([200, '"||2"']);
    } finally {
      gallery.version -= 1;
    }
  });

  it('keeps content IAnonymousAccess does not allow out of shared caches, even for anonymous requests', async () => {
    const shared = await fetchRaw(app.base(), '/images/2?key=s3cret');
    expect(shared.status).toBe(200);
    expect(shared.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(shared.headers.xkey).toBeUndefined();
    expect((await fetchRaw(app.base(), '/images/2')).status).toBe(404);
  });

  it("knows the user from the application's own session", async () => {
    const image = await fetchRaw(app.base(), '/images/1', { Cookie: 'session=alice' });
    expect(image.headers).toMatchObject({ 'cache-control': 'max-age=0, must-revalidate, private', etag: '"|alice|1"' });
    expect(image.headers.xkey).toBeUndefined();
  });
});

describe('examples/frameworks.ts: Express, Fastify and Koa', () => {
  const apps: Record<string, () => Promise<{ base: string; close(): Promise<unknown> }>> = {
    express: async () => {
      const server = frameworks.expressApp().listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      return {
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((resolve) => server.close(resolve)),
      };
    },
    fastify: async () => {
      const app = await frameworks.fastifyApp();
      return { base: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
    },
    koa: async () => {
      const server = frameworks.koaApp().listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      return {
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((resolve) => server.close(resolve)),
      };
    },
  };

  describe.each(Object.keys(apps))('%s', (name) => {
    let app: { base: string; close(): Promise<unknown> } | undefined;
    beforeAll(async () => {
      app = await apps[name]?.();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('applies the policy to a route that names its view, and answers its validators with 304', async () => {
      const page = await fetchRaw(app?.base ?? '', '/');
      expect(page.body).toBe('<h1>Welcome</h1>');
      expect(page.headers).toMatchObject({
        'cache-control': 'max-age=0, s-maxage=600, must-revalidate',
        'x-cache-rule': 'site.frontpage',
      });
      const etag = String(page.headers.etag);
      expect(etag).toMatch(/^"\|\d+\|2026\.11\.1"$/);
      const again = await fetchRaw(app?.base ?? '', '/', { 'If-None-Match': etag });
      expect([again.status, again.body]).toEqual([304, '']);
    });

    it('applies it to a ruleset the handler names while rendering', async () => {
      const search = await fetchRaw(app?.base ?? '', '/search');
      expect(search.body).toBe('3 results');
      expect(search.headers).toMatchObject({
        'cache-control': 'max-age=10, s-maxage=60, proxy-revalidate, public',
        vary: 'Accept',
        'x-cache-operation': 'terseCaching',
      });
    });
  });
});

describe('examples/perRequestViews.ts: a view made per row, named before the handler', () => {
  const node = serve(() => perRequestViews.nodeApp());
  const express = serve(() => createServer(perRequestViews.expressApp()));
  const koa = serve(() => createServer(perRequestViews.koaApp().callback()));
  let fastify: Awaited<ReturnType<typeof perRequestViews.fastifyApp>> | undefined;
  let fastifyBase = '';
  beforeAll(async () => {
    fastify = await perRequestViews.fastifyApp();
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    fastifyBase = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fastify?.close();
  });

  it.each([
    ['node:http', () => node.base()],
    ['Express', () => express.base()],
    ['Fastify', () => fastifyBase],
    ['Koa', () => koa.base()],
  ])(
    "%s: the page carries the row's validators, and a current copy gets a 304 without rendering",
    async (_name, base) => {
      const page = await fetchRaw(base(), '/articles/42');
      expect(page.status).toBe(200);
      expect(page.body).toBe('<h1>Cats</h1>');
      expect(page.headers['last-modified']).toBe('Sun, 04 Oct 2026 08:15:00 GMT');
      expect(page.headers.etag).toBe(`"|${Date.parse('2026-10-04T08:15:00Z') / 1000}"`);
      const before = perRequestViews.rendered.count;
      const again = await fetchRaw(base(), '/articles/42', { 'If-None-Match': page.headers.etag as string });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      expect(perRequestViews.rendered.count).toBe(before);
    },
  );
});

describe('docs/http.md: explaining a request', () => {
  it('reports the ruleset and why, the options and their origins, the ETag and the headers', async () => {
    const report = await explain.main();
    expect(report.ruleset).toMatchObject({ ruleset: 'site.gallery', via: 'lookup' });
    expect(report.ruleset?.explanation?.match).toMatchObject({ ruleset: 'site.gallery', source: 'decorator' });
    expect(report.operations[0]?.name).toBe('moderateCaching');
    expect(report.operations[0]?.options).toEqual(
      expect.arrayContaining([
        { name: 'smaxage', value: 3600, origin: 'global' },
        { name: 'etags', value: ['resourceVersion'], origin: 'ruleset' },
        { name: 'ramCache', value: false, origin: 'default' },
      ]),
    );
    expect(report.etag).toEqual({ components: [{ name: 'resourceVersion', value: 'v3' }], value: '|v3' });
    expect(new Map(report.headers).get('cache-control')).toBe('max-age=0, s-maxage=3600, must-revalidate');
    expect(report.status).toBe(200);
  });
});

describe('docs/http.md quotes the examples verbatim', () => {
  it.each(['nodeServer', 'policyFile', 'contentAdapters', 'frameworks', 'perRequestViews', 'explain'])(
    '%s.ts',
    async (name) => {
      const docs = await readFile(fileURLToPath(new URL('../../../docs/http.md', import.meta.url)), 'utf8');
      const source = await readFile(fileURLToPath(new URL(`../examples/${name}.ts`, import.meta.url)), 'utf8');
      const marker = `<!-- example: packages/http/examples/${name}.ts -->`;
      const at = docs.indexOf(marker);
      expect(at, `docs/http.md lacks ${marker}`).toBeGreaterThanOrEqual(0);
      const block = /^```ts\n([\s\S]*?)```/.exec(docs.slice(at + marker.length + 1));
      expect(
        block?.[1],
        `the code block after ${marker} differs from the example file; run node scripts/sync-doc-examples.mjs`,
      ).toBe(source);
    },
  );
});
