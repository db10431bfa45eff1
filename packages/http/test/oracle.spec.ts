/**
 * Proof against a real peer (issue 3): every response the operations emit through a real node:http
 * server, over a table of policies × requests, is judged by http-cache-semantics as a shared cache
 * and as a browser cache, and the verdicts (storable, fresh for N seconds, revalidation needed) must
 * be what the policy intends.
 */
import { createServer, type Server } from 'node:http';
import type { PolicyData } from '@cacheset/core';
import CachePolicy from 'http-cache-semantics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, rawRequest, serveRoutes, type RawResponse } from './fixtures/wire.js';
import { cachingHandler } from '../src/index.js';
import {
  collectingLogger,
  LAST_MODIFIED,
  makeCaching,
  Page,
  PageView,
  type CollectingLogger,
} from './fixtures/harness.js';

interface Route {
  readonly ruleset: string;
  readonly operation: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** What the view does besides answering 200 'body'. */
  readonly view?: 'sets-cookie' | 'not-found' | 'members-only';
  /** Whether conditional requests can be answered (ETag or Last-Modified configured). */
  readonly validators: boolean;
  /**
   * The intent for an anonymous GET: seconds a shared cache / a browser may serve it without asking,
   * 0 for "stored, but revalidated before every use", null for "never stored".
   */
  readonly shared: number | null;
  readonly browser: number | null;
}

const ROUTES: readonly Route[] = [
  {
    ruleset: 'o.strong',
    operation: 'strongCaching',
    options: { etags: ['resourceVersion'], lastModified: true },
    validators: true,
    shared: 86_400,
    browser: 86_400,
  },
  {
    ruleset: 'o.strongProxy',
    operation: 'strongCaching',
    options: { maxage: '1h', smaxage: '1d' },
    validators: false,
    shared: 86_400,
    browser: 3_600,
  },
  {
    ruleset: 'o.immutable',
    operation: 'strongCaching',
    options: { maxage: '1y', immutable: true },
    validators: false,
    shared: 31_536_000,
    browser: 31_536_000,
  },
  {
    ruleset: 'o.moderate',
    operation: 'moderateCaching',
    options: { smaxage: '1h', etags: ['resourceVersion'], lastModified: true },
    validators: true,
    shared: 3_600,
    browser: 0,
  },
  {
    ruleset: 'o.moderatePlain',
    operation: 'moderateCaching',
    options: {},
    validators: false,
    shared: 86_400,
    browser: 0,
  },
  {
    ruleset: 'o.weak',
    operation: 'weakCaching',
    options: { etags: ['resourceVersion'], lastModified: true },
    validators: true,
    shared: null,
    browser: 0,
  },
  { ruleset: 'o.weakPlain', operation: 'weakCaching', options: {}, validators: false, shared: null, browser: 0 },
  {
    ruleset: 'o.terse',
    operation: 'terseCaching',
    options: { etags: ['resourceVersion'] },
    validators: true,
    shared: 60,
    browser: 10,
  },
  { ruleset: 'o.none', operation: 'noCaching', options: {}, validators: false, shared: null, browser: 0 },
  {
    ruleset: 'o.noStore',
    operation: 'noCaching',
    options: { noStore: true },
    validators: false,
    shared: null,
    browser: null,
  },
  {
    ruleset: 'o.cookie',
    operation: 'strongCaching',
    options: {},
    view: 'sets-cookie',
    validators: false,
    shared: null,
    browser: 0,
  },
  {
    ruleset: 'o.secret',
    operation: 'moderateCaching',
    options: {},
    view: 'members-only',
    validators: false,
    shared: null,
    browser: 0,
  },
  {
    ruleset: 'o.missing',
    operation: 'strongCaching',
    options: {},
    view: 'not-found',
    validators: false,
    shared: null,
    browser: 0,
  },
];

const WHO = {
  anonymous: {},
  authenticated: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
} as const;

/** What the policy intends for a request: authenticated requests and unsafe methods are never shared. */
function intent(
  route: Route,
  who: keyof typeof WHO,
  method: string,
): { shared: number | null; browser: number | null } {
  const never = route.browser === null ? null : 0;
  if (who === 'authenticated' || method === 'POST') return { shared: null, browser: never };
  return { shared: route.shared, browser: route.browser };
}

type Req = CachePolicy.Request;

function requestFor(route: Route, method: string, headers: Readonly<Record<string, string>>): Req {
  return { method, url: `/${route.ruleset}`, headers: { host: 'oracle.test', ...headers } };
}

/**
 * http-cache-semantics 4.3 over-reads the two revalidate directives, which RFC 9111 (§5.2.2.2,
 * §5.2.2.8) lets govern only the reuse of *stale* copies: its shared caches treat `proxy-revalidate`
 * as "stale at once" (kornelski/rusty-http-cache-semantics#23, the same code as the JS package), and
 * `evaluateRequest` revalidates every `must-revalidate` response even while fresh (regression since
 * 4.2.0, kornelski/http-cache-semantics#54). The freshness verdicts are therefore taken with those
 * two directives left out; that every storable response still carries one (so stale copies are
 * revalidated) is asserted on the response as sent.
 */
function oracleView(response: RawResponse): CachePolicy.Response {
  const cacheControl = (response.headers['cache-control'] ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => !['proxy-revalidate', 'must-revalidate'].includes(d.toLowerCase()))
    .join(', ');
  return { status: response.status, headers: { ...response.headers, 'cache-control': cacheControl } };
}

/** null: never stored; otherwise the whole seconds it may be served without asking (0: revalidated first). */
function judge(policy: CachePolicy): number | null {
  if (!policy.storable()) return null;
  return Math.round(policy.timeToLive() / 1000);
}

describe('http-cache-semantics verdicts on the operations’ responses', () => {
  let server: Server;
  let base: string;
  let logger: CollectingLogger;

  beforeAll(async () => {
    logger = collectingLogger();
    const policy: PolicyData = {
      operationMapping: Object.fromEntries(ROUTES.map((r) => [r.ruleset, r.operation])),
      operations: ROUTES.reduce<Record<string, { rulesets: Record<string, Readonly<Record<string, unknown>>> }>>(
        (ops, r) => {
          (ops[r.operation] ??= { rulesets: {} }).rulesets[r.ruleset] = r.options;
          return ops;
        },
        {},
      ),
    };
    const caching = makeCaching({ policy, logger, resourceVersion: 'v1', now: () => Date.now() });
    const publicPage = new PageView(new Page(LAST_MODIFIED, true));
    const secretPage = new PageView(new Page(LAST_MODIFIED, false));
    const handlers = new Map(
      ROUTES.map((route) => [
        `/${route.ruleset}`,
        cachingHandler(
          caching,
          (_req, res) => {
            if (route.view === 'sets-cookie') res.setHeader('Set-Cookie', 'visited=1; Path=/');
            if (route.view === 'not-found') res.statusCode = 404;
            res.setHeader('Content-Type', 'text/plain');
            res.end('body');
          },
          { ruleset: route.ruleset, published: route.view === 'members-only' ? secretPage : publicPage },
        ),
      ]),
    );
    ({ server, base } = await serveRoutes(handlers));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(logger.errors).toEqual([]);
  });

  const fetchAs = (route: Route, method: string, headers: Readonly<Record<string, string>>) =>
    rawRequest(`${base}/${route.ruleset}`, { method, headers, ...(method === 'POST' ? { body: 'x=1' } : {}) });

  describe.each(ROUTES)('$operation for $ruleset', (route) => {
    describe.each(['anonymous', 'authenticated'] as const)('%s', (who) => {
      it.each(['GET', 'HEAD', 'POST'])('%s is storable and fresh exactly as the policy intends', async (method) => {
        const headers = WHO[who];
        const response = await fetchAs(route, method, headers);
        const expected = intent(route, who, method);
        const req = requestFor(route, method, headers);
        const asShared = new CachePolicy(req, oracleView(response), { shared: true });
        const asBrowser = new CachePolicy(req, oracleView(response), { shared: false });
        expect({ shared: judge(asShared), browser: judge(asBrowser) }).toEqual(expected);
        // Storable exactly so as sent, too; and a storable response says that stale copies must be revalidated.
        expect(new CachePolicy(req, response, { shared: true }).storable()).toBe(expected.shared !== null);
        expect(new CachePolicy(req, response, { shared: false }).storable()).toBe(expected.browser !== null);
        if (expected.browser !== null) expect(response.headers['cache-control']).toMatch(/(must|proxy)-revalidate/);
        // Fresh: the same request again is served without asking; 0: it is revalidated first.
        if (method !== 'POST') {
          if (expected.shared !== null) expect(asShared.satisfiesWithoutRevalidation(req)).toBe(expected.shared > 0);
          if (expected.browser !== null) expect(asBrowser.satisfiesWithoutRevalidation(req)).toBe(expected.browser > 0);
        }
      });
    });
  });

  describe('revalidation', () => {
    const withValidators = ROUTES.filter((r) => r.validators);

    it.each(
      withValidators.flatMap((route) =>
        (['anonymous', 'authenticated'] as const).map((who) => [route.ruleset, who, route] as const),
      ),
    )(
      '%s (%s): the conditional request a cache builds gets a 304 that keeps the policy’s verdict',
      async (_name, who, route) => {
        const headers = WHO[who];
        const req = requestFor(route, 'GET', headers);
        const first = await fetchAs(route, 'GET', headers);
        for (const shared of [false, true]) {
          // A cache that may not store the response has nothing to revalidate.
          if ((shared ? intent(route, who, 'GET').shared : intent(route, who, 'GET').browser) === null) continue;
          const policy = new CachePolicy(req, shared ? oracleView(first) : first, { shared });
          const revalidation = policy.revalidationHeaders(req);
          expect(revalidation['if-none-match'] ?? revalidation['if-modified-since']).toBeDefined();
          const { host: _host, ...conditional } = revalidation as Record<string, string>;
          const second = await fetchAs(route, 'GET', conditional);
          expect(second.status).toBe(304);
          expect(second.body.byteLength).toBe(0);
          const { policy: updated, modified } = policy.revalidatedPolicy(req, shared ? oracleView(second) : second);
          expect(modified).toBe(false);
          const expected = intent(route, who, 'GET');
          expect(judge(updated)).toBe(shared ? expected.shared : expected.browser);
        }
      },
    );

    it('never lets a logged-in user’s random ETag (anonOnly) revalidate', async () => {
      const caching = makeCaching({
        policy: {
          operationMapping: { 'o.anon': 'weakCaching' },
          operations: { weakCaching: { options: { anonOnly: true } } },
        },
      });
      const port = await freePort();
      const anonServer = createServer(
        cachingHandler(caching, (_req, res) => res.end('body'), {
          ruleset: 'o.anon',
          published: new PageView(new Page()),
        }),
      );
      await new Promise<void>((resolve) => anonServer.listen(port, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${port}/`;
        const req: Req = { method: 'GET', url: '/', headers: { host: 'oracle.test', ...WHO.authenticated } };
        const first = await rawRequest(url, { headers: WHO.authenticated });
        const policy = new CachePolicy(req, first, { shared: false });
        const second = await rawRequest(url, {
          headers: {
            ...WHO.authenticated,
            'if-none-match': policy.revalidationHeaders(req)['if-none-match'] as string,
          },
        });
        expect(second.status).toBe(200);
        expect(policy.revalidatedPolicy(req, second).modified).toBe(true);
      } finally {
        await new Promise<void>((resolve) => anonServer.close(() => resolve()));
      }
    });
  });

  describe('Vary', () => {
    it('keeps a shared copy of terseCaching from answering a request with another Accept', async () => {
      const route = ROUTES.find((r) => r.ruleset === 'o.terse') as Route;
      const json = { accept: 'application/json' };
      const response = await fetchAs(route, 'GET', json);
      expect(response.headers.vary).toBe('Accept');
      const policy = new CachePolicy(requestFor(route, 'GET', json), oracleView(response), { shared: true });
      expect(policy.satisfiesWithoutRevalidation(requestFor(route, 'GET', json))).toBe(true);
      expect(policy.satisfiesWithoutRevalidation(requestFor(route, 'GET', { accept: 'text/html' }))).toBe(false);
    });
  });

  describe('the revalidate directives as http-cache-semantics 4.3 reads them', () => {
    it('make its shared caches revalidate the ancestors’ public forms every time: stricter than RFC 9111, never less safe', async () => {
      const strong = ROUTES.find((r) => r.ruleset === 'o.strong') as Route;
      const strongResponse = await fetchAs(strong, 'GET', {});
      expect(strongResponse.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
      const strongAsIs = new CachePolicy(requestFor(strong, 'GET', {}), strongResponse, { shared: true });
      expect(strongAsIs.storable()).toBe(true);
      expect(strongAsIs.timeToLive()).toBe(0);
      const moderate = ROUTES.find((r) => r.ruleset === 'o.moderate') as Route;
      const moderateResponse = await fetchAs(moderate, 'GET', {});
      expect(moderateResponse.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
      const moderateAsIs = new CachePolicy(requestFor(moderate, 'GET', {}), moderateResponse, { shared: true });
      expect(Math.round(moderateAsIs.timeToLive() / 1000)).toBe(3600);
      expect(moderateAsIs.satisfiesWithoutRevalidation(requestFor(moderate, 'GET', {}))).toBe(false);
    });
  });
});
