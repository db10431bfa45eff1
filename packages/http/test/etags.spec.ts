import {
  CachePolicy,
  CachingEngine,
  createExchange,
  memoryRequest,
  memoryResponse,
  OperationRegistry,
  RulesetRegistry,
} from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import {
  attachHttpSettings,
  builtinETagComponents,
  ETagComponent,
  registerHttpOperations,
  type ETagComponentContext,
} from '../src/index.js';
import {
  ALICE,
  BOB,
  collectingLogger,
  LAST_MODIFIED,
  makeCaching,
  Page,
  PageView,
  pageContainer,
  policyFor,
  run,
} from './fixtures/harness.js';
import { joinETagTokens } from '../src/etag/joinETagTokens.js';
import { defaultHttpSettings } from '../src/runtime/HttpSettings.js';

const ETAGC = /^[\x21\x23-\x7e]*$/;

describe('joinETagTokens', () => {
  it('gives the right tag whatever was joined just before (the last join is remembered)', () => {
    const tokens = ['1793525400', 'v1'];
    expect(joinETagTokens(tokens)).toBe('|1793525400|v1');
    tokens[1] = 'v2'; // the caller's array changed after the call: the memo keeps its own copy
    expect(joinETagTokens(tokens)).toBe('|1793525400|v2');
    expect(joinETagTokens(['1793525400', 'v2'])).toBe('|1793525400|v2');
    expect(joinETagTokens(['1793525400', undefined])).toBe('|1793525400|');
    expect(joinETagTokens([undefined, undefined])).toBeUndefined();
    expect(joinETagTokens([undefined, undefined])).toBeUndefined();
    expect(joinETagTokens(['1793525400'])).toBe('|1793525400');
  });

  it('joins tokens after a leading | and maps , to ; and " to \' (PAC-10)', () => {
    expect(joinETagTokens(['foo', 'bar,baz'])).toBe('|foo|bar;baz');
    expect(joinETagTokens(['say "hi"'])).toBe("|say%20'hi'");
  });

  it('gives a missing value an empty token', () => {
    expect(joinETagTokens(['foo', undefined])).toBe('|foo|');
    expect(joinETagTokens([undefined, 'foo'])).toBe('||foo');
    expect(joinETagTokens(['', ''])).toBe('||');
  });

  it('gives no ETag when no token has a value', () => {
    expect(joinETagTokens([])).toBeUndefined();
    expect(joinETagTokens([undefined, undefined])).toBeUndefined();
  });

  it('percent-encodes every other byte an entity tag may not hold', () => {
    expect(joinETagTokens(['a b'])).toBe('|a%20b');
    expect(joinETagTokens(['é'])).toBe('|%C3%A9');
    expect(joinETagTokens(['\u0000\t\u007f'])).toBe('|%00%09%7F');
    expect(joinETagTokens(['😀'])).toBe('|%F0%9F%98%80');
    expect(joinETagTokens(['\ud800'])).toBe('|%EF%BF%BD');
  });

  it('hashes long tags into a short, stable, valid one', () => {
    const long = 'x'.repeat(600);
    const tag = joinETagTokens([long]);
    expect(tag).toMatch(/^\|sha256:[A-Za-z0-9_-]{43}$/);
    expect(joinETagTokens([long])).toBe(tag);
    expect(joinETagTokens([`${long}y`])).not.toBe(tag);
    expect(joinETagTokens(['x'.repeat(511)])).toBe(`|${'x'.repeat(511)}`);
  });

  it('hashes a huge token quickly, without escaping it character by character first', () => {
    for (const piece of [' ', 'é', '\ud800', '"a",']) {
      const started = performance.now();
      const tag = joinETagTokens([piece.repeat(300_000)]);
      expect(performance.now() - started).toBeLessThan(50);
      expect(tag).toMatch(/^\|sha256:[A-Za-z0-9_-]{43}$/);
    }
    expect(joinETagTokens([' '.repeat(300_000)])).not.toBe(joinETagTokens([' '.repeat(300_001)]));
  });

  it('hashes a tag that only escaping makes too long', () => {
    expect(joinETagTokens([' '.repeat(200)])).toMatch(/^\|sha256:[A-Za-z0-9_-]{43}$/);
  });

  it('always produces a valid opaque tag, whatever the tokens', () => {
    const nasty = ['"', '\\', ' ', '\r\n', 'W/"x"', '\u2028', '%', 'a,b', '\udfff\ud800'];
    for (const token of nasty) {
      const tag = joinETagTokens([token]);
      expect(tag).toMatch(ETAGC);
    }
  });
});

describe('built-in ETag components', () => {
  it('are named as in plone.app.caching, plus resourceVersion', () => {
    expect(builtinETagComponents.map((c) => c.name)).toEqual([
      'userid',
      'roles',
      'language',
      'lastModified',
      'catalogCounter',
      'resourceVersion',
      'anonymousOrRandom',
    ]);
  });

  const etagFor = async (
    etags: string[],
    init: Parameters<typeof run>[1] = {},
    extra: Parameters<typeof makeCaching>[0] extends infer O ? Partial<O> : never = {},
  ): Promise<string | undefined> => {
    const caching = makeCaching({ policy: policyFor('weakCaching', { etags }), ...extra });
    return (await run(caching, init)).headers.etag;
  };

  it('userid: the user’s id, nothing for anonymous requests', async () => {
    expect(await etagFor(['userid'], { user: ALICE })).toBe('"|alice"');
    expect(await etagFor(['userid'])).toBeUndefined();
    expect(await etagFor(['userid', 'language'], { headers: { 'Accept-Language': 'en' } })).toBe('"||en"');
  });

  it('roles: the sorted roles joined with ;, and Anonymous for anonymous requests', async () => {
    expect(await etagFor(['roles'], { user: ALICE })).toBe('"|Editor;Member"');
    expect(await etagFor(['roles'])).toBe('"|Anonymous"');
  });

  it('language: the raw Accept-Language, or an empty token', async () => {
    expect(await etagFor(['language'], { headers: { 'Accept-Language': 'de-CH, en;q=0.5' } })).toBe(
      '"|de-CH;%20en;q=0.5"',
    );
    expect(await etagFor(['language'])).toBe('"|"');
  });

  it('lastModified: the ILastModified time in whole seconds, nothing when unknown', async () => {
    expect(await etagFor(['lastModified'])).toBe(`"|${LAST_MODIFIED / 1000}"`);
    expect(await etagFor(['lastModified'], { published: new PageView(new Page(null)) })).toBeUndefined();
  });

  it('resourceVersion: the deployment’s version setting', async () => {
    expect(await etagFor(['resourceVersion'], {}, { resourceVersion: 'v42' })).toBe('"|v42"');
    expect(await etagFor(['resourceVersion'])).toBeUndefined();
  });

  it('anonymousOrRandom: nothing for anonymous requests, a token unique per request for logged-in users', async () => {
    expect(await etagFor(['anonymousOrRandom'])).toBeUndefined();
    const tags = new Set<string | undefined>();
    for (let i = 0; i < 20; i += 1) tags.add(await etagFor(['anonymousOrRandom'], { user: ALICE }));
    expect(tags.size).toBe(20);
    for (const tag of tags) expect(tag).toMatch(/^"\|[\x21\x23-\x7e]+"$/);
  });
});

describe('user-defined ETag components', () => {
  it('can be given as an option or bound in the container, and may be async', async () => {
    const container = pageContainer();
    container.bind(ETagComponent).toConstantValue({ name: 'galleryVersion', value: async () => 7 });
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['skin', 'galleryVersion', 'nothing'] }),
      container,
      etagComponents: [
        { name: 'skin', value: () => 'dark' },
        { name: 'nothing', value: () => null },
      ],
    });
    expect((await run(caching)).headers.etag).toBe('"|dark|7|"');
  });

  it('see the request, the published object and the user', async () => {
    const seen: ETagComponentContext[] = [];
    const published = new PageView(new Page());
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['probe'] }),
      etagComponents: [
        {
          name: 'probe',
          value: async (ctx) => {
            seen.push(ctx);
            return (await ctx.lastModified())?.toSeconds();
          },
        },
      ],
    });
    await run(caching, { published, user: BOB, url: '/page?x=1' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.published).toBe(published);
    expect(seen[0]?.user).toEqual(BOB);
    expect(seen[0]?.request.url).toBe('/page?x=1');
  });

  it('contribute an empty token when they throw, and the failure is logged once, not per request', async () => {
    const logger = collectingLogger();
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['broken', 'skin'] }),
      logger,
      etagComponents: [
        {
          name: 'broken',
          value: () => {
            throw new Error('database down');
          },
        },
        { name: 'skin', value: () => 'dark' },
      ],
    });
    for (let i = 0; i < 3; i += 1) {
      const result = await run(caching);
      expect(result.status).toBe(200);
      expect(result.headers.etag).toBe('"||dark"');
    }
    expect(logger.errors.filter((m) => m.includes('database down'))).toHaveLength(1);
  });
});

describe('ETag memoisation (PAC-11)', () => {
  it('computes the ETag once per request and uses it in intercept and modify alike', async () => {
    let calls = 0;
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['counter'] }),
      etagComponents: [{ name: 'counter', value: () => String((calls += 1)) }],
    });
    const first = await run(caching);
    expect(calls).toBe(1);
    expect(first.headers.etag).toBe('"|1"');
    // The value computed in intercept answers the next request's If-None-Match check and its header.
    const second = await run(caching, { headers: { 'If-None-Match': '"|2"' } });
    expect(calls).toBe(2);
    expect(second.status).toBe(304);
    expect(second.headers.etag).toBe('"|2"');
  });

  it('keeps a logged-in user’s random token the same between intercept and modify', async () => {
    let seen: string | undefined;
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['anonymousOrRandom', 'spy'] }),
      etagComponents: [{ name: 'spy', value: () => 'x' }],
    });
    const result = await run(caching, {
      user: ALICE,
      render: (response) => {
        seen = response.getHeader('etag');
        return 'body';
      },
    });
    expect(seen).toBeUndefined();
    expect(result.headers.etag).toMatch(/^"\|[^|]+\|x"$/);
  });

  it('shares the first operation’s ETag with the rest of a chain, as plone.app.caching did', async () => {
    const calls: string[] = [];
    const caching = makeCaching({
      policy: {
        operationMapping: { 'site.page': 'chain' },
        operations: {
          chain: { rulesets: { 'site.page': { operations: ['weakCaching', 'moderateCaching'] } } },
          weakCaching: { options: { etags: ['a'] } },
          moderateCaching: { options: { etags: ['b'] } },
        },
      },
      etagComponents: [
        { name: 'a', value: () => (calls.push('a'), 'A') },
        { name: 'b', value: () => (calls.push('b'), 'B') },
      ],
    });
    const result = await run(caching);
    expect(calls).toEqual(['a']);
    expect(result.headers.etag).toBe('"|A"');
    expect(result.headers['x-cache-chain-operations']).toBe('weakCaching; moderateCaching');
  });

  it('computes synchronous components in modify when the ruleset is named after intercept, and warns about async ones', async () => {
    const logger = collectingLogger();
    const caching = makeCaching({
      policy: policyFor('weakCaching', { etags: ['skin', 'slow'] }),
      logger,
      etagComponents: [
        { name: 'skin', value: () => 'dark' },
        { name: 'slow', value: async () => 'late' },
      ],
    });
    let hint: string | undefined;
    const response = memoryResponse();
    const base = createExchange({
      request: memoryRequest({ url: '/page' }),
      response,
      published: new PageView(new Page()),
      adapters: caching.adapters,
    });
    const exchange = Object.defineProperty(base, 'rulesetHint', { get: () => hint });
    attachHttpSettings(exchange, caching.settings);
    expect(await caching.engine.intercept(exchange)).toBeUndefined();
    hint = 'site.page';
    caching.engine.modify(exchange);
    expect(response.getHeader('etag')).toBe('"|dark|"');
    expect(logger.errors.some((m) => m.includes("ruleset 'site.page' was named after the request started"))).toBe(true);
  });
});

describe('an unknown ETag component on a bare engine (no start-up validation)', () => {
  it('contributes an empty token and is logged once', async () => {
    const operations = registerHttpOperations(new OperationRegistry());
    const policy = CachePolicy.compile(policyFor('weakCaching', { etags: ['nope', 'userid'] }), { operations });
    const engine = new CachingEngine({ rulesets: new RulesetRegistry(), operations, policy });
    const logger = collectingLogger();
    for (let i = 0; i < 2; i += 1) {
      const response = memoryResponse();
      const exchange = createExchange({
        request: memoryRequest({ url: '/', user: ALICE }),
        response,
        rulesetHint: 'site.page',
      });
      attachHttpSettings(exchange, { ...defaultHttpSettings, logger });
      await engine.intercept(exchange);
      engine.modify(exchange);
      expect(response.getHeader('etag')).toBe('"||alice"');
    }
    expect(logger.errors.filter((m) => m.includes("unknown ETag component 'nope'"))).toHaveLength(1);
  });
});

describe('anonOnly (PAC-12)', () => {
  it('gives anonymous visitors no ETag when anonymousOrRandom is the only key, and public headers', async () => {
    const caching = makeCaching({ policy: policyFor('strongCaching', { anonOnly: true, vary: 'X-Anonymous' }) });
    const result = await run(caching);
    expect(result.headers.etag).toBeUndefined();
    expect(result.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect(result.headers.vary).toBe('X-Anonymous');
  });

  it('gives logged-in users a random ETag and private headers', async () => {
    const caching = makeCaching({ policy: policyFor('strongCaching', { anonOnly: true, vary: 'X-Anonymous' }) });
    const result = await run(caching, { user: ALICE });
    expect(result.headers.etag).toMatch(/^"\|.+"$/);
    expect(result.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(result.headers.vary).toBeUndefined();
  });

  it('gives moderate caching the proxy form for anonymous visitors and private headers with an ETag for users', async () => {
    const caching = makeCaching({
      policy: policyFor('moderateCaching', { anonOnly: true, smaxage: 60, vary: 'X-Anonymous' }),
    });
    const anonymous = await run(caching);
    expect(anonymous.headers['cache-control']).toBe('max-age=0, s-maxage=60, must-revalidate');
    expect(anonymous.headers.vary).toBe('X-Anonymous');
    expect(anonymous.headers.etag).toBeUndefined();
    const user = await run(caching, { user: ALICE });
    expect(user.headers['cache-control']).toBe('max-age=0, must-revalidate, private');
    expect(user.headers.etag).toBeDefined();
  });

  it('never matches a logged-in client’s If-None-Match', async () => {
    const caching = makeCaching({ policy: policyFor('weakCaching', { anonOnly: true, etags: ['userid'] }) });
    const first = await run(caching, { user: ALICE });
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^"\|alice\|.+"$/);
    const again = await run(caching, { user: ALICE, headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(200);
    expect(again.headers.etag).not.toBe(etag);
  });

  it('appends anonymousOrRandom only once', async () => {
    const caching = makeCaching({
      policy: policyFor('weakCaching', { anonOnly: true, etags: ['anonymousOrRandom', 'roles'] }),
    });
    expect((await run(caching)).headers.etag).toBe('"||Anonymous"');
  });
});
