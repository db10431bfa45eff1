import {
  createExchange,
  memoryRequest,
  memoryResponse,
  type ResponseCache,
  type ResponseCacheLookup,
} from '@cacheset/core';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RAMCACHE_HEADER, RAMCACHE_HEADER_VALUE } from '../src/index.js';
import {
  ALICE,
  BOB,
  collectingLogger,
  EXPIRED_HTTP,
  LAST_MODIFIED,
  makeCaching,
  NOW,
  Page,
  PageView,
  policyFor,
  run,
  TestResponseCache,
  type HarnessOptions,
} from './fixtures/harness.js';
import { pathOf, ramCacheKey } from '../src/responseCache/ramCacheKey.js';
import { replayStoredResponse, toStoredResponse, unstorableReason } from '../src/responseCache/storedResponses.js';
import { requestCapture, requestedCaptures, settleCaptures, type CapturedResponse } from '@cacheset/core/internal';

describe('ramCacheKey', () => {
  const request = memoryRequest({ url: '/foo/bar?x=1&y=2', headers: { host: 'example.com', 'accept-language': 'de' } });

  it('is host and request target without validators', () => {
    expect(ramCacheKey(request, undefined, undefined, [])).toBe('example.com/foo/bar?x=1&y=2');
  });

  it('is prefixed with the ETag and the Last-Modified, so a changed validator is a natural miss', () => {
    expect(ramCacheKey(request, '|foo|bar', undefined, [])).toBe('||foo|bar||example.com/foo/bar?x=1&y=2');
    const lm = DateTime.fromMillis(LAST_MODIFIED, { zone: 'utc' });
    expect(ramCacheKey(request, '|foo', lm, [])).toBe(`||foo|||${LAST_MODIFIED}||example.com/foo/bar?x=1&y=2`);
  });

  it('ends with the value of every header the response varies on, present or not', () => {
    expect(ramCacheKey(request, undefined, undefined, ['Accept-Language', 'Accept'])).toBe(
      'example.com/foo/bar?x=1&y=2\naccept-language:de\naccept:',
    );
  });
});

describe('pathOf', () => {
  it('is the path without the query', () => {
    expect(pathOf('/a/b?c=d')).toBe('/a/b');
    expect(pathOf('/a')).toBe('/a');
    expect(pathOf('?x')).toBe('/');
    expect(pathOf('')).toBe('/');
  });
});

describe('unstorableReason', () => {
  const ok: CapturedResponse = { status: 200, headers: [['content-type', 'text/html']], body: new Uint8Array([1]) };

  it('accepts a 200 with a body, no cookie and a keyed Vary', () => {
    expect(unstorableReason(ok, [], false)).toBeUndefined();
    expect(unstorableReason({ ...ok, headers: [['vary', 'Accept']] }, ['accept'], false)).toBeUndefined();
  });

  it('gives the code of why anything else is refused', () => {
    expect(unstorableReason({ ...ok, status: 404 }, [], false)).toBe('uncacheable-status');
    expect(unstorableReason({ ...ok, body: new Uint8Array() }, [], false)).toBe('empty-body');
    expect(unstorableReason({ ...ok, status: 503 }, [], false)).toBe('server-error');
    expect(unstorableReason(ok, [], true)).toBe('private');
    expect(unstorableReason({ ...ok, headers: [['set-cookie', 'a=1']] }, [], false)).toBe('sets-cookie');
    expect(
      unstorableReason(
        {
          ...ok,
          headers: [
            ['vary', 'Accept'],
            ['vary', '*'],
          ],
        },
        ['Accept'],
        false,
      ),
    ).toBe('vary-star');
    expect(unstorableReason({ ...ok, headers: [['vary', 'Accept, Cookie']] }, ['Accept'], false)).toBe('unkeyed-vary');
  });
});

describe('toStoredResponse and replayStoredResponse', () => {
  const captured: CapturedResponse = {
    status: 200,
    headers: [
      ['content-type', 'text/html'],
      ['etag', '"|v1"'],
      ['cache-control', 'max-age=60, proxy-revalidate, public'],
      ['set-cookie', 'a=1'],
      ['date', 'x'],
      ['age', '3'],
      ['expires', 'y'],
      ['content-length', '5'],
      ['connection', 'keep-alive'],
      ['transfer-encoding', 'chunked'],
      ['cache-status', 'cacheset; fwd=uri-miss'],
      ['x-ramcache', 'z'],
    ],
    body: new TextEncoder().encode('hello'),
  };

  it('keeps the response, not what describes one transmission of it (PAC-17 adapted)', () => {
    const stored = toStoredResponse(captured, NOW);
    expect(stored.headers).toEqual([
      ['content-type', 'text/html'],
      ['etag', '"|v1"'],
      ['cache-control', 'max-age=60, proxy-revalidate, public'],
    ]);
    expect(stored.storedAt).toBe(NOW);
    expect(stored.status).toBe(200);
  });

  it('replays status and headers, keeps headers already on the response, and sets the ETag literally (PAC-7)', () => {
    const response = memoryResponse();
    response.setHeader('X-Bar', 'kept');
    replayStoredResponse(response, { ...toStoredResponse(captured, NOW), status: 404 }, NOW + 20_500, true);
    expect(response.status).toBe(404);
    expect(response.headers()).toEqual({
      'x-bar': 'kept',
      'content-type': 'text/html',
      etag: '"|v1"',
      'cache-control': 'max-age=60, proxy-revalidate, public',
      age: '20',
      expires: new Date(Math.floor((NOW + 20_500) / 1000) * 1000 + 40_000).toUTCString(),
      'content-length': '5',
      'x-ramcache': RAMCACHE_HEADER_VALUE,
    });
  });

  it('sends Age 0 and no mark when asked, even with a clock behind the store', () => {
    const response = memoryResponse();
    replayStoredResponse(response, toStoredResponse(captured, NOW), NOW - 5_000, false);
    expect(response.getHeader('age')).toBe('0');
    expect(response.getHeader('x-ramcache')).toBeUndefined();
  });
});

describe('response captures', () => {
  it('hand the finished response to every capture once, abandon too-large bodies, and survive a throwing one', () => {
    const exchange = createExchange({ request: memoryRequest(), response: memoryResponse() });
    const seen: string[] = [];
    const errors: unknown[] = [];
    requestCapture(exchange, {
      maxBytes: 100,
      complete: (r) => void seen.push(`a:${r.body.byteLength}`),
      abandon: (why) => void seen.push(`a!${why}`),
    });
    requestCapture(exchange, {
      maxBytes: 2,
      complete: () => void seen.push('b'),
      abandon: (why) => void seen.push(`b!${why}`),
    });
    requestCapture(exchange, {
      maxBytes: 100,
      complete: () => {
        throw new Error('boom');
      },
      abandon: () => undefined,
    });
    expect(requestedCaptures(exchange)).toHaveLength(3);
    settleCaptures(
      exchange,
      { status: 200, headers: [], body: new Uint8Array(5) },
      'client-gone',
      (e) => void errors.push(e),
    );
    expect(seen).toEqual(['a:5', 'b!too-large']);
    expect(errors).toHaveLength(1);
    expect(requestedCaptures(exchange)).toHaveLength(0);
    settleCaptures(exchange, { status: 200, headers: [], body: undefined });
    expect(seen).toHaveLength(2);
  });

  it('are abandoned with the reason when there is no body', () => {
    const exchange = createExchange({ request: memoryRequest(), response: memoryResponse() });
    const seen: string[] = [];
    requestCapture(exchange, {
      maxBytes: 100,
      complete: () => void seen.push('complete'),
      abandon: (why) => void seen.push(why),
    });
    settleCaptures(exchange, { status: 200, headers: [], body: undefined }, 'client-gone');
    expect(seen).toEqual(['client-gone']);
  });
});

describe('the RAM cache flow', () => {
  let cache: TestResponseCache;
  let clock = NOW;

  afterEach(() => {
    // Whatever happened, every fill a lookup handed out was settled exactly once.
    expect(cache.badlySettled()).toEqual([]);
    clock = NOW;
  });

  function caching(op: string, options: Readonly<Record<string, unknown>> = {}, extra: Partial<HarnessOptions> = {}) {
    cache = new TestResponseCache();
    return makeCaching({
      policy: policyFor(op, { ramCache: true, ...options }),
      responseCache: cache,
      now: () => clock,
      ...extra,
    });
  }

  describe('for anonymous GET requests', () => {
    it('stores a rendered 200 and replays it with X-RAMCache, without rendering', async () => {
      const c = caching('weakCaching', { etags: ['resourceVersion'] }, { resourceVersion: 'v1' });
      const first = await run(c, {
        render: (r) => (r.setHeader('Content-Type', 'text/html'), r.setHeader('X-App', 'yes'), '<p>hello</p>'),
      });
      expect(first.headers[RAMCACHE_HEADER.toLowerCase()]).toBeUndefined();
      expect(first.headers['cache-status']).toBe('cacheset; fwd=uri-miss');
      expect(cache.fills).toHaveLength(1);
      const stored = cache.fills[0]?.stored[0];
      expect(stored?.info).toEqual({
        key: '||v1||example.com/page',
        path: '/page',
        ruleset: 'site.page',
        surrogateKeys: [],
      });
      expect(stored?.response.status).toBe(200);
      expect(Buffer.from(stored?.response.body ?? []).toString()).toBe('<p>hello</p>');
      const names = stored?.response.headers.map(([n]) => n) ?? [];
      expect(names).toEqual(expect.arrayContaining(['content-type', 'x-app', 'cache-control', 'etag']));
      for (const name of names) expect(name).toBe(name.toLowerCase());
      expect(names).not.toContain('expires');
      expect(names).not.toContain('cache-status');

      const second = await run(c, { render: () => 'rendered again' });
      expect(second.intercepted).toBe(true);
      expect(second.status).toBe(200);
      expect(second.body).toBe('<p>hello</p>');
      expect(second.headers[RAMCACHE_HEADER.toLowerCase()]).toBe(RAMCACHE_HEADER_VALUE);
      expect(second.headers['content-type']).toBe('text/html');
      expect(second.headers['x-app']).toBe('yes');
      expect(second.headers.etag).toBe('"|v1"');
      expect(second.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
      expect(second.headers['content-length']).toBe(String('<p>hello</p>'.length));
      expect(second.headers['cache-status']).toBe('cacheset; hit');
      expect(second.headers['x-cache-rule']).toBe('site.page');
      expect(second.headers['x-cache-operation']).toBe('weakCaching');
    });

    it('recomputes Age and Expires on a hit instead of replaying the original absolute date', async () => {
      const c = caching('terseCaching');
      const first = await run(c);
      expect(first.headers.expires).toBe(new Date(Math.floor(NOW / 1000) * 1000 + 10_000).toUTCString());
      clock = NOW + 4_000;
      const young = await run(c);
      expect(young.headers.age).toBe('4');
      expect(young.headers.expires).toBe(new Date(Math.floor(NOW / 1000) * 1000 + 10_000).toUTCString());
      clock = NOW + 30_000;
      const old = await run(c);
      expect(old.intercepted).toBe(true);
      expect(old.headers.age).toBe('30');
      expect(old.headers.expires).toBe(new Date(Math.floor(clock / 1000) * 1000 - 3650 * 86_400_000).toUTCString());
    });

    it('misses after the validators change (a new ETag is a new key)', async () => {
      let version = 'v1';
      const c = caching(
        'weakCaching',
        { etags: ['version'] },
        { etagComponents: [{ name: 'version', value: () => version }] },
      );
      await run(c);
      expect((await run(c)).intercepted).toBe(true);
      version = 'v2';
      const after = await run(c, { render: () => 'new' });
      expect(after.intercepted).toBe(false);
      expect(after.body).toBe('new');
      expect(cache.lookups).toEqual(['||v1||example.com/page', '||v1||example.com/page', '||v2||example.com/page']);
    });

    it('keys by Last-Modified when the operation sends it', async () => {
      const c = caching('weakCaching', { lastModified: true });
      await run(c);
      expect(cache.lookups[0]).toBe(`|${LAST_MODIFIED}||example.com/page`);
    });

    it('keys by host and request target', async () => {
      const c = caching('weakCaching');
      await run(c, { url: '/a?x=1' });
      await run(c, { url: '/a?x=2' });
      await run(c, { url: '/a?x=1', headers: { host: 'other.example' } });
      expect(cache.lookups).toEqual(['example.com/a?x=1', 'example.com/a?x=2', 'other.example/a?x=1']);
      expect(cache.entries.size).toBe(3);
    });

    it('keys by the values of the vary option’s headers and keeps variants apart', async () => {
      const c = caching('moderateCaching', { vary: 'Accept-Language' });
      const de = await run(c, { headers: { 'Accept-Language': 'de' }, render: () => 'Hallo' });
      expect(de.headers.vary).toBe('Accept-Language');
      await run(c, { headers: { 'Accept-Language': 'en' }, render: () => 'Hello' });
      expect((await run(c, { headers: { 'Accept-Language': 'de' } })).body).toBe('Hallo');
      expect((await run(c, { headers: { 'Accept-Language': 'en' } })).body).toBe('Hello');
      expect(cache.entries.size).toBe(2);
    });

    it('answers a matching If-None-Match with a 304 before looking in the RAM cache', async () => {
      const c = caching('weakCaching', { etags: ['resourceVersion'] }, { resourceVersion: 'v1' });
      const result = await run(c, { headers: { 'If-None-Match': '"|v1"' } });
      expect(result.status).toBe(304);
      expect(cache.lookups).toEqual([]);
    });

    it('marks a hit that waited for another request as collapsed', async () => {
      const c = caching('weakCaching');
      await run(c);
      const collapsing: ResponseCache = { lookup: (key) => ({ ...cache.lookup(key), collapsed: true }) };
      const c2 = makeCaching({ policy: policyFor('weakCaching', { ramCache: true }), responseCache: collapsing });
      expect((await run(c2)).headers['cache-status']).toBe('cacheset; hit; collapsed');
    });

    it('can leave out X-RAMCache and Cache-Status', async () => {
      const c = caching('weakCaching', {}, {});
      const quiet = makeCaching({
        policy: policyFor('weakCaching', { ramCache: true }, { debugHeaders: { ramCache: false, cacheStatus: false } }),
        responseCache: cache,
      });
      await run(c);
      const hit = await run(quiet);
      expect(hit.intercepted).toBe(true);
      expect(hit.headers['x-ramcache']).toBeUndefined();
      expect(hit.headers['cache-status']).toBeUndefined();
    });

    describe('with NODE_ENV=production when the caching is created', () => {
      afterEach(() => {
        vi.unstubAllEnvs();
      });
      const debugNames = ['x-ramcache', 'cache-status', 'x-cache-rule', 'x-cache-operation'];

      it('sends no debug header at all, hit or miss, unless the policy names them', async () => {
        vi.stubEnv('NODE_ENV', 'production');
        const c = caching('weakCaching');
        vi.unstubAllEnvs();
        const miss = await run(c);
        const hit = await run(c);
        expect(hit.intercepted).toBe(true);
        for (const name of debugNames) {
          expect(miss.headers[name], name).toBeUndefined();
          expect(hit.headers[name], name).toBeUndefined();
        }
      });

      it('replays a copy stored while they were on without them: debug headers are never stored', async () => {
        const c = caching('weakCaching');
        const first = await run(c);
        expect(first.headers['x-cache-rule']).toBe('site.page');
        const names = cache.fills[0]?.stored[0]?.response.headers.map(([name]) => name) ?? [];
        expect(names).not.toContain('x-cache-rule');
        expect(names).not.toContain('x-cache-operation');
        vi.stubEnv('NODE_ENV', 'production');
        c.setPolicy(policyFor('weakCaching', { ramCache: true }));
        const hit = await run(c);
        expect(hit.intercepted).toBe(true);
        for (const name of debugNames) expect(hit.headers[name], name).toBeUndefined();
      });

      it('sends those the policy turns on', async () => {
        vi.stubEnv('NODE_ENV', 'production');
        cache = new TestResponseCache();
        const debugHeaders = { rule: true, operation: true, ramCache: true, cacheStatus: true };
        const c = makeCaching({
          policy: policyFor('weakCaching', { ramCache: true }, { debugHeaders }),
          responseCache: cache,
        });
        await run(c);
        const hit = await run(c);
        expect(hit.headers).toMatchObject({
          'x-ramcache': RAMCACHE_HEADER_VALUE,
          'cache-status': 'cacheset; hit',
          'x-cache-rule': 'site.page',
          'x-cache-operation': 'weakCaching',
        });
      });
    });
  });

  describe('HEAD', () => {
    it('is answered from a stored GET with the same headers and no body', async () => {
      const c = caching('strongCaching');
      await run(c, { render: () => 'abc' });
      const head = await run(c, { method: 'HEAD' });
      const get = await run(c);
      expect(head.intercepted).toBe(true);
      expect(head.headers).toEqual(get.headers);
      expect(head.headers['content-length']).toBe('3');
    });

    it('never fills the cache (it has no body to store)', async () => {
      const c = caching('strongCaching');
      await run(c, { method: 'HEAD' });
      expect(cache.entries.size).toBe(0);
      expect(cache.fills[0]?.abandoned).toEqual(['head']);
    });
  });

  describe('requests that never look up', () => {
    it('are POSTs, cache-stopped requests and authenticated requests without a user-keyed ETag', async () => {
      const c = caching('weakCaching', { etags: ['language'] }, { cacheStopRequestVariables: ['statusmessages'] });
      expect((await run(c, { method: 'POST' })).headers['cache-status']).toBe('cacheset; fwd=bypass');
      expect((await run(c, { url: '/page?statusmessages=1' })).headers['cache-status']).toBe('cacheset; fwd=bypass');
      expect((await run(c, { user: ALICE })).headers['cache-status']).toBe('cacheset; fwd=bypass');
      expect(cache.lookups).toEqual([]);
      expect(cache.entries.size).toBe(0);
    });

    it('is every request when ramCache is off or no store is configured', async () => {
      cache = new TestResponseCache();
      const off = makeCaching({ policy: policyFor('weakCaching', { ramCache: false }), responseCache: cache });
      await run(off);
      const noStore = makeCaching({ policy: policyFor('weakCaching', { ramCache: true }) });
      const result = await run(noStore);
      expect(cache.lookups).toEqual([]);
      expect(result.headers['cache-status']).toBeUndefined();
    });
  });

  describe('user- and role-keyed policies', () => {
    it('cache per user with a userid ETag, never serving one user’s page to another or to anonymous visitors', async () => {
      const c = caching('weakCaching', { etags: ['userid'] });
      await run(c, { user: ALICE, render: () => 'alice’s page' });
      expect((await run(c, { user: ALICE })).body).toBe('alice’s page');
      expect((await run(c, { user: BOB, render: () => 'bob’s page' })).body).toBe('bob’s page');
      expect((await run(c, { render: () => 'public page' })).body).toBe('public page');
      expect(cache.entries.size).toBe(3);
    });

    it('cache per role set with a roles ETag', async () => {
      const c = caching('weakCaching', { etags: ['roles'] });
      await run(c, { user: ALICE, render: () => 'editor view' });
      expect((await run(c, { user: { id: 'carol', roles: ['Editor', 'Member'] } })).body).toBe('editor view');
      expect((await run(c, { user: BOB, render: () => 'member view' })).body).toBe('member view');
    });

    it('bind a copy keyed by both to the user and the roles, in the scope and in the key text', async () => {
      const c = caching('weakCaching', { etags: ['roles', 'userid'] });
      await run(c, { user: ALICE });
      expect(cache.scopes).toEqual([{ kind: 'user', id: 'alice', roles: ['Editor', 'Member'] }]);
      // The key text names the scope too, for a store that ignores the scope argument.
      expect(cache.lookups[0]).toBe(
        '||Editor;Member|alice||example.com/page\n\u0000user:id="alice"&roles=["Editor","Member"]',
      );
      // A per-user copy keeps the private downgrade: it is never public.
      expect(cache.fills[0]?.stored[0]?.response.headers).toContainEqual([
        'cache-control',
        'max-age=0, must-revalidate, private',
      ]);
    });

    it('look anonymous copies up as shared and user copies under the user id or the sorted roles', async () => {
      const byId = caching('weakCaching', { etags: ['userid'] });
      await run(byId, { user: ALICE });
      await run(byId);
      const idScopes = cache.scopes;
      const byRoles = caching('weakCaching', { etags: ['roles'] });
      await run(byRoles, { user: ALICE });
      expect(idScopes).toEqual([{ kind: 'user', id: 'alice' }, { kind: 'shared' }]);
      expect(cache.scopes).toEqual([{ kind: 'roles', roles: ['Editor', 'Member'] }]);
    });

    it('do not count anonOnly’s random token as keying by user', async () => {
      const c = caching('weakCaching', { etags: ['userid'], anonOnly: true });
      expect((await run(c, { user: ALICE })).headers['cache-status']).toBe('cacheset; fwd=bypass');
    });

    it('keep a user’s page from other users even when a chain member computed the ETag without the user', async () => {
      cache = new TestResponseCache();
      const c = makeCaching({
        policy: {
          operationMapping: { 'site.page': 'chain' },
          operations: {
            chain: { rulesets: { 'site.page': { operations: ['weakCaching', 'moderateCaching'] } } },
            weakCaching: { options: { etags: ['language'] } },
            moderateCaching: { options: { etags: ['userid'], ramCache: true } },
          },
        },
        responseCache: cache,
      });
      await run(c, { user: ALICE, headers: { 'Accept-Language': 'en' }, render: () => 'alice’s page' });
      expect((await run(c, { user: BOB, headers: { 'Accept-Language': 'en' }, render: () => 'bob’s page' })).body).toBe(
        'bob’s page',
      );
      expect((await run(c, { headers: { 'Accept-Language': 'en' }, render: () => 'public page' })).body).toBe(
        'public page',
      );
    });
  });

  describe('responses that are never stored', () => {
    const never: [string, Parameters<typeof run>[1]][] = [
      ['a 404', { render: (r) => void (r.status = 404) }],
      ['a 500', { render: (r) => void (r.status = 500) }],
      ['a redirect', { render: (r) => ((r.status = 302), r.setHeader('Location', '/x'), 'moved') }],
      ['a 206', { render: (r) => void (r.status = 206) }],
      ['an empty body', { render: () => '' }],
      ['a response that sets a cookie', { render: (r) => r.setHeader('Set-Cookie', 'session=secret') }],
      ['a response the application made private', { render: (r) => r.setHeader('Cache-Control', 'private') }],
      ['a response the application made no-store', { render: (r) => r.setHeader('Cache-Control', 'no-store') }],
      ['a response with Vary: *', { render: (r) => r.setHeader('Vary', '*') }],
      [
        'a response varying on a header the key does not include',
        { render: (r) => r.setHeader('Vary', 'Accept-Encoding') },
      ],
    ];

    it.each(never)('%s', async (_name, init) => {
      const c = caching('strongCaching', { vary: 'Accept' });
      await run(c, init);
      expect(cache.entries.size).toBe(0);
      expect(cache.fills[0]?.abandoned).toHaveLength(1);
      const again = await run(c);
      expect(again.intercepted).toBe(false);
    });

    it('is content anonymous visitors may not see (IAnonymousAccess)', async () => {
      const c = caching('weakCaching');
      const secret = new PageView(new Page(LAST_MODIFIED, false));
      await run(c, { published: secret, render: () => 'members only' });
      expect(cache.entries.size).toBe(0);
      expect((await run(c, { published: secret, render: () => 'rendered' })).body).toBe('rendered');
    });

    it('is a body larger than ramCacheMaxBytes', async () => {
      const c = caching('weakCaching', {}, { ramCacheMaxBytes: 10 });
      await run(c, { render: () => 'x'.repeat(11) });
      expect(cache.entries.size).toBe(0);
      expect(cache.fills[0]?.abandoned).toEqual(['too-large']);
    });

    it('is a response noCaching ends a chain with', async () => {
      cache = new TestResponseCache();
      const c = makeCaching({
        policy: {
          operationMapping: { 'site.page': 'chain' },
          operations: {
            chain: { rulesets: { 'site.page': { operations: ['weakCaching', 'noCaching'] } } },
            weakCaching: { options: { ramCache: true } },
          },
        },
        responseCache: cache,
      });
      await run(c);
      expect(cache.entries.size).toBe(0);
    });
  });

  describe('fills', () => {
    it('are released as soon as a later chain member answers 304 or 412', async () => {
      cache = new TestResponseCache();
      const c = makeCaching({
        policy: {
          operationMapping: { 'site.page': 'chain' },
          operations: {
            chain: { rulesets: { 'site.page': { operations: ['weakCaching', 'moderateCaching'] } } },
            // weakCaching has no validators: it misses the RAM cache and takes the fill; moderateCaching,
            // the first to compute an ETag, then answers.
            weakCaching: { options: { ramCache: true } },
            moderateCaching: { options: { etags: ['resourceVersion'] } },
          },
        },
        responseCache: cache,
        resourceVersion: 'v1',
      });
      const notModified = await run(c, { headers: { 'if-none-match': '"|v1"' } });
      expect(notModified.status).toBe(304);
      const failed = await run(c, { method: 'PUT', headers: { 'if-match': '"|v0"' } });
      expect(failed.status).toBe(412);
      expect(cache.fills.map((f) => f.abandoned)).toEqual([['answered']]);
      expect(cache.badlySettled()).toEqual([]);
    });

    it('are settled exactly once when two chain members use the RAM cache', async () => {
      cache = new TestResponseCache();
      const c = makeCaching({
        policy: {
          operationMapping: { 'site.page': 'chain' },
          operations: {
            chain: { rulesets: { 'site.page': { operations: ['weakCaching', 'moderateCaching'] } } },
            weakCaching: { options: { ramCache: true } },
            moderateCaching: { options: { ramCache: true } },
          },
        },
        responseCache: cache,
      });
      await run(c, { render: () => 'page' });
      expect(cache.entries.size).toBe(1);
      expect((await run(c)).intercepted).toBe(true);
    });

    it('are abandoned when the client goes away (the adapter abandons what is still held)', async () => {
      const c = caching('weakCaching');
      const { createExchange, memoryResponse } = await import('@cacheset/core');
      const { abandonHeldFill } = await import('@cacheset/core/internal');
      const { attachHttpSettings } = await import('../src/index.js');
      const response = memoryResponse();
      const exchange = createExchange({
        request: memoryRequest({ url: '/page', headers: { host: 'example.com' } }),
        response,
        rulesetHint: 'site.page',
        adapters: c.adapters,
      });
      attachHttpSettings(exchange, c.settings);
      await c.engine.intercept(exchange);
      c.engine.modify(exchange);
      settleCaptures(exchange, { status: 200, headers: [], body: undefined }, 'client-gone');
      abandonHeldFill(exchange, 'client-gone');
      expect(cache.fills[0]?.abandoned).toEqual(['client-gone']);
    });
  });

  describe('a failing store', () => {
    it('makes requests render uncached and is logged once', async () => {
      const logger = collectingLogger();
      cache = new TestResponseCache();
      const broken: ResponseCache = {
        lookup: (): ResponseCacheLookup => {
          throw new Error('store exploded');
        },
      };
      const c = makeCaching({ policy: policyFor('weakCaching', { ramCache: true }), responseCache: broken, logger });
      for (let i = 0; i < 3; i += 1) {
        const result = await run(c, { render: () => 'fine' });
        expect(result.status).toBe(200);
        expect(result.body).toBe('fine');
      }
      expect(logger.errors.filter((m) => m.includes('store exploded'))).toHaveLength(1);
    });

    it('that rejects asynchronously is treated the same way', async () => {
      cache = new TestResponseCache();
      const c = makeCaching({
        policy: policyFor('weakCaching', { ramCache: true }),
        responseCache: { lookup: async () => Promise.reject(new Error('redis gone')) },
      });
      expect((await run(c, { render: () => 'fine' })).body).toBe('fine');
    });
  });

  it('replays a stored 200’s expired Expires for forms that never had a future one', async () => {
    const c = caching('moderateCaching');
    await run(c);
    const hit = await run(c);
    expect(hit.headers.expires).toBe(EXPIRED_HTTP);
    expect(hit.headers['cache-control']).toBe('max-age=0, s-maxage=86400, must-revalidate');
  });
});
