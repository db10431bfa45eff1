import { createServer } from 'node:http';
import { CachesetError } from '@cacheset/core';
import { cachingHandler, cachingMiddleware, setCacheRuleset } from '@cacheset/http';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY, createFixture, PAGE_ETAG, PageView, type ContractServer } from '../contract/fixture.js';
import { listenOnFreePort } from '../contract/servers/listen.js';
import { wireRequest } from '../contract/support/wire.js';
import { checkRoute } from '../../src/node/routeHints.js';

const servers: ContractServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return CachesetError.is(error) ? error.code : String(error);
  }
  return undefined;
};

describe('@cacheset/http node:http core', () => {
  it('cachingMiddleware runs the policy around a connect-style chain, with a per-request route', async () => {
    const f = createFixture();
    let calls = 0;
    let asked = 0;
    const middleware = cachingMiddleware(f.caching, (req) => {
      asked += 1;
      return req.url?.startsWith('/page') === true ? { published: new PageView(f.page) } : undefined;
    });
    const server = await listenOnFreePort(
      createServer((req, res) =>
        middleware(req, res, () => {
          calls += 1;
          res.setHeader('Content-Type', 'text/html');
          res.end(BODY.page);
        }),
      ),
    );
    servers.push(server);
    const first = await wireRequest(`${server.url}/page`);
    expect(first.headers.etag).toBe(PAGE_ETAG);
    const second = await wireRequest(`${server.url}/page`, { headers: { 'If-None-Match': PAGE_ETAG } });
    expect(second.status).toBe(304);
    const other = await wireRequest(`${server.url}/other`);
    expect(other.headers['cache-control']).toBeUndefined();
    expect(calls).toBe(2);
    // Asked once per request: the view it makes for the request stays one object.
    expect(asked).toBe(3);
  });

  it('asks a per-request route function once per request, so the view it makes stays one object', async () => {
    const f = createFixture();
    let asked = 0;
    const made = new Set<object>();
    const handler = cachingHandler(
      f.caching,
      (_req, res) => {
        res.setHeader('Content-Type', 'text/html');
        res.end(BODY.page);
      },
      async () => {
        asked += 1;
        const view = new PageView(f.page);
        made.add(view);
        return { published: view };
      },
    );
    const server = await listenOnFreePort(createServer(handler));
    servers.push(server);
    expect((await wireRequest(`${server.url}/page`)).headers.etag).toBe(PAGE_ETAG);
    expect((await wireRequest(`${server.url}/page`, { headers: { 'If-None-Match': PAGE_ETAG } })).status).toBe(304);
    expect(asked).toBe(2);
    expect(made.size).toBe(2);
  });

  it('reports a bad route from a route function once and serves the request uncached', async () => {
    const f = createFixture();
    const handler = cachingHandler(
      f.caching,
      (_req, res) => void res.end(BODY.plain),
      () => ({ publshed: f.pageView }) as never,
    );
    const server = await listenOnFreePort(createServer(handler));
    servers.push(server);
    for (let i = 0; i < 2; i += 1) {
      const response = await wireRequest(server.url);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBeUndefined();
    }
    expect(f.errors.filter((e) => e.includes("unknown key 'publshed'"))).toHaveLength(1);
  });

  it('rejects bad route descriptions and ruleset names when they are given', () => {
    expect(codeOf(() => checkRoute({ rulset: 'site.page' } as never, 'test'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => checkRoute({ ruleset: 'site..page' }, 'test'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => checkRoute({ published: 'FrontpageView' }, 'test'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => setCacheRuleset({}, 'site page'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => checkRoute({ ruleset: 'site.page', published: class {} }, 'test'))).toBeUndefined();
  });
});
