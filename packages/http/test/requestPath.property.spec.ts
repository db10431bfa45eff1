import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CacheUser, PolicyData } from '@cacheset/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './fixtures/wire.js';
import { cachingHandler, formatHttpDate, parseHttpDate, type HttpCaching } from '../src/index.js';
import {
  ALICE,
  collectingLogger,
  LAST_MODIFIED,
  LAST_MODIFIED_HTTP,
  makeCaching,
  Page,
  PageView,
  run,
  TestResponseCache,
  type CollectingLogger,
} from './fixtures/harness.js';

/**
 * Random request headers must never make the request path throw, log an error, or hang, and every
 * answer must be a well-formed 200, 304 or 412 with sane headers.
 */

const HEADERS = [
  'If-None-Match',
  'If-Match',
  'If-Modified-Since',
  'If-Unmodified-Since',
  'If-Range',
  'Range',
  'Cache-Control',
  'Accept-Language',
  'Cookie',
  'Authorization',
  'Accept',
  'Host',
] as const;

/** Pieces that steer generated values into the parsers' interesting paths. */
const FRAGMENTS = [
  '"',
  'W/',
  'w/',
  ',',
  ', ',
  '*',
  ';',
  '=',
  ' ',
  '\t',
  '|v1',
  '"|v1"',
  '"|en"',
  'GMT',
  'bytes=',
  '0-',
  '-1',
  'max-age=',
  'no-store',
  'private',
  'length=',
  'statusmessages=1',
  'session=',
  'Basic ',
  LAST_MODIFIED_HTTP,
  formatHttpDate(LAST_MODIFIED + 1000),
  'Sunday, 06-Nov-94 08:49:37 GMT',
  'Sun Nov  6 08:49:37 1994',
  '31 Feb',
  '\u00e9',
  '\u0000',
  '\ud800',
  '%',
  '\\',
];

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 12 }).map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom(...FRAGMENTS, 'x', ' ', '"a",'), fc.integer({ min: 1_000, max: 300_000 }))
    .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length))),
);

/** Header-safe: what a real client can put on the wire (visible ASCII, space and tab). */
const wireText = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      ...' \t!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'.split(
        '',
      ),
    ),
    maxLength: 40,
  }),
  fc
    .array(fc.constantFrom(...FRAGMENTS.filter((f) => /^[\x20-\x7e\t]*$/.test(f))), { maxLength: 12 })
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom('x', ' ', '"a",', 'W/', ';'), fc.integer({ min: 100, max: 3_000 }))
    .map(([piece, n]) => piece.repeat(n)),
);

function headersArbitrary(
  text: fc.Arbitrary<string>,
  maxTotal = Number.POSITIVE_INFINITY,
): fc.Arbitrary<Record<string, string>> {
  return fc
    .dictionary(fc.constantFrom(...HEADERS), text, { maxKeys: HEADERS.length })
    .filter((headers) => Object.values(headers).reduce((n, v) => n + v.length, 0) <= maxTotal);
}

const POLICY: PolicyData = {
  operationMapping: {
    'site.strong': 'strongCaching',
    'site.moderate': 'moderateCaching',
    'site.weak': 'weakCaching',
    'site.terse': 'terseCaching',
    'site.none': 'noCaching',
    'site.chain': 'chain',
  },
  operations: {
    strongCaching: {
      options: {
        etags: ['language', 'resourceVersion'],
        lastModified: true,
        ramCache: true,
        vary: 'Accept-Language',
        staleIfError: '1d',
      },
    },
    moderateCaching: { options: { etags: ['userid', 'roles'], lastModified: true, ramCache: true, anonOnly: false } },
    weakCaching: { options: { etags: ['userid', 'lastModified'], ramCache: true, weakETag: true } },
    terseCaching: {
      options: { etags: ['anonymousOrRandom', 'language'], lastModified: true, ramCache: true, anonOnly: true },
    },
    chain: { rulesets: { 'site.chain': { operations: ['weakCaching', 'moderateCaching', 'noCaching'] } } },
  },
};
const RULESETS = Object.keys(POLICY.operationMapping ?? {});
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];

const CACHE_CONTROL =
  /^max-age=\d+(, s-maxage=\d+)?(, (must|proxy)-revalidate)?(, public|, private)?(, stale-if-error=\d+)?(, no-store)?$/;

/** Every header an answer may carry is well-formed: no control characters, parseable dates, a valid ETag. */
function expectSaneHeaders(status: number, headers: Readonly<Record<string, string>>): void {
  expect([200, 304, 412]).toContain(status);
  for (const [name, value] of Object.entries(headers)) {
    expect(value, name).toMatch(/^[\t\x20-\x7e]*$/);
    expect(value.length, name).toBeLessThan(8192);
  }
  if (status === 412) return;
  expect(headers['cache-control']).toMatch(CACHE_CONTROL);
  expect(parseHttpDate(headers.expires)).toBeDefined();
  if (headers.etag !== undefined) expect(headers.etag).toMatch(/^(W\/)?"[\x21\x23-\x7e]*"$/);
  if (headers['last-modified'] !== undefined) expect(headers['last-modified']).toBe(LAST_MODIFIED_HTTP);
}

describe('the request path under random headers', () => {
  let cache: TestResponseCache;

  beforeAll(() => {
    cache = new TestResponseCache();
  });

  /** A fresh manager per run: errors are logged once per logger and engine, so each run must see its own. */
  function fresh(): { caching: HttpCaching; logger: CollectingLogger } {
    const logger = collectingLogger();
    return {
      logger,
      caching: makeCaching({
        policy: POLICY,
        logger,
        responseCache: cache,
        resourceVersion: 'v1',
        cacheStopRequestVariables: ['statusmessages'],
        behindProxy: true,
      }),
    };
  }

  it('never throws, logs an error or hangs, and answers a well-formed 200, 304 or 412 (engine, thousands of runs)', async () => {
    const published = new PageView(new Page());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.constantFrom(...RULESETS),
        fc.option(fc.constantFrom<CacheUser>(ALICE, { id: 'x"y\r\n', roles: ['a,b', '"'] }), { nil: undefined }),
        headersArbitrary(anyText),
        fc.webPath(),
        async (method, ruleset, user, headers, path) => {
          const { caching, logger } = fresh();
          const started = performance.now();
          const result = await run(caching, {
            method,
            ruleset,
            headers,
            url: path === '' ? '/' : path,
            published,
            ...(user === undefined ? {} : { user }),
          });
          expect(performance.now() - started).toBeLessThan(1_000);
          expectSaneHeaders(result.status, result.headers);
          if (result.status === 304) {
            expect(['GET', 'HEAD']).toContain(method);
            expect(result.body).toBe('');
          }
          if (!['GET', 'HEAD'].includes(method))
            expect(result.headers['cache-control']?.endsWith('private') || result.status === 412).toBe(true);
          if (user !== undefined) expect(result.headers['cache-control'] ?? '').not.toContain('public');
          expect(logger.errors).toEqual([]);
        },
      ),
      { numRuns: 3_000 },
    );
    expect(cache.badlySettled()).toEqual([]);
  }, 120_000);
});

describe('a real node:http server under random header-safe headers', () => {
  let server: Server;
  let base: string;
  let logger: CollectingLogger;
  let cache: TestResponseCache;

  beforeAll(async () => {
    logger = collectingLogger();
    cache = new TestResponseCache();
    const caching = makeCaching({
      policy: POLICY,
      logger,
      responseCache: cache,
      resourceVersion: 'v1',
      cacheStopRequestVariables: ['statusmessages'],
    });
    const published = new PageView(new Page());
    const handlers = new Map(
      RULESETS.map((ruleset) => [
        `/${ruleset}`,
        cachingHandler(
          caching,
          (_req, res) => {
            res.setHeader('Content-Type', 'text/plain');
            res.end(`page ${ruleset}`);
          },
          { ruleset, published },
        ),
      ]),
    );
    server = createServer((req, res) => {
      const handler = handlers.get((req.url ?? '/').split('?')[0] ?? '/');
      if (handler === undefined) {
        res.statusCode = 404;
        res.end();
      } else handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers every request with a well-formed 200, 304 or 412 and never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE'),
        fc.constantFrom(...RULESETS),
        headersArbitrary(wireText, 12_000),
        fc.constantFrom('', '?a=1', '?statusmessages=1'),
        async (method, ruleset, headers, query) => {
          const { Host: _host, ...sent } = headers;
          const response = await rawRequest(`${base}/${ruleset}${query}`, { method, headers: sent, timeout: 5_000 });
          expectSaneHeaders(response.status, response.headers);
          expect(response.headers.date).toBeDefined();
          // The default user resolver counts a request with Authorization as authenticated: never public.
          if (sent.Authorization !== undefined) expect(response.headers['cache-control'] ?? '').not.toContain('public');
          if (response.status === 304 || method === 'HEAD') expect(response.body.byteLength).toBe(0);
          if (response.status === 200 && method !== 'HEAD') expect(response.text).toBe(`page ${ruleset}`);
          expect(logger.errors).toEqual([]);
        },
      ),
      { numRuns: 250 },
    );
    expect(cache.badlySettled()).toEqual([]);
  }, 120_000);
});
