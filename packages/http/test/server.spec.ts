/**
 * The operations through a real node:http server (`cachingHandler`), where the wire is more faithful
 * than memory responses: Date, Content-Length, bodies of 304/HEAD, streamed bodies, Range.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { PolicyData } from '@cacheset/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, serveRoutes, type RawResponse } from './fixtures/wire.js';
import { cachingHandler, parseHttpDate, RAMCACHE_HEADER_VALUE } from '../src/index.js';
import {
  collectingLogger,
  LAST_MODIFIED_HTTP,
  makeCaching,
  Page,
  PageView,
  TestResponseCache,
  type CollectingLogger,
} from './fixtures/harness.js';

const POLICY: PolicyData = {
  operationMapping: {
    's.strong': 'strongCaching',
    's.moderate': 'moderateCaching',
    's.weak': 'weakCaching',
    's.terse': 'terseCaching',
    's.none': 'noCaching',
    's.ram': 'weakCaching',
    's.stream': 'moderateCaching',
    's.cookie': 'strongCaching',
  },
  operations: {
    strongCaching: { options: { etags: ['resourceVersion'], lastModified: true } },
    moderateCaching: {
      options: { etags: ['resourceVersion'], lastModified: true },
      rulesets: { 's.stream': { ramCache: true } },
    },
    weakCaching: {
      options: { etags: ['resourceVersion'], lastModified: true },
      rulesets: { 's.ram': { ramCache: true } },
    },
    terseCaching: { options: { etags: ['resourceVersion'] } },
  },
};

const BODY = 'hello, caching world';
const AUTH = { authorization: 'Bearer secret' };

describe('the operations through a real node:http server', () => {
  let server: Server;
  let base: string;
  let logger: CollectingLogger;
  let cache: TestResponseCache;
  const renders = new Map<string, number>();
  const ranges: (string | undefined)[] = [];

  beforeAll(async () => {
    logger = collectingLogger();
    cache = new TestResponseCache();
    const caching = makeCaching({
      policy: POLICY,
      logger,
      resourceVersion: 'v1',
      responseCache: cache,
      now: () => Date.now(),
    });
    const published = new PageView(new Page());
    const handler = (ruleset: string) =>
      cachingHandler(
        caching,
        (req: IncomingMessage, res: ServerResponse) => {
          renders.set(ruleset, (renders.get(ruleset) ?? 0) + 1);
          ranges.push(req.headers.range);
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          if (ruleset === 's.cookie') {
            // Headers given to writeHead, not setHeader: the operation must still see the cookie.
            res.writeHead(200, { 'Set-Cookie': 'session=abc; HttpOnly', 'Content-Type': 'text/plain' });
            res.end(BODY);
            return;
          }
          if (ruleset === 's.stream') {
            res.write('hello, ');
            setTimeout(() => {
              res.write('caching ');
              res.end('world');
            }, 5);
          } else res.end(BODY);
        },
        { ruleset, published },
      );
    const handlers = new Map(
      Object.keys(POLICY.operationMapping ?? {}).map((ruleset) => [`/${ruleset}`, handler(ruleset)]),
    );
    ({ server, base } = await serveRoutes(handlers));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(logger.errors).toEqual([]);
    expect(cache.badlySettled()).toEqual([]);
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> =>
    rawRequest(`${base}${path}`, { method, headers });
  /** Headers without the ones that move with the clock (Date, and Expires, compared apart within a second). */
  const withoutDate = (r: RawResponse): Record<string, string> => {
    const { date: _date, expires: _expires, ...rest } = r.headers;
    return rest;
  };
  const expiresMs = (r: RawResponse): number => Date.parse(r.headers.expires ?? '');

  describe.each(['s.strong', 's.moderate', 's.weak', 's.terse', 's.none'])('%s', (ruleset) => {
    it.each([
      ['anonymous', {}],
      ['authenticated', AUTH],
    ] as const)('gives HEAD exactly the headers GET gets (%s)', async (_who, headers) => {
      const getResponse = await get(`/${ruleset}`, headers);
      const headResponse = await get(`/${ruleset}`, headers, 'HEAD');
      expect(headResponse.status).toBe(200);
      expect(headResponse.body.byteLength).toBe(0);
      expect(withoutDate(headResponse)).toEqual(withoutDate(getResponse));
      // The two requests may straddle a second boundary.
      expect(Math.abs(expiresMs(headResponse) - expiresMs(getResponse))).toBeLessThanOrEqual(1_000);
      expect(getResponse.headers['content-length']).toBe(String(BODY.length));
      expect(getResponse.text).toBe(BODY);
    });
  });

  it('answers a conditional GET with a 304 carrying ETag, Cache-Control, Expires, Vary and Date, and no body', async () => {
    const first = await get('/s.terse');
    const etag = first.headers.etag ?? '';
    expect(etag).toBe('"|v1"');
    const conditional = await get('/s.terse', { 'if-none-match': etag });
    expect(conditional.status).toBe(304);
    expect(conditional.body.byteLength).toBe(0);
    expect(conditional.headers.etag).toBe(etag);
    expect(conditional.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(conditional.headers.vary).toBe('Accept');
    expect(parseHttpDate(conditional.headers.expires)).toBeDefined();
    expect(parseHttpDate(conditional.headers.date)).toBeDefined();
    expect(conditional.headers['content-type']).toBeUndefined();
    expect(conditional.headers['x-cache-rule']).toBe('s.terse');
    expect(conditional.headers['x-cache-operation']).toBe('terseCaching');
  });

  it('answers If-Modified-Since with a 304 without rendering', async () => {
    const before = renders.get('s.strong') ?? 0;
    const conditional = await get('/s.strong', { 'if-modified-since': LAST_MODIFIED_HTTP });
    expect(conditional.status).toBe(304);
    expect(renders.get('s.strong') ?? 0).toBe(before);
  });

  it('answers a failed If-Match with 412 and an empty body', async () => {
    const response = await rawRequest(`${base}/s.weak`, {
      method: 'PUT',
      headers: { 'if-match': '"|old"' },
      body: 'x',
    });
    expect(response.status).toBe(412);
    expect(response.body.byteLength).toBe(0);
  });

  it('drops Range before the view runs when If-Range does not match, and keeps it when it does', async () => {
    ranges.length = 0;
    await get('/s.weak', { range: 'bytes=0-4', 'if-range': '"|old"' });
    await get('/s.weak', { range: 'bytes=0-4', 'if-range': '"|v1"' });
    await get('/s.weak', { range: 'bytes=0-4', 'if-range': LAST_MODIFIED_HTTP });
    expect(ranges).toEqual([undefined, 'bytes=0-4', 'bytes=0-4']);
  });

  it('serves repeat anonymous GETs from the RAM cache without rendering, and never authenticated ones', async () => {
    const first = await get('/s.ram');
    expect(first.headers['x-ramcache']).toBeUndefined();
    const rendersAfterFirst = renders.get('s.ram');
    const second = await get('/s.ram');
    expect(second.status).toBe(200);
    expect(second.text).toBe(BODY);
    expect(second.headers['x-ramcache']).toBe(RAMCACHE_HEADER_VALUE);
    expect(second.headers['content-length']).toBe(String(BODY.length));
    expect(second.headers.age).toMatch(/^\d+$/);
    expect(second.headers['content-type']).toBe('text/plain; charset=utf-8');
    const head = await get('/s.ram', {}, 'HEAD');
    expect(head.headers['x-ramcache']).toBe(RAMCACHE_HEADER_VALUE);
    expect(head.body.byteLength).toBe(0);
    expect(head.headers['content-length']).toBe(String(BODY.length));
    expect(renders.get('s.ram')).toBe(rendersAfterFirst);
    const user = await get('/s.ram', AUTH);
    expect(user.headers['x-ramcache']).toBeUndefined();
    expect(renders.get('s.ram')).toBe((rendersAfterFirst ?? 0) + 1);
  });

  it('keeps a response that sets a cookie through writeHead private', async () => {
    const response = await get('/s.cookie');
    expect(response.headers['set-cookie']).toBe('session=abc; HttpOnly');
    expect(response.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
  });

  it('gives a streamed response its headers once and keeps the whole streamed body in the RAM cache', async () => {
    const first = await get('/s.stream');
    expect(first.text).toBe(BODY);
    expect(first.headers['cache-control']).toBe('max-age=0, s-maxage=86400, must-revalidate');
    const second = await get('/s.stream');
    expect(second.headers['x-ramcache']).toBe(RAMCACHE_HEADER_VALUE);
    expect(second.text).toBe(BODY);
    expect(renders.get('s.stream')).toBe(1);
  });
});
