import { createServer } from 'node:http';
import { CachesetError } from '@cacheset/core';
import { cachesetExpress, setPublished } from '@cacheset/http/express';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY, createFixture, PAGE_ETAG, PageView, type ContractServer } from '../contract/fixture.js';
import { listenOnFreePort } from '../contract/servers/listen.js';
import { eventually, wireRequest } from '../contract/support/wire.js';

const servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(app: express.Express): Promise<string> {
  const server = await listenOnFreePort(createServer(app));
  servers.push(server);
  return server.url;
}

describe('@cacheset/http/express', () => {
  describe("Express's own ETag and 304 never stand in for the policy (DESIGN §3)", () => {
    async function appWithoutInstall(): Promise<string> {
      const f = createFixture();
      const app = express();
      const cacheset = cachesetExpress(f.caching);
      app.use(cacheset.middleware());
      app.get('/governed', cacheset.ruleset('site.nocache'), (_req, res) => void res.send(BODY.plain));
      app.get('/strong', cacheset.ruleset('site.strong'), (_req, res) => void res.send(BODY.plain));
      app.get('/json', cacheset.ruleset('site.strong'), (_req, res) => void res.json({ page: 1 }));
      app.get('/ungoverned', (_req, res) => void res.send(BODY.plain));
      return serve(app);
    }

    it('a governed response carries no ETag of Express, and a client holding that ETag gets the page, not a 304', async () => {
      const url = await appWithoutInstall();
      const expressTag = (await wireRequest(`${url}/ungoverned`)).headers.etag;
      expect(expressTag).toMatch(/^W\//);
      for (const path of ['/governed', '/strong']) {
        const plain = await wireRequest(`${url}${path}`);
        expect(plain.headers.etag, path).toBeUndefined();
        const conditional = await wireRequest(`${url}${path}`, { headers: { 'If-None-Match': expressTag as string } });
        expect(conditional.status, path).toBe(200);
        expect(conditional.text, path).toBe(BODY.plain);
      }
    });

    it('res.json of a governed route gets no Express ETag either', async () => {
      const url = await appWithoutInstall();
      const response = await wireRequest(`${url}/json`);
      expect(response.headers.etag).toBeUndefined();
      expect(response.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
      expect(JSON.parse(response.text)).toEqual({ page: 1 });
    });

    it('routes no operation governs keep Express behaviour (ETag and 304)', async () => {
      const url = await appWithoutInstall();
      const first = await wireRequest(`${url}/ungoverned`);
      const second = await wireRequest(`${url}/ungoverned`, {
        headers: { 'If-None-Match': first.headers.etag as string },
      });
      expect(second.status).toBe(304);
    });

    it('install(app) switches Express ETags off for the whole app', async () => {
      const f = createFixture();
      const app = express();
      cachesetExpress(f.caching).install(app);
      app.get('/ungoverned', (_req, res) => void res.send(BODY.plain));
      const url = await serve(app);
      expect(app.get('etag')).toBe(false);
      expect((await wireRequest(`${url}/ungoverned`)).headers.etag).toBeUndefined();
    });
  });

  it('a per-route middleware works without the global one: 304 before the handler', async () => {
    const f = createFixture();
    const app = express();
    const cacheset = cachesetExpress(f.caching);
    let calls = 0;
    app.get('/page', cacheset.view(f.pageView), (_req, res) => {
      calls += 1;
      res.send(BODY.page);
    });
    const url = await serve(app);
    const first = await wireRequest(`${url}/page`);
    expect(first.headers.etag).toBe(PAGE_ETAG);
    expect(first.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
    const second = await wireRequest(`${url}/page`, { headers: { 'If-None-Match': PAGE_ETAG } });
    expect(second.status).toBe(304);
    expect(calls).toBe(1);
  });

  it('a view named by a route middleware of a mounted sub-app (with its own install) gets its 304 before the handler', async () => {
    const f = createFixture();
    const app = express();
    cachesetExpress(f.caching).install(app);
    const blog = express();
    cachesetExpress(f.caching).install(blog);
    let calls = 0;
    blog.get(
      '/post',
      (req, _res, next) => {
        setPublished(req, new PageView(f.page));
        next();
      },
      (_req, res) => {
        calls += 1;
        res.send(BODY.page);
      },
    );
    app.use('/blog', blog);
    const url = await serve(app);
    expect((await wireRequest(`${url}/blog/post`)).headers.etag).toBe(PAGE_ETAG);
    const second = await wireRequest(`${url}/blog/post`, { headers: { 'If-None-Match': PAGE_ETAG } });
    expect(second.status).toBe(304);
    expect(calls).toBe(1);
  });

  it("the route's middleware after the one that names the ruleset (an access check) runs before any RAM hit", async () => {
    const f = createFixture();
    const app = express();
    cachesetExpress(f.caching).install(app);
    let calls = 0;
    app.get(
      '/members',
      (_req, res, next) => {
        res.locals.cacheRuleset = 'site.ram';
        next();
      },
      (req, res, next) => (req.headers['x-member'] === 'yes' ? next() : void res.status(403).send('members only')),
      (_req, res) => {
        calls += 1;
        res.type('html').send(BODY.ram);
      },
    );
    const url = await serve(app);
    expect((await wireRequest(`${url}/members`, { headers: { 'X-Member': 'yes' } })).status).toBe(200);
    await eventually(() => f.responseCache.entries.size === 1, 'the response to be stored');
    const member = await wireRequest(`${url}/members`, { headers: { 'X-Member': 'yes' } });
    expect(member.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(calls).toBe(1);
    const stranger = await wireRequest(`${url}/members`);
    expect(stranger.status).toBe(403);
    expect(stranger.text).toBe('members only');
  });

  it('keeps a res.json body in the RAM cache and replays it with its content type', async () => {
    const f = createFixture();
    const app = express();
    const cacheset = cachesetExpress(f.caching);
    cacheset.install(app);
    let calls = 0;
    app.get('/data', cacheset.ruleset('site.ram'), (_req, res) => {
      calls += 1;
      res.json({ images: ['cat', 'dog'] });
    });
    const url = await serve(app);
    const first = await wireRequest(`${url}/data`);
    await eventually(() => f.responseCache.entries.size === 1, 'the response to be stored');
    const second = await wireRequest(`${url}/data`);
    expect(second.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(second.text).toBe(first.text);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(calls).toBe(1);
  });

  it('a res.locals.cacheRuleset that is not a string is reported once and ignored', async () => {
    const f = createFixture();
    const app = express();
    cachesetExpress(f.caching).install(app);
    app.get('/odd', (_req, res) => {
      (res.locals as Record<string, unknown>).cacheRuleset = 42;
      res.send(BODY.plain);
    });
    const url = await serve(app);
    const response = await wireRequest(`${url}/odd`);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBeUndefined();
    expect(f.errors.some((e) => e.includes('res.locals.cacheRuleset must be a ruleset name'))).toBe(true);
  });

  describe('set-up errors', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return CachesetError.is(error) ? error.code : `not a CachesetError: ${String(error)}`;
      }
      return undefined;
    };

    it('names what is wrong at start-up', () => {
      const f = createFixture();
      const cacheset = cachesetExpress(f.caching);
      expect(code(() => cachesetExpress({} as never))).toBe('ERR_CACHESET_INVALID_ADAPTER_OPTIONS');
      expect(code(() => cacheset.ruleset('site frontpage'))).toBe('ERR_CACHESET_INVALID_ROUTE');
      expect(code(() => cacheset.ruleset(undefined as never))).toBe('ERR_CACHESET_INVALID_ROUTE');
      expect(code(() => cacheset.view(undefined as never))).toBe('ERR_CACHESET_INVALID_ROUTE');
      expect(code(() => cacheset.view('site.frontpage' as never))).toBe('ERR_CACHESET_INVALID_ROUTE');
    });
  });
});
