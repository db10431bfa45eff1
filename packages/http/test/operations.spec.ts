import { bindAdapter, ISurrogateKeys, type CacheUser } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import {
  IAnonymousAccess,
  moderateCaching,
  noCaching,
  strongCaching,
  terseCaching,
  weakCaching,
} from '../src/index.js';
import {
  ALICE,
  collectingLogger,
  EXPIRED_HTTP,
  httpAfter,
  LAST_MODIFIED_HTTP,
  makeCaching,
  Page,
  PageView,
  pageContainer,
  policyFor,
  run,
  type RunInit,
} from './fixtures/harness.js';
import { shouldIgnoreRange } from '@cacheset/core/internal';

const PRIVATE = 'max-age=0, must-revalidate, private';
const VALIDATORS = { etags: ['resourceVersion'], lastModified: true } as const;
const ETAG = '"|v1"';

type Op = 'strongCaching' | 'moderateCaching' | 'weakCaching' | 'terseCaching' | 'noCaching';

interface Expectation {
  readonly cacheControl: string;
  readonly expires: string;
  readonly vary?: string;
}

/** What each operation sends with its default options (the ancestors' exact strings). */
const EXPECTED: Readonly<Record<Op, { anonymous: Expectation; authenticated: Expectation }>> = {
  strongCaching: {
    anonymous: { cacheControl: 'max-age=86400, proxy-revalidate, public', expires: httpAfter(86_400) },
    authenticated: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
  },
  moderateCaching: {
    anonymous: { cacheControl: 'max-age=0, s-maxage=86400, must-revalidate', expires: EXPIRED_HTTP },
    authenticated: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
  },
  weakCaching: {
    anonymous: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
    authenticated: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
  },
  terseCaching: {
    anonymous: {
      cacheControl: 'max-age=10, s-maxage=60, proxy-revalidate, public',
      expires: httpAfter(10),
      vary: 'Accept',
    },
    authenticated: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
  },
  noCaching: {
    anonymous: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
    authenticated: { cacheControl: PRIVATE, expires: EXPIRED_HTTP },
  },
};

const OPS = Object.keys(EXPECTED) as Op[];
const USERS: readonly [string, CacheUser | undefined][] = [
  ['anonymous', undefined],
  ['authenticated', ALICE],
];

function cachingFor(op: Op, withValidators: boolean, options: Readonly<Record<string, unknown>> = {}) {
  return makeCaching({
    policy: policyFor(op, op !== 'noCaching' && withValidators ? { ...VALIDATORS, ...options } : options),
    resourceVersion: 'v1',
  });
}

describe('the standard operations', () => {
  it('are named, titled and sorted as in plone.app.caching', () => {
    expect([strongCaching, moderateCaching, weakCaching, terseCaching, noCaching].map((o) => [o.name, o.sort])).toEqual(
      [
        ['strongCaching', 1],
        ['moderateCaching', 2],
        ['weakCaching', 3],
        ['terseCaching', 4],
        ['noCaching', 5],
      ],
    );
    expect(Object.keys(strongCaching.options)).toEqual(
      expect.arrayContaining(['maxage', 'smaxage', 'etags', 'lastModified', 'ramCache', 'vary', 'anonOnly']),
    );
    expect(Object.keys(moderateCaching.options)).not.toContain('maxage');
    expect(Object.keys(weakCaching.options)).not.toContain('maxage');
    expect(Object.keys(weakCaching.options)).not.toContain('smaxage');
    expect(Object.keys(noCaching.options)).toEqual(['noStore']);
  });

  describe.each(OPS)('%s', (op) => {
    describe.each(USERS)('for an %s request', (who, user) => {
      const expected = EXPECTED[op][who as 'anonymous' | 'authenticated'];

      it('sends the exact caching headers on GET without validators', async () => {
        const result = await run(cachingFor(op, false), { ...(user ? { user } : {}) });
        expect(result.status).toBe(200);
        expect(result.headers['cache-control']).toBe(expected.cacheControl);
        expect(result.headers.expires).toBe(expected.expires);
        expect(result.headers.vary).toBe(expected.vary);
        expect(result.headers.etag).toBeUndefined();
        expect(result.headers['last-modified']).toBeUndefined();
        expect(result.headers['x-cache-rule']).toBe('site.page');
        expect(result.headers['x-cache-operation']).toBe(op);
      });

      it('sends the same Cache-Control with ETag and Last-Modified on GET with validators', async () => {
        const result = await run(cachingFor(op, true), { ...(user ? { user } : {}) });
        expect(result.headers['cache-control']).toBe(expected.cacheControl);
        expect(result.headers.expires).toBe(expected.expires);
        expect(result.headers.vary).toBe(expected.vary);
        expect(result.headers.etag).toBe(op === 'noCaching' ? undefined : ETAG);
        expect(result.headers['last-modified']).toBe(op === 'noCaching' ? undefined : LAST_MODIFIED_HTTP);
      });

      it('gives HEAD exactly the headers GET gets', async () => {
        for (const withValidators of [false, true]) {
          const get = await run(cachingFor(op, withValidators), { ...(user ? { user } : {}) });
          const head = await run(cachingFor(op, withValidators), { method: 'HEAD', ...(user ? { user } : {}) });
          expect(head.headers).toEqual(get.headers);
        }
      });

      it('never makes a POST response cacheable, and gives it a random ETag when ETags are configured', async () => {
        const plain = await run(cachingFor(op, false), { method: 'POST', ...(user ? { user } : {}) });
        expect(plain.headers['cache-control']).toBe(PRIVATE);
        expect(plain.headers.expires).toBe(EXPIRED_HTTP);
        expect(plain.headers.etag).toBeUndefined();
        expect(plain.headers.vary).toBeUndefined();
        const withValidators = await run(cachingFor(op, true), { method: 'POST', ...(user ? { user } : {}) });
        expect(withValidators.headers['cache-control']).toBe(PRIVATE);
        expect(withValidators.headers['last-modified']).toBeUndefined();
        if (op === 'noCaching') expect(withValidators.headers.etag).toBeUndefined();
        else {
          expect(withValidators.headers.etag).toMatch(/^"[\x21\x23-\x7e]+"$/);
          expect(withValidators.headers.etag).not.toBe(ETAG);
        }
      });

      if (op !== 'noCaching') {
        it('answers a matching If-None-Match with a 304 that carries the 200’s caching headers and no body', async () => {
          for (const method of ['GET', 'HEAD']) {
            const result = await run(cachingFor(op, true), {
              method,
              headers: { 'If-None-Match': ETAG },
              ...(user ? { user } : {}),
            });
            expect(result.status).toBe(304);
            expect(result.intercepted).toBe(true);
            expect(result.body).toBe('');
            expect(result.headers.etag).toBe(ETAG);
            expect(result.headers['cache-control']).toBe(expected.cacheControl);
            expect(result.headers.expires).toBe(expected.expires);
            expect(result.headers.vary).toBe(expected.vary);
            expect(result.headers['last-modified']).toBeUndefined();
            expect(result.headers['content-type']).toBeUndefined();
            expect(result.headers['x-cache-rule']).toBe('site.page');
            expect(result.headers['x-cache-operation']).toBe(op);
          }
        });

        it('answers a fresh If-Modified-Since with a 304 that keeps Last-Modified when there is no ETag', async () => {
          const caching = makeCaching({ policy: policyFor(op, { lastModified: true }) });
          const result = await run(caching, {
            headers: { 'If-Modified-Since': LAST_MODIFIED_HTTP },
            ...(user ? { user } : {}),
          });
          expect(result.status).toBe(304);
          expect(result.headers['last-modified']).toBe(LAST_MODIFIED_HTTP);
          expect(result.headers['cache-control']).toBe(expected.cacheControl);
        });

        it('answers a matching If-None-Match on POST with 412, without rendering', async () => {
          const result = await run(cachingFor(op, true), {
            method: 'POST',
            headers: { 'If-None-Match': ETAG },
            ...(user ? { user } : {}),
          });
          expect(result.status).toBe(412);
          expect(result.rendered).toBe(false);
          expect(result.headers['x-cache-operation']).toBe(op);
        });
      }
    });
  });

  describe('noCaching', () => {
    it('never answers a conditional request with a 304', async () => {
      const result = await run(makeCaching({ policy: policyFor('noCaching') }), {
        headers: { 'If-None-Match': '*', 'If-Modified-Since': LAST_MODIFIED_HTTP },
      });
      expect(result.status).toBe(200);
      expect(result.rendered).toBe(true);
    });

    it('adds no-store when configured', async () => {
      const result = await run(makeCaching({ policy: policyFor('noCaching', { noStore: true }) }));
      expect(result.headers['cache-control']).toBe(`${PRIVATE}, no-store`);
    });

    it('keeps an ETag the application set but removes Last-Modified', async () => {
      const result = await run(makeCaching({ policy: policyFor('noCaching') }), {
        render: (r) => {
          r.setHeader('ETag', '"app"');
          r.setHeader('Last-Modified', LAST_MODIFIED_HTTP);
        },
      });
      expect(result.headers.etag).toBe('"app"');
      expect(result.headers['last-modified']).toBeUndefined();
    });
  });
});

describe('option resolution', () => {
  it('applies the defaults written in the operations when the policy sets no options (the ancestors’ were dead)', async () => {
    const bare = (op: Op) => makeCaching({ policy: { operationMapping: { 'site.page': op } } });
    expect((await run(bare('strongCaching'))).headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect((await run(bare('moderateCaching'))).headers['cache-control']).toBe(
      'max-age=0, s-maxage=86400, must-revalidate',
    );
    const terse = await run(bare('terseCaching'));
    expect(terse.headers['cache-control']).toBe('max-age=10, s-maxage=60, proxy-revalidate, public');
    expect(terse.headers.vary).toBe('Accept');
  });

  it('takes the per-ruleset value over the global one over the default, and accepts readable durations', async () => {
    const caching = makeCaching({
      policy: {
        operationMapping: { 'site.page': 'strongCaching', 'site.other': 'strongCaching' },
        operations: {
          strongCaching: { options: { maxage: '1h' }, rulesets: { 'site.page': { maxage: '10m', smaxage: '1d' } } },
        },
      },
    });
    expect((await run(caching)).headers['cache-control']).toBe('max-age=600, s-maxage=86400, proxy-revalidate, public');
    expect((await run(caching, { ruleset: 'site.other' })).headers['cache-control']).toBe(
      'max-age=3600, proxy-revalidate, public',
    );
  });

  it('lets an explicit null switch an option off', async () => {
    const caching = makeCaching({ policy: policyFor('terseCaching', { maxage: null, smaxage: null, vary: null }) });
    const result = await run(caching);
    expect(result.headers['cache-control']).toBe(PRIVATE);
    expect(result.headers.vary).toBeUndefined();
  });

  it('sends the proxy form for strong caching with maxage 0 and an smaxage', async () => {
    const caching = makeCaching({ policy: policyFor('strongCaching', { maxage: 0, smaxage: 60 }) });
    expect((await run(caching)).headers['cache-control']).toBe('max-age=0, s-maxage=60, must-revalidate');
  });

  it('prints smaxage 0 in the public form (PAC-5)', async () => {
    const caching = makeCaching({ policy: policyFor('strongCaching', { maxage: 60, smaxage: 0 }) });
    expect((await run(caching)).headers['cache-control']).toBe('max-age=60, s-maxage=0, proxy-revalidate, public');
  });
});

describe('the public check (PAC-13, DESIGN §3)', () => {
  const strong = () =>
    makeCaching({
      policy: policyFor('strongCaching', { etags: ['resourceVersion'], vary: 'Accept-Language' }),
      resourceVersion: 'v1',
    });

  it('downgrades to private headers for an authenticated request, keeping the ETag and dropping Vary', async () => {
    const result = await run(strong(), { user: ALICE });
    expect(result.headers['cache-control']).toBe(PRIVATE);
    expect(result.headers.etag).toBe(ETAG);
    expect(result.headers.vary).toBeUndefined();
  });

  it('downgrades a response that sets a cookie', async () => {
    const result = await run(strong(), { render: (r) => r.setHeader('Set-Cookie', 'session=1') });
    expect(result.headers['cache-control']).toBe(PRIVATE);
  });

  it('keeps a response the application made private, or no-store, out of shared caches', async () => {
    const priv = await run(strong(), { render: (r) => r.setHeader('Cache-Control', 'private') });
    expect(priv.headers['cache-control']).toBe(PRIVATE);
    const noStore = await run(strong(), { render: (r) => r.setHeader('Cache-Control', 'No-Store') });
    expect(noStore.headers['cache-control']).toBe(`${PRIVATE}, no-store`);
    const noStoreWithoutValidators = await run(makeCaching({ policy: policyFor('moderateCaching') }), {
      render: (r) => r.setHeader('Cache-Control', 'no-store'),
    });
    expect(noStoreWithoutValidators.headers['cache-control']).toBe(`${PRIVATE}, no-store`);
  });

  it('downgrades content whose IAnonymousAccess adapter says no', async () => {
    const result = await run(strong(), { published: new PageView(new Page(undefined, false)) });
    expect(result.headers['cache-control']).toBe(PRIVATE);
    const proxy = await run(makeCaching({ policy: policyFor('moderateCaching') }), {
      published: new PageView(new Page(undefined, false)),
    });
    expect(proxy.headers['cache-control']).toBe(PRIVATE);
  });

  it('waits for an async IAnonymousAccess adapter', async () => {
    class Secret {}
    const container = pageContainer();
    bindAdapter(container, {
      provides: IAnonymousAccess,
      for: Secret,
      factory: () => ({ allowsAnonymous: async () => false }),
    });
    const caching = makeCaching({ policy: policyFor('strongCaching'), container });
    expect((await run(caching, { published: new Secret() })).headers['cache-control']).toBe(PRIVATE);
  });

  it('counts content as not public when its IAnonymousAccess adapter throws, and logs it', async () => {
    class Broken {}
    const container = pageContainer();
    const logger = collectingLogger();
    bindAdapter(container, {
      provides: IAnonymousAccess,
      for: Broken,
      factory: () => ({
        allowsAnonymous: () => {
          throw new Error('acl unavailable');
        },
      }),
    });
    const caching = makeCaching({ policy: policyFor('strongCaching'), container, logger });
    expect((await run(caching, { published: new Broken() })).headers['cache-control']).toBe(PRIVATE);
    expect(logger.errors.some((m) => m.includes('acl unavailable'))).toBe(true);
  });

  it('counts content without an adapter as public', async () => {
    class Plain {}
    expect(
      (await run(makeCaching({ policy: policyFor('strongCaching') }), { published: new Plain() })).headers[
        'cache-control'
      ],
    ).toBe('max-age=86400, proxy-revalidate, public');
  });

  it('fixes the terse smaxage 0 quirk: an authenticated request is private even when smaxage is 0', async () => {
    const caching = makeCaching({
      policy: policyFor('terseCaching', { smaxage: 0, etags: ['resourceVersion'] }),
      resourceVersion: 'v1',
    });
    const anonymous = await run(caching);
    expect(anonymous.headers['cache-control']).toBe('max-age=10, s-maxage=0, proxy-revalidate, public');
    expect(anonymous.headers.vary).toBe('Accept');
    const user = await run(caching, { user: ALICE });
    expect(user.headers['cache-control']).toBe(PRIVATE);
    expect(user.headers.vary).toBeUndefined();
  });
});

describe('error responses', () => {
  it('are not given caching headers unless publicErrors is set', async () => {
    for (const status of [400, 403, 404, 410, 500, 503]) {
      const result = await run(
        makeCaching({
          policy: policyFor('strongCaching', { etags: ['resourceVersion'], lastModified: true }),
          resourceVersion: 'v1',
        }),
        {
          render: (r) => {
            r.status = status;
          },
        },
      );
      expect(result.headers['cache-control'], String(status)).toBe(PRIVATE);
      expect(result.headers['last-modified']).toBeUndefined();
      expect(result.headers.etag).toBeUndefined();
    }
  });

  it('get the operation’s headers with publicErrors', async () => {
    const caching = makeCaching({ policy: policyFor('strongCaching', { maxage: 60, publicErrors: true }) });
    const result = await run(caching, {
      render: (r) => {
        r.status = 404;
      },
    });
    expect(result.headers['cache-control']).toBe('max-age=60, proxy-revalidate, public');
  });
});

describe('statuses other than 200, and Vary: *, are never public', () => {
  type Shared = 'strongCaching' | 'moderateCaching' | 'terseCaching';
  const SHARED: readonly Shared[] = ['strongCaching', 'moderateCaching', 'terseCaching'];
  const render =
    (status: number, headers: Readonly<Record<string, string>> = {}) =>
    (r: Parameters<NonNullable<RunInit['render']>>[0]) => {
      r.status = status;
      for (const [name, value] of Object.entries(headers)) r.setHeader(name, value);
      return status === 204 ? '' : 'body';
    };
  const statuses: readonly [number, Readonly<Record<string, string>>][] = [
    [204, {}],
    [301, { Location: '/elsewhere' }],
    [302, { Location: '/elsewhere' }],
    [307, { Location: '/elsewhere' }],
    [308, { Location: '/elsewhere' }],
    [206, { 'Content-Range': 'bytes 0-3/10' }],
    [203, {}],
  ];

  describe.each(SHARED)('%s', (op) => {
    it.each(statuses)('sends %i with no-cache headers and no validators', async (status, headers) => {
      const caching = makeCaching({ policy: policyFor(op, VALIDATORS), resourceVersion: 'v1' });
      const result = await run(caching, { render: render(status, headers) });
      expect(result.status).toBe(status);
      expect(result.headers['cache-control']).toBe(PRIVATE);
      expect(result.headers.expires).toBe(EXPIRED_HTTP);
      expect(result.headers.etag).toBeUndefined();
      expect(result.headers['last-modified']).toBeUndefined();
    });

    it('sends a 404 with no-cache headers, and with the operation’s own under publicErrors', async () => {
      const plain = await run(makeCaching({ policy: policyFor(op) }), { render: render(404) });
      expect(plain.headers['cache-control']).toBe(PRIVATE);
      const shared = await run(makeCaching({ policy: policyFor(op, { publicErrors: true }) }), {
        render: render(404),
      });
      expect(shared.headers['cache-control']).toBe(EXPECTED[op].anonymous.cacheControl);
    });

    it('never marks a response with Vary: * public: it gets the private downgrade', async () => {
      const caching = makeCaching({ policy: policyFor(op, VALIDATORS), resourceVersion: 'v1' });
      const result = await run(caching, { render: (r) => r.setHeader('Vary', 'Accept, *') });
      expect(result.headers['cache-control']).toBe(PRIVATE);
      expect(result.headers.vary).toBe('Accept, *');
      expect(result.headers.etag).toBe(ETAG);
      const errors = makeCaching({ policy: policyFor(op, { publicErrors: true, publicStatuses: [301] }) });
      for (const status of [200, 301, 404]) {
        const other = await run(errors, { render: render(status, { Vary: '*' }) });
        expect(other.headers['cache-control'], String(status)).toBe(PRIVATE);
      }
    });

    it('never marks public what the policy’s own vary makes Vary: *', async () => {
      const result = await run(makeCaching({ policy: policyFor(op, { vary: '*' }) }));
      expect(result.headers['cache-control']).toBe(PRIVATE);
      expect(result.headers.vary).toBeUndefined();
    });

    it('shares a status the ruleset lists in publicStatuses, and only that one', async () => {
      const caching = makeCaching({
        policy: {
          operationMapping: { 'site.page': op, 'site.other': op },
          operations: { [op]: { rulesets: { 'site.page': { publicStatuses: [301] } } } },
        },
      });
      const moved = await run(caching, { render: render(301, { Location: '/elsewhere' }) });
      expect(moved.headers['cache-control']).toBe(EXPECTED[op].anonymous.cacheControl);
      const found = await run(caching, { render: render(302, { Location: '/elsewhere' }) });
      expect(found.headers['cache-control']).toBe(PRIVATE);
      const elsewhere = await run(caching, { ruleset: 'site.other', render: render(301, { Location: '/x' }) });
      expect(elsewhere.headers['cache-control']).toBe(PRIVATE);
      // Listed or not, a status is never public for an authenticated request.
      const user = await run(caching, { user: ALICE, render: render(301, { Location: '/elsewhere' }) });
      expect(user.headers['cache-control']).toBe(PRIVATE);
    });
  });

  it('gives weakCaching’s browser form to a listed status, and no-cache headers to the others', async () => {
    const caching = makeCaching({
      policy: policyFor('weakCaching', { ...VALIDATORS, publicStatuses: [301] }),
      resourceVersion: 'v1',
    });
    const listed = await run(caching, { render: render(301, { Location: '/elsewhere' }) });
    expect(listed.headers['cache-control']).toBe(PRIVATE);
    expect(listed.headers.etag).toBe(ETAG);
    const other = await run(caching, { render: render(302, { Location: '/elsewhere' }) });
    expect(other.headers.etag).toBeUndefined();
  });

  it('gives a 304 the application answers itself the headers of the 200 it stands for', async () => {
    const caching = makeCaching({ policy: policyFor('strongCaching', VALIDATORS), resourceVersion: 'v1' });
    const result = await run(caching, { render: render(304) });
    expect(result.headers['cache-control']).toBe(EXPECTED.strongCaching.anonymous.cacheControl);
    expect(result.headers.etag).toBe(ETAG);
  });
});

describe('cache-stop variables (PAC-14 adapted)', () => {
  const caching = (etags: boolean) =>
    makeCaching({
      policy: policyFor(
        'strongCaching',
        etags ? { etags: ['resourceVersion'], lastModified: true } : { lastModified: true },
      ),
      resourceVersion: 'v1',
      cacheStopRequestVariables: ['statusmessages', 'SearchableText'],
    });

  it('makes a request with a stop query parameter private, with a random ETag when ETags are configured', async () => {
    const result = await run(caching(true), { url: '/page?SearchableText=cats' });
    expect(result.headers['cache-control']).toBe(PRIVATE);
    expect(result.headers.etag).toMatch(/^".+"$/);
    expect(result.headers.etag).not.toBe(ETAG);
    expect(result.headers['last-modified']).toBeUndefined();
  });

  it('makes a request with a stop cookie private, and never public without ETags either (the ancestors sent public headers)', async () => {
    const result = await run(caching(false), { headers: { Cookie: 'a=1; statusmessages=hello' } });
    expect(result.headers['cache-control']).toBe(PRIVATE);
    expect(result.headers.etag).toBeUndefined();
  });

  it('answers no 304 to a stopped request', async () => {
    const result = await run(caching(true), { url: '/page?statusmessages=x', headers: { 'If-None-Match': ETAG } });
    expect(result.status).toBe(200);
    expect(result.rendered).toBe(true);
  });

  it('does not stop on names that merely start like a stop variable', async () => {
    const result = await run(caching(true), {
      url: '/page?SearchableTextual=1',
      headers: { Cookie: 'statusmessagesX=1' },
    });
    expect(result.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
  });
});

describe('Last-Modified', () => {
  it('is sent only with the lastModified option', async () => {
    expect(
      (
        await run(
          makeCaching({ policy: policyFor('weakCaching', { etags: ['resourceVersion'] }), resourceVersion: 'v1' }),
        )
      ).headers['last-modified'],
    ).toBeUndefined();
    const noIms = await run(makeCaching({ policy: policyFor('weakCaching', {}) }), {
      headers: { 'If-Modified-Since': LAST_MODIFIED_HTTP },
    });
    expect(noIms.status).toBe(200);
  });

  it('is left out, and If-Modified-Since ignored, when the time is not known', async () => {
    const result = await run(makeCaching({ policy: policyFor('weakCaching', { lastModified: true }) }), {
      published: new PageView(new Page(null)),
      headers: { 'If-Modified-Since': LAST_MODIFIED_HTTP },
    });
    expect(result.status).toBe(200);
    expect(result.headers['last-modified']).toBeUndefined();
    expect(result.headers['cache-control']).toBe(PRIVATE);
  });

  it('is left out, and the failure logged, when ILastModified throws', async () => {
    class Flaky {}
    const container = pageContainer();
    const logger = collectingLogger();
    const { ILastModified } = await import('@cacheset/core');
    bindAdapter(container, {
      provides: ILastModified,
      for: Flaky,
      factory: () => ({
        lastModified: () => {
          throw new Error('disk on fire');
        },
      }),
    });
    const result = await run(
      makeCaching({ policy: policyFor('strongCaching', { lastModified: true }), container, logger }),
      { published: new Flaky() },
    );
    expect(result.status).toBe(200);
    expect(result.headers['last-modified']).toBeUndefined();
    expect(result.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect(logger.errors.some((m) => m.includes('disk on fire'))).toBe(true);
  });
});

describe('If-Match, If-Unmodified-Since and If-Range through the operations', () => {
  const caching = () => makeCaching({ policy: policyFor('weakCaching', VALIDATORS), resourceVersion: 'v1' });

  it('answers a failed If-Match with 412 and an empty body, without rendering', async () => {
    const result = await run(caching(), { method: 'PUT', headers: { 'If-Match': '"|old"' } });
    expect(result.status).toBe(412);
    expect(result.body).toBe('');
    expect(result.rendered).toBe(false);
  });

  it('renders when If-Match matches', async () => {
    const result = await run(caching(), { method: 'PUT', headers: { 'If-Match': ETAG } });
    expect(result.status).toBe(200);
    expect(result.rendered).toBe(true);
  });

  it('answers a failed If-Unmodified-Since with 412', async () => {
    const result = await run(caching(), {
      method: 'DELETE',
      headers: { 'If-Unmodified-Since': 'Sun, 01 Mar 2026 00:00:00 GMT' },
    });
    expect(result.status).toBe(412);
  });

  it('marks the exchange so the adapter drops Range when If-Range does not match, and not when it does', async () => {
    const mismatch = await run(caching(), { headers: { Range: 'bytes=0-9', 'If-Range': '"|old"' } });
    expect(shouldIgnoreRange(mismatch.exchange)).toBe(true);
    const match = await run(caching(), { headers: { Range: 'bytes=0-9', 'If-Range': ETAG } });
    expect(shouldIgnoreRange(match.exchange)).toBe(false);
    const byDate = await run(caching(), { headers: { Range: 'bytes=0-9', 'If-Range': LAST_MODIFIED_HTTP } });
    expect(shouldIgnoreRange(byDate.exchange)).toBe(false);
  });
});

describe('weak ETags', () => {
  it('are sent as W/"..." and still answer If-None-Match', async () => {
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['resourceVersion'], weakETag: true }),
      resourceVersion: 'v1',
    });
    expect((await run(caching)).headers.etag).toBe('W/"|v1"');
    const conditional = await run(caching, { headers: { 'If-None-Match': 'W/"|v1"' } });
    expect(conditional.status).toBe(304);
    expect(conditional.headers.etag).toBe('W/"|v1"');
  });
});

describe('modern directives through the operations', () => {
  it('sends stale-while-revalidate, stale-if-error, immutable, no-transform, Surrogate-Control and CDN-Cache-Control as configured', async () => {
    const caching = makeCaching({
      policy: policyFor('strongCaching', {
        maxage: '1y',
        immutable: true,
        noTransform: true,
        staleIfError: '1d',
        surrogateMaxage: '1h',
        cdnMaxage: '10m',
      }),
    });
    const result = await run(caching);
    expect(result.headers['cache-control']).toBe(
      'max-age=31536000, public, stale-if-error=86400, immutable, no-transform',
    );
    expect(result.headers['surrogate-control']).toBe('max-age=3600, stale-if-error=86400');
    expect(result.headers['cdn-cache-control']).toBe('max-age=600, stale-if-error=86400');
    const moderate = await run(makeCaching({ policy: policyFor('moderateCaching', { staleWhileRevalidate: 30 }) }));
    expect(moderate.headers['cache-control']).toBe('max-age=0, s-maxage=86400, stale-while-revalidate=30');
  });

  it('keeps proxy-only headers off private responses', async () => {
    const caching = makeCaching({
      policy: policyFor('strongCaching', { surrogateMaxage: '1h', cdnMaxage: '10m', staleWhileRevalidate: 30 }),
      behindProxy: true,
    });
    const result = await run(caching, { user: ALICE });
    expect(result.headers['cache-control']).toBe(PRIVATE);
    expect(result.headers['surrogate-control']).toBeUndefined();
    expect(result.headers['cdn-cache-control']).toBeUndefined();
  });

  describe('surrogate keys', () => {
    class Image {
      constructor(readonly id: number) {}
    }
    const container = () => {
      const c = pageContainer();
      bindAdapter(c, {
        provides: ISurrogateKeys,
        for: Image,
        name: 'image',
        factory: (image: Image) => ({ getKeys: () => [`image:${image.id}`, 'gallery'] }),
      });
      return c;
    };

    it('are sent in xkey behind a proxy, from the ISurrogateKeys adapters of the published object', async () => {
      const result = await run(
        makeCaching({ policy: policyFor('moderateCaching'), container: container(), behindProxy: true }),
        { published: new Image(7) },
      );
      expect(result.headers.xkey).toBe('image:7 gallery');
    });

    it('use the configured header', async () => {
      const result = await run(
        makeCaching({
          policy: policyFor('moderateCaching'),
          container: container(),
          behindProxy: true,
          surrogateKeyHeader: 'Cache-Tag',
        }),
        { published: new Image(7) },
      );
      expect(result.headers['cache-tag']).toBe('image:7,gallery');
    });

    it('are split over several header lines under the header length limit', async () => {
      class Gallery {}
      const c = pageContainer();
      const keys = Array.from({ length: 1500 }, (_, i) => `image:${i}`);
      bindAdapter(c, { provides: ISurrogateKeys, for: Gallery, factory: () => ({ getKeys: () => keys }) });
      const lines: (string | readonly string[])[] = [];
      const result = await run(makeCaching({ policy: policyFor('moderateCaching'), container: c, behindProxy: true }), {
        published: new Gallery(),
        render: (r) => {
          const setHeader = r.setHeader.bind(r);
          r.setHeader = (name, value) => {
            if (name.toLowerCase() === 'xkey') lines.push(value);
            setHeader(name, value);
          };
        },
      });
      expect(result.headers.xkey).toBeDefined();
      const sent = lines[0];
      expect(Array.isArray(sent)).toBe(true);
      expect((sent as readonly string[]).length).toBeGreaterThan(1);
      for (const line of sent as readonly string[]) expect(line.length).toBeLessThanOrEqual(4096);
      expect((sent as readonly string[]).join(' ').split(' ')).toEqual(keys);
    });

    it('are not sent without a proxy, with surrogateKeys off, or on private responses', async () => {
      expect(
        (
          await run(makeCaching({ policy: policyFor('moderateCaching'), container: container() }), {
            published: new Image(7),
          })
        ).headers.xkey,
      ).toBeUndefined();
      expect(
        (
          await run(
            makeCaching({
              policy: policyFor('moderateCaching', { surrogateKeys: false }),
              container: container(),
              behindProxy: true,
            }),
            { published: new Image(7) },
          )
        ).headers.xkey,
      ).toBeUndefined();
      expect(
        (
          await run(makeCaching({ policy: policyFor('moderateCaching'), container: container(), behindProxy: true }), {
            published: new Image(7),
            user: ALICE,
          })
        ).headers.xkey,
      ).toBeUndefined();
    });
  });
});

describe('debug headers', () => {
  it('can be switched off one by one', async () => {
    const caching = makeCaching({
      policy: policyFor('strongCaching', {}, { debugHeaders: { rule: false, operation: false } }),
    });
    const result = await run(caching);
    expect(result.headers['x-cache-rule']).toBeUndefined();
    expect(result.headers['x-cache-operation']).toBeUndefined();
    expect(result.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
  });

  it('and caching headers are all absent with enabled: false (PAC-24) or without an operation mapping (PC-2)', async () => {
    const disabled = await run(
      makeCaching({
        policy: policyFor('strongCaching', { etags: ['resourceVersion'] }, { enabled: false }),
        resourceVersion: 'v1',
      }),
      { headers: { 'If-None-Match': '"|v1"' } },
    );
    expect(disabled.status).toBe(200);
    expect(disabled.headers).toEqual({});
    const unmapped = await run(makeCaching({ policy: { operations: { strongCaching: { options: { maxage: 60 } } } } }));
    expect(unmapped.headers).toEqual({});
  });

  it('are absent when no ruleset applies, and the operation does nothing', async () => {
    const result = await run(makeCaching({ policy: policyFor('strongCaching') }), {
      ruleset: null,
      published: undefined,
    });
    expect(result.headers).toEqual({});
  });
});

describe('chain', () => {
  it('runs every member on modify, the last one writing last, and lists them', async () => {
    const caching = makeCaching({
      policy: {
        operationMapping: { 'site.page': 'chain' },
        operations: { chain: { rulesets: { 'site.page': { operations: ['strongCaching', 'noCaching'] } } } },
      },
    });
    const result = await run(caching);
    expect(result.headers['cache-control']).toBe(PRIVATE);
    expect(result.headers['x-cache-chain-operations']).toBe('strongCaching; noCaching');
    expect(result.headers['x-cache-operation']).toBe('chain');
  });

  it('lets a later member write its own public headers over an earlier member’s private ones (they are not the application’s)', async () => {
    for (const first of ['weakCaching', 'noCaching']) {
      const caching = makeCaching({
        policy: {
          operationMapping: { 'site.page': 'chain' },
          operations: { chain: { rulesets: { 'site.page': { operations: [first, 'moderateCaching'] } } } },
        },
      });
      expect((await run(caching)).headers['cache-control'], first).toBe('max-age=0, s-maxage=86400, must-revalidate');
      expect(
        (await run(caching, { render: (r) => r.setHeader('Cache-Control', 'private') })).headers['cache-control'],
        first,
      ).toBe(PRIVATE);
    }
  });

  it('lets the first member that answers win a conditional request', async () => {
    const caching = makeCaching({
      policy: {
        operationMapping: { 'site.page': 'chain' },
        operations: {
          chain: { rulesets: { 'site.page': { operations: ['noCaching', 'weakCaching', 'strongCaching'] } } },
          weakCaching: { options: { etags: ['resourceVersion'] } },
        },
      },
      resourceVersion: 'v1',
    });
    const result = await run(caching, { headers: { 'If-None-Match': ETAG } });
    expect(result.status).toBe(304);
    expect(result.headers['x-cache-chain-operations']).toBe('noCaching; weakCaching');
    expect(result.headers['x-cache-operation']).toBe('chain');
  });
});

describe('requests the engine never sees as cacheable', () => {
  it('leave methods other than GET/HEAD private whatever the operation, also for an unknown method', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND']) {
      const init: RunInit = { method };
      expect(
        (await run(makeCaching({ policy: policyFor('strongCaching') }), init)).headers['cache-control'],
        method,
      ).toBe(PRIVATE);
    }
  });
});
