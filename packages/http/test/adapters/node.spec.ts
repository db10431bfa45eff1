import { createServer } from 'node:http';
import { CachesetError } from '@cacheset/core';
import { cachingMiddleware, checkRoute, setCacheRuleset } from '@cacheset/http';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY, createFixture, PAGE_ETAG, type ContractServer } from '../contract/fixture.js';
import { listenOnFreePort } from '../contract/servers/listen.js';
import { wireRequest } from '../contract/support/wire.js';

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
    const middleware = cachingMiddleware(f.caching, (req) =>
      req.url?.startsWith('/page') === true ? { published: f.pageView } : undefined,
    );
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
  });

  it('rejects bad route descriptions and ruleset names when they are given', () => {
    expect(codeOf(() => checkRoute({ rulset: 'site.page' } as never, 'test'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => checkRoute({ ruleset: 'site..page' }, 'test'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => checkRoute({ published: 'FrontpageView' }, 'test'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => setCacheRuleset({}, 'site page'))).toBe('ERR_CACHESET_INVALID_ROUTE');
    expect(codeOf(() => checkRoute({ ruleset: 'site.page', published: class {} }, 'test'))).toBeUndefined();
  });
});
