import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BODY,
  createFixture,
  PAGE_ETAG,
  PAGE_LAST_MODIFIED,
  type ContractServer,
  type Fixture,
  type StartContractServer,
} from './fixture.js';
import { disconnectAfterFirstBytes, eventually, lineCount, wireRequest, type WireResponse } from './support/wire.js';

const PRIVATE = 'max-age=0, must-revalidate, private';
const CACHING_HEADERS = [
  'cache-control',
  'expires',
  'etag',
  'last-modified',
  'vary',
  'x-cache-rule',
  'x-cache-operation',
  'xkey',
  'content-type',
  'content-length',
];
let unique = 0;
/** A URL of its own for each test (RAM-cache keys include the query). */
const fresh = (path: string): string => `${path}?t=${(unique += 1)}`;

function expiresIn(response: WireResponse, now = Date.now()): number {
  const expires = response.headers.expires;
  expect(expires, 'Expires').toBeDefined();
  return (Date.parse(expires as string) - now) / 1000;
}

function pick(response: WireResponse, names: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((n) => [n, response.headers[n]]));
}

/**
 * The behaviour every server adapter must show, written once and run against real servers of each
 * framework: the same policy, the same container and the same requests give the same wire headers.
 */
export function defineContractSuite(name: string, start: StartContractServer): void {
  describe(`${name} adapter contract`, () => {
    let f: Fixture;
    let server: ContractServer;
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<WireResponse> =>
      wireRequest(`${server.url}${path}`, { method, headers });

    beforeAll(async () => {
      f = createFixture();
      server = await start(f);
    });

    afterAll(async () => {
      f.releaseSlowHandlers();
      await server.close();
    });

    describe('1. caching headers of a 200', () => {
      it('moderateCaching: exact Cache-Control, past Expires, component ETag, Last-Modified, Vary, debug headers', async () => {
        const response = await get('/page');
        expect(response.status).toBe(200);
        expect(response.text).toBe(BODY.page);
        expect(response.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
        expect(expiresIn(response)).toBeLessThan(-86_400);
        expect(response.headers.etag).toBe(PAGE_ETAG);
        expect(response.headers['last-modified']).toBe(PAGE_LAST_MODIFIED);
        expect(response.headers.vary).toBe('Accept-Language');
        expect(response.headers['x-cache-rule']).toBe('site.page');
        expect(response.headers['x-cache-operation']).toBe('moderateCaching');
        expect(response.headers.xkey).toBe('page:home');
        expect(f.errors).toEqual([]);
      });

      it('strongCaching: public for a day, Expires a day ahead', async () => {
        const response = await get('/strong');
        expect(response.status).toBe(200);
        expect(response.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
        expect(Math.abs(expiresIn(response) - 86_400)).toBeLessThan(5);
        expect(response.headers['x-cache-rule']).toBe('site.strong');
        expect(response.headers['x-cache-operation']).toBe('strongCaching');
      });

      it('a view class named by the route is looked up through its @cacheRuleset decorator', async () => {
        const response = await get('/frontpage');
        expect(response.headers['x-cache-rule']).toBe('site.frontpage');
        expect(response.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
      });

      it('sends each caching header line once', async () => {
        const response = await get('/page');
        for (const header of [
          'cache-control',
          'expires',
          'etag',
          'last-modified',
          'vary',
          'x-cache-rule',
          'x-cache-operation',
        ])
          expect(lineCount(response, header), header).toBe(1);
      });
    });

    describe('2. If-None-Match', () => {
      it('a matching tag gets a 304 with the validators and caching headers, no body, and the handler does not run', async () => {
        const before = f.callsOf('page.GET');
        const response = await get('/page', { 'If-None-Match': PAGE_ETAG });
        expect(response.status).toBe(304);
        expect(response.body.byteLength).toBe(0);
        expect(response.headers.etag).toBe(PAGE_ETAG);
        expect(response.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
        expect(expiresIn(response)).toBeLessThan(0);
        expect(response.headers.vary).toBe('Accept-Language');
        expect(Number.isNaN(Date.parse(response.headers.date ?? ''))).toBe(false);
        expect(response.headers['content-length']).toBeUndefined();
        expect(f.callsOf('page.GET')).toBe(before);
      });

      it.each([
        ['a list', `"other", ${PAGE_ETAG}`],
        ['a weak tag', `W/${PAGE_ETAG}`],
        ['*', '*'],
      ])('%s matches', async (_label, header) => {
        const response = await get('/page', { 'If-None-Match': header });
        expect(response.status).toBe(304);
      });

      it('a tag that does not match gets the page', async () => {
        const response = await get('/page', { 'If-None-Match': '"|0|v0"' });
        expect(response.status).toBe(200);
        expect(response.text).toBe(BODY.page);
      });
    });

    describe('3. If-Modified-Since', () => {
      it('not modified since: 304 without running the handler', async () => {
        const before = f.callsOf('page.GET');
        const response = await get('/page', { 'If-Modified-Since': PAGE_LAST_MODIFIED });
        expect(response.status).toBe(304);
        expect(response.body.byteLength).toBe(0);
        expect(response.headers.etag).toBe(PAGE_ETAG);
        expect(f.callsOf('page.GET')).toBe(before);
      });

      it('modified since: 200', async () => {
        const response = await get('/page', {
          'If-Modified-Since': new Date(Date.parse(PAGE_LAST_MODIFIED) - 60_000).toUTCString(),
        });
        expect(response.status).toBe(200);
      });

      it('a garbage date is ignored: 200', async () => {
        const response = await get('/page', { 'If-Modified-Since': 'yesterday-ish' });
        expect(response.status).toBe(200);
        expect(response.text).toBe(BODY.page);
      });
    });

    describe('4. HEAD', () => {
      it.each(['/page', '/strong', '/nocache'])(
        'HEAD %s gets exactly the caching headers of GET and no body',
        async (path) => {
          const [got, head] = [await get(path), await get(path, {}, 'HEAD')];
          expect(head.status).toBe(200);
          expect(head.body.byteLength).toBe(0);
          const withoutExpires = CACHING_HEADERS.filter((n) => n !== 'expires');
          expect(pick(head, withoutExpires)).toEqual(pick(got, withoutExpires));
          expect(Math.abs(expiresIn(head) - expiresIn(got))).toBeLessThan(2);
        },
      );

      it('HEAD with a matching If-None-Match gets a 304 with the validators and no body', async () => {
        const [head, got] = [
          await get('/page', { 'If-None-Match': PAGE_ETAG }, 'HEAD'),
          await get('/page', { 'If-None-Match': PAGE_ETAG }),
        ];
        expect(head.status).toBe(304);
        expect(head.body.byteLength).toBe(0);
        expect(head.headers.etag).toBe(PAGE_ETAG);
        expect(head.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
        const names = (r: WireResponse): string[] =>
          r.lines.map(([n]) => n).filter((n) => n !== 'date' && n !== 'expires');
        expect(names(head)).toEqual(names(got));
      });
    });

    describe('5. unsafe methods', () => {
      it('POST gets private headers and a random ETag', async () => {
        const [a, b] = [await get('/page', {}, 'POST'), await get('/page', {}, 'POST')];
        expect(a.status).toBe(200);
        expect(a.headers['cache-control']).toBe(PRIVATE);
        expect(expiresIn(a)).toBeLessThan(0);
        expect(a.headers.etag).toMatch(/^"[^"]+"$/);
        expect(a.headers.etag).not.toBe(b.headers.etag);
        expect(a.headers.etag).not.toBe(PAGE_ETAG);
        expect(a.headers.vary).toBeUndefined();
      });

      it('PUT with a failing If-Match gets 412 and the handler does not run', async () => {
        const before = f.callsOf('page.PUT');
        const response = await get('/page', { 'If-Match': '"|1|stale"' }, 'PUT');
        expect(response.status).toBe(412);
        expect(f.callsOf('page.PUT')).toBe(before);
      });

      it('PUT with a matching If-Match runs the handler', async () => {
        const before = f.callsOf('page.PUT');
        const response = await get('/page', { 'If-Match': PAGE_ETAG }, 'PUT');
        expect(response.status).toBe(200);
        expect(f.callsOf('page.PUT')).toBe(before + 1);
      });
    });

    describe('6. user-specific responses are never public', () => {
      it('an Authorization header downgrades to private', async () => {
        const response = await get('/strong', { Authorization: 'Bearer alice' });
        expect(response.headers['cache-control']).toBe(PRIVATE);
        expect(expiresIn(response)).toBeLessThan(0);
      });

      it('an Authorization header downgrades moderateCaching to private, keeping the validators', async () => {
        const response = await get('/page', { Authorization: 'Bearer alice' });
        expect(response.headers['cache-control']).toBe(PRIVATE);
        expect(response.headers.etag).toBe(PAGE_ETAG);
      });

      it('a response that sets a cookie is downgraded to private', async () => {
        const response = await get('/strong-cookie');
        expect(response.headers['set-cookie']).toMatch(/^session=abc/);
        expect(response.headers['cache-control']).toBe(PRIVATE);
      });
    });

    describe('7. no caching, errors, no rule', () => {
      it('noCaching: max-age=0, must-revalidate, private', async () => {
        const response = await get('/nocache');
        expect(response.headers['cache-control']).toBe(PRIVATE);
        expect(expiresIn(response)).toBeLessThan(0);
        expect(response.headers['x-cache-operation']).toBe('noCaching');
      });

      it.each([
        ['/status/404', 404],
        ['/status/500', 500],
        ['/throw', 500],
      ])('%s is not public', async (path, status) => {
        const response = await get(path);
        expect(response.status).toBe(status);
        const cacheControl = response.headers['cache-control'] ?? '';
        expect(cacheControl).not.toMatch(/public|s-maxage/);
        expect(cacheControl).toMatch(/private|no-store|no-cache/);
      });

      it('a route with no rule gets no caching headers at all', async () => {
        const response = await get('/plain');
        expect(response.status).toBe(200);
        for (const header of [
          'cache-control',
          'expires',
          'etag',
          'last-modified',
          'vary',
          'x-cache-rule',
          'x-cache-operation',
        ])
          expect(response.headers[header], header).toBeUndefined();
      });
    });

    describe('8. late hints', () => {
      const lateReports = (): string[] => f.errors.filter((e) => e.includes('after rendering had started'));

      it('a ruleset named inside the handler gets its headers', async () => {
        const response = await get('/late');
        expect(response.headers['x-cache-rule']).toBe('site.late');
        expect(response.headers['cache-control']).toBe('max-age=600, proxy-revalidate, public');
      });

      it('a view class named inside the handler is looked up', async () => {
        const response = await get('/late-view');
        expect(response.headers['x-cache-rule']).toBe('site.frontpage');
        expect(response.headers['cache-control']).toBe('max-age=0, s-maxage=3600, must-revalidate');
      });

      it('without validators or a RAM cache to lose, a late name costs nothing and logs nothing', async () => {
        await get('/late', { 'If-None-Match': '"x"' });
        await get('/late-view');
        expect(lateReports()).toEqual([]);
      });
    });

    describe('9. streamed responses', () => {
      it('get their caching headers once, from one modify', async () => {
        const path = fresh('/stream');
        const response = await get(path);
        expect(response.text).toBe(BODY.streamChunks.join(''));
        expect(response.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
        expect(lineCount(response, 'cache-control')).toBe(1);
        expect(lineCount(response, 'expires')).toBe(1);
        expect(lineCount(response, 'x-cache-operation')).toBe(1);
        expect(f.modifies.get(path)).toBe(1);
      });
    });

    describe('10. RAM cache', () => {
      it('replays the second anonymous GET with X-RAMCache and Age, without running the handler', async () => {
        const path = fresh('/ram');
        const first = await get(path);
        expect(first.headers['x-ramcache']).toBeUndefined();
        await eventually(
          () =>
            f.responseCache.fillsFor(path).length === 1 && f.responseCache.fillsFor(path)[0]?.settlements.length === 1,
          'the fill to settle',
        );
        const before = f.callsOf('ram');
        const second = await get(path);
        expect(second.status).toBe(200);
        expect(second.text).toBe(first.text);
        expect(second.headers['x-ramcache']).toBe('cacheset.ramcache');
        expect(Number(second.headers.age)).toBeGreaterThanOrEqual(0);
        expect(second.headers['cache-control']).toBe(first.headers['cache-control']);
        expect(second.headers['content-type']).toBe(first.headers['content-type']);
        expect(f.callsOf('ram')).toBe(before);
        expect(f.responseCache.fillsFor(path).map((fill) => fill.settlements)).toEqual([['store']]);
      });

      it('answers HEAD from the stored page with the headers GET gets and no body', async () => {
        const path = fresh('/ram');
        const first = await get(path);
        await eventually(() => f.responseCache.fillsFor(path)[0]?.settlements.length === 1, 'the fill to settle');
        const before = f.callsOf('ram');
        const head = await get(path, {}, 'HEAD');
        expect(head.status).toBe(200);
        expect(head.body.byteLength).toBe(0);
        expect(head.headers['x-ramcache']).toBe('cacheset.ramcache');
        expect(pick(head, ['cache-control', 'content-type', 'content-length'])).toEqual(
          pick(first, ['cache-control', 'content-type', 'content-length']),
        );
        expect(f.callsOf('ram')).toBe(before);
      });

      it('does not replay to an authenticated request', async () => {
        const path = fresh('/ram');
        await get(path);
        await eventually(() => f.responseCache.fillsFor(path)[0]?.settlements.length === 1, 'the fill to settle');
        const before = f.callsOf('ram');
        const response = await get(path, { Authorization: 'Bearer alice' });
        expect(response.headers['x-ramcache']).toBeUndefined();
        expect(response.headers['cache-control']).toBe(PRIVATE);
        expect(f.callsOf('ram')).toBe(before + 1);
      });

      it('never stores a response that sets a cookie', async () => {
        const path = fresh('/ram-cookie');
        await get(path);
        const again = await get(path);
        expect(again.headers['x-ramcache']).toBeUndefined();
        expect(f.callsOf('ram-cookie')).toBeGreaterThanOrEqual(2);
        const settlements = f.responseCache.fillsFor(path).map((fill) => fill.settlements);
        expect(settlements).toHaveLength(2);
        for (const s of settlements) expect(s).toEqual([expect.stringMatching(/^abandon/)]);
      });

      it('settles the fill exactly once when the client goes away mid-response', async () => {
        const path = fresh('/ram-slow');
        await disconnectAfterFirstBytes(`${server.url}${path}`);
        await eventually(() => f.responseCache.fillsFor(path)[0]?.settlements.length === 1, 'the fill to be abandoned');
        f.releaseSlowHandlers();
        await new Promise((resolve) => setTimeout(resolve, 50));
        const settlements = f.responseCache.fillsFor(path).map((fill) => fill.settlements);
        expect(settlements).toEqual([[expect.stringMatching(/^abandon/)]]);
        const response = await get(path);
        expect(response.headers['x-ramcache']).toBeUndefined();
      });

      it('settles every fill exactly once', async () => {
        await eventually(
          () => f.responseCache.fills.every((fill) => fill.settlements.length >= 1),
          'every fill to settle',
        );
        for (const fill of f.responseCache.fills) expect(fill.settlements, fill.key).toHaveLength(1);
      });
    });

    describe('11. unit of work', () => {
      const eventsOf = (id: string) => f.units.filter((u) => u.id === id);

      it('onCommit runs after a 200 has been sent; onAbort does not', async () => {
        const response = await get('/unit/ok');
        expect(response.status).toBe(200);
        await eventually(() => eventsOf('/unit/ok').length > 0, 'the unit to close');
        expect(eventsOf('/unit/ok')).toEqual([{ id: '/unit/ok', event: 'commit', finished: true }]);
      });

      it("a handler that reads the request body the framework's way still runs in the unit of work", async () => {
        const response = await wireRequest(`${server.url}/unit/body`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: 'hello',
          bodyDelayMs: 30,
        });
        expect(response.text).toBe('got hello');
        await eventually(() => eventsOf('/unit/body').length > 0, 'the unit to close');
        expect(eventsOf('/unit/body')).toEqual([{ id: '/unit/body', event: 'commit', finished: true }]);
      });

      it.each([
        ['/unit/500', 500],
        ['/unit/throw', 500],
      ])('%s aborts: onAbort runs, onCommit never', async (path, status) => {
        const response = await get(path);
        expect(response.status).toBe(status);
        await eventually(() => eventsOf(path).length > 0, 'the unit to close');
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(eventsOf(path).map((e) => e.event)).toEqual(['abort']);
      });
    });

    describe('12. If-Range', () => {
      it('a Range whose If-Range does not match is hidden from the handler', async () => {
        const response = await get('/range', { Range: 'bytes=0-3', 'If-Range': '"|0|v0"' });
        expect(response.text).toBe('range: none');
      });

      it('a Range whose If-Range matches reaches the handler', async () => {
        const response = await get('/range', { Range: 'bytes=0-3', 'If-Range': PAGE_ETAG });
        expect(response.text).toBe('range: bytes=0-3');
      });
    });
  });
}
