/**
 * PAC-22: plone.app.caching's default profiles (with and without a caching proxy, §3.12), written as
 * cacheset policies, give the headers the ancestors' end-to-end tests expect; the deliberate
 * differences (DESIGN §3) are called out where they apply.
 */
import { catalogCounterOf, EventBus, type PolicyData } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import type { ETagComponent } from '../src/index.js';
import {
  ALICE,
  EXPIRED_HTTP,
  httpAfter,
  LAST_MODIFIED,
  LAST_MODIFIED_HTTP,
  makeCaching,
  Page,
  PageView,
  run,
  TestResponseCache,
} from './fixtures/harness.js';

const PRIVATE = 'max-age=0, must-revalidate, private';

/** Stand-ins for Plone's site-specific ETag components (catalogCounter is built in). */
const PLONE_COMPONENTS: readonly ETagComponent[] = [
  { name: 'userLanguage', value: () => 'en' },
  { name: 'skin', value: () => 'Plone Default' },
  { name: 'locked', value: () => '0' },
  { name: 'copy', value: () => '0' },
  { name: 'resourceRegistries', value: () => '1700000000.1' },
];

const ITEM_ETAGS = ['userid', 'catalogCounter', 'userLanguage', 'skin', 'locked', 'resourceRegistries'];
const FEED_ETAGS = ['userid', 'catalogCounter', 'userLanguage', 'skin'];
const DYNAMIC_ETAGS = ['userid', 'catalogCounter', 'userLanguage', 'skin', 'locked', 'copy'];

function profile(withProxy: boolean): PolicyData {
  return {
    operationMapping: {
      'plone.resource': 'strongCaching',
      'plone.stableResource': 'strongCaching',
      'plone.content.itemView': 'weakCaching',
      'plone.content.folderView': 'weakCaching',
      'plone.content.feed': withProxy ? 'moderateCaching' : 'weakCaching',
      'plone.content.file': withProxy ? 'moderateCaching' : 'weakCaching',
      'plone.content.dynamic': 'terseCaching',
    },
    operations: {
      strongCaching: {
        rulesets: {
          'plone.resource': { maxage: 86_400, lastModified: true },
          'plone.stableResource': { maxage: 31_536_000, lastModified: true },
        },
      },
      weakCaching: {
        rulesets: {
          'plone.content.itemView': { etags: ITEM_ETAGS, ramCache: true },
          'plone.content.folderView': {
            etags: [...ITEM_ETAGS.slice(0, 5), 'copy', 'resourceRegistries'],
            ramCache: true,
          },
          ...(withProxy
            ? {}
            : {
                'plone.content.feed': { etags: FEED_ETAGS, ramCache: true },
                'plone.content.file': { lastModified: true },
              }),
        },
      },
      ...(withProxy
        ? {
            moderateCaching: {
              rulesets: {
                'plone.content.feed': { smaxage: 86_400, etags: FEED_ETAGS, ramCache: true },
                'plone.content.file': { smaxage: 86_400, lastModified: true },
              },
            },
          }
        : {}),
      terseCaching: {
        rulesets: {
          'plone.content.dynamic': {
            etags: DYNAMIC_ETAGS,
            ramCache: !withProxy,
            vary: 'Accept',
            maxage: 10,
            smaxage: withProxy ? 60 : 0,
          },
        },
      },
    },
  };
}

/** The site's catalog counter: nothing changes during these tests, so its value is fixed. */
const catalogCounter = catalogCounterOf(new EventBus());
const COUNT = catalogCounter.value();

function site(withProxy: boolean) {
  const cache = new TestResponseCache();
  const caching = makeCaching({
    policy: profile(withProxy),
    etagComponents: PLONE_COMPONENTS,
    responseCache: cache,
    catalogCounter,
  });
  return { caching, cache };
}

const publicPage = new PageView(new Page(LAST_MODIFIED, true));
const privatePage = new PageView(new Page(LAST_MODIFIED, false));

describe('the with-caching-proxy profile', () => {
  it('plone.resource: public for a day with Last-Modified, a 304 for If-Modified-Since, private when not public', async () => {
    const { caching } = site(true);
    const anonymous = await run(caching, { ruleset: 'plone.resource', published: publicPage });
    expect(anonymous.headers['cache-control']).toBe('max-age=86400, proxy-revalidate, public');
    expect(anonymous.headers.expires).toBe(httpAfter(86_400));
    expect(anonymous.headers['last-modified']).toBe(LAST_MODIFIED_HTTP);
    const conditional = await run(caching, {
      ruleset: 'plone.resource',
      published: publicPage,
      headers: { 'If-Modified-Since': LAST_MODIFIED_HTTP },
    });
    expect(conditional.status).toBe(304);
    expect(conditional.body).toBe('');
    expect(conditional.headers['x-cache-rule']).toBe('plone.resource');
    expect(conditional.headers['x-cache-operation']).toBe('strongCaching');
    const hidden = await run(caching, { ruleset: 'plone.resource', published: privatePage });
    expect(hidden.headers['cache-control']).toBe(PRIVATE);
    expect(hidden.headers['last-modified']).toBe(LAST_MODIFIED_HTTP);
    expect(hidden.headers.expires).toBe(EXPIRED_HTTP);
  });

  it('plone.stableResource: public for a year', async () => {
    const { caching } = site(true);
    expect((await run(caching, { ruleset: 'plone.stableResource' })).headers['cache-control']).toBe(
      'max-age=31536000, proxy-revalidate, public',
    );
  });

  it('plone.content.file: proxy-cached for a day with Last-Modified, private inside an unpublished folder', async () => {
    const { caching } = site(true);
    const anonymous = await run(caching, { ruleset: 'plone.content.file', published: publicPage });
    expect(anonymous.headers['cache-control']).toBe('max-age=0, s-maxage=86400, must-revalidate');
    expect(anonymous.headers['last-modified']).toBe(LAST_MODIFIED_HTTP);
    expect(anonymous.headers.expires).toBe(EXPIRED_HTTP);
    expect(
      (await run(caching, { ruleset: 'plone.content.file', published: privatePage })).headers['cache-control'],
    ).toBe(PRIVATE);
  });

  it('plone.content.itemView: private with the composite ETag, 304 for it, RAM-cached for anonymous visitors', async () => {
    const { caching } = site(true);
    const first = await run(caching, { ruleset: 'plone.content.itemView', render: () => '<p>item</p>' });
    expect(first.headers['cache-control']).toBe(PRIVATE);
    expect(first.headers.etag).toBe(`"||${COUNT}|en|Plone%20Default|0|1700000000.1"`);
    const conditional = await run(caching, {
      ruleset: 'plone.content.itemView',
      headers: { 'If-None-Match': first.headers.etag ?? '' },
    });
    expect(conditional.status).toBe(304);
    const repeat = await run(caching, { ruleset: 'plone.content.itemView' });
    expect(repeat.intercepted).toBe(true);
    expect(repeat.headers['x-ramcache']).toBeDefined();
    expect(repeat.body).toBe('<p>item</p>');
    const member = await run(caching, { ruleset: 'plone.content.itemView', user: ALICE, render: () => '<p>alice</p>' });
    expect(member.headers.etag).toBe(`"|alice|${COUNT}|en|Plone%20Default|0|1700000000.1"`);
    expect(member.body).toBe('<p>alice</p>');
  });

  it('plone.content.folderView: the copy component sits before resourceRegistries', async () => {
    const { caching } = site(true);
    expect((await run(caching, { ruleset: 'plone.content.folderView' })).headers.etag).toBe(
      `"||${COUNT}|en|Plone%20Default|0|0|1700000000.1"`,
    );
  });

  it('plone.content.feed: proxy-cached with an ETag and RAM-cached for anonymous visitors; private and not RAM-cached for members', async () => {
    const { caching, cache } = site(true);
    const anonymous = await run(caching, { ruleset: 'plone.content.feed' });
    expect(anonymous.headers['cache-control']).toBe('max-age=0, s-maxage=86400, must-revalidate');
    expect(anonymous.headers.etag).toBe(`"||${COUNT}|en|Plone%20Default"`);
    expect(cache.entries.size).toBe(1);
    const member = await run(caching, { ruleset: 'plone.content.feed', user: ALICE });
    expect(member.headers['cache-control']).toBe(PRIVATE);
    expect(member.headers['x-ramcache']).toBeUndefined();
  });

  it('plone.content.dynamic: briefly public with Vary: Accept for anonymous visitors; private without Vary for members', async () => {
    const { caching } = site(true);
    const anonymous = await run(caching, { ruleset: 'plone.content.dynamic' });
    expect(anonymous.headers['cache-control']).toBe('max-age=10, s-maxage=60, proxy-revalidate, public');
    expect(anonymous.headers.vary).toBe('Accept');
    expect(anonymous.headers.etag).toBe(`"||${COUNT}|en|Plone%20Default|0|0"`);
    const member = await run(caching, { ruleset: 'plone.content.dynamic', user: ALICE });
    expect(member.headers['cache-control']).toBe(PRIVATE);
    expect(member.headers.vary).toBeUndefined();
  });
});

describe('the without-caching-proxy profile', () => {
  it('plone.content.dynamic: public with s-maxage=0 and RAM-cached for anonymous visitors', async () => {
    const { caching, cache } = site(false);
    const anonymous = await run(caching, { ruleset: 'plone.content.dynamic' });
    expect(anonymous.headers['cache-control']).toBe('max-age=10, s-maxage=0, proxy-revalidate, public');
    expect(anonymous.headers.vary).toBe('Accept');
    expect(cache.entries.size).toBe(1);
  });

  it('plone.content.dynamic: private for members (the ancestors sent them the public headers)', async () => {
    const { caching } = site(false);
    const member = await run(caching, { ruleset: 'plone.content.dynamic', user: ALICE });
    expect(member.headers['cache-control']).toBe(PRIVATE);
    expect(member.headers.vary).toBeUndefined();
  });

  it('plone.content.feed and plone.content.file: weak caching', async () => {
    const { caching } = site(false);
    expect((await run(caching, { ruleset: 'plone.content.feed' })).headers['cache-control']).toBe(PRIVATE);
    const file = await run(caching, { ruleset: 'plone.content.file' });
    expect(file.headers['cache-control']).toBe(PRIVATE);
    expect(file.headers['last-modified']).toBe(LAST_MODIFIED_HTTP);
  });
});
