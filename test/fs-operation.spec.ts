import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  bindAdapter,
  createExchange,
  EventBus,
  memoryRequest,
  memoryResponse,
  OperationRegistry,
  Purge,
  RulesetRegistry,
  type CacheUser,
  type PolicyData,
} from '@cacheset/core';
import {
  attachHttpSettings,
  createHttpCaching,
  IAnonymousAccess,
  registerHttpOperations,
  type HttpCaching,
} from '@cacheset/http';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsCacheOperation, FsCache, staticCacheControl, subscribePurges } from '@cacheset/fs';
import { openCache, tempDir, tree } from '../packages/fs/test/support.js';
import { settleCaptures, type CaptureAbandonReason } from '@cacheset/core/internal';

class Article {
  constructor(
    readonly slug: string,
    readonly published = true,
  ) {}
}

const policy: PolicyData = {
  operationMapping: { 'site.page': 'chain', 'site.bare': 'fsCache', 'site.gallery': 'chain', 'site.etag': 'chain' },
  operations: {
    moderateCaching: { options: { smaxage: '1h' } },
    chain: {
      rulesets: {
        'site.page': { operations: ['moderateCaching', 'fsCache'] },
        'site.gallery': { operations: ['moderateCaching', 'fsCache'] },
        'site.etag': { operations: ['moderateCaching', 'fsCache'] },
      },
    },
    fsCache: { rulesets: { 'site.gallery': { queryParameters: ['page', 'size'] } } },
  },
};

interface Rendered {
  readonly method?: string;
  readonly user?: CacheUser;
  readonly requestHeaders?: Record<string, string>;
  readonly ruleset?: string;
  readonly published?: unknown;
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** What the server adapter reports instead of a body: the response never finished. */
  readonly abandon?: CaptureAbandonReason;
  /** Runs between intercept and modify: while the view renders. */
  readonly during?: () => void;
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let cache: FsCache;
let caching: HttpCaching;
let container: Container;
let bus: EventBus;

beforeEach(async () => {
  tmp = await tempDir();
  cache = await openCache(join(tmp.dir, 'root'));
  container = new Container();
  bus = new EventBus();
  subscribePurges(cache, { container, bus });
  const operations = registerHttpOperations(new OperationRegistry());
  operations.register(createFsCacheOperation(cache));
  caching = createHttpCaching({
    policy,
    operations,
    rulesets: new RulesetRegistry(),
    container,
    cacheStopRequestVariables: ['portal_status_message'],
    resourceVersion: '7',
  });
});
afterEach(async () => {
  await cache.close();
  await tmp.cleanup();
});

/** One request through the policy, as the node:http adapter runs it, with a memory request and response. */
async function run(
  url: string,
  r: Rendered = {},
): Promise<{ readonly status: number; readonly headers: Readonly<Record<string, string>> }> {
  const response = memoryResponse();
  const exchange = createExchange({
    request: memoryRequest({
      method: r.method ?? 'GET',
      url,
      headers: r.requestHeaders ?? {},
      ...(r.user === undefined ? {} : { user: r.user }),
    }),
    response,
    published: r.published,
    rulesetHint: r.ruleset ?? 'site.page',
    adapters: caching.adapters,
    host: caching,
  });
  attachHttpSettings(exchange, caching.settings);
  const answered = await caching.engine.intercept(exchange);
  if (answered === undefined) {
    r.during?.();
    response.status = r.status ?? 200;
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    for (const [name, value] of Object.entries(r.headers ?? {})) response.setHeader(name, value);
    caching.engine.modify(exchange);
  }
  const body = r.abandon === undefined ? Buffer.from(r.body ?? `<h1>${url}</h1>`) : undefined;
  settleCaptures(
    exchange,
    { status: response.status, headers: Object.entries(response.headers()), body },
    r.abandon ?? 'client-gone',
  );
  await cache.settled();
  return { status: response.status, headers: response.headers() };
}

const refused = (): Readonly<Record<string, number | undefined>> => cache.stats().refused;

describe('the fsCache operation', () => {
  it('writes an anonymous GET 200 after the header operation ran, and nothing else', async () => {
    await run('/hello');
    expect(await tree(cache.root)).toEqual(['hello.html']);
    expect(cache.stats()).toMatchObject({ writes: 1, refusedTotal: 0 });
  });

  it('refuses, with a reason each, what DESIGN §3 says must never be shared from disk', async () => {
    await run('/post', { method: 'POST' });
    await run('/head', { method: 'HEAD' });
    await run('/missing', { status: 404 });
    await run('/moved', { status: 301 });
    await run('/mine', { user: { id: 'ann', roles: ['Member'] } });
    await run('/cookie', { headers: { 'Set-Cookie': 'a=1' } });
    await run('/private', { headers: { 'Cache-Control': 'private' } });
    await run('/nostore', { headers: { 'Cache-Control': 'no-store' } });
    await run('/varies', { headers: { Vary: 'Cookie' } });
    await run('/star', { headers: { Vary: '*' } });
    await run('/zipped', { headers: { 'Content-Encoding': 'gzip' } });
    await run('/stop', { requestHeaders: { cookie: 'portal_status_message=Saved' } });
    await run('/q?x=1');
    await run('/../etc/passwd');
    await run('/gone', { abandon: 'client-gone' });
    await run('/big', { abandon: 'too-large' });
    expect(refused()).toEqual({
      method: 2,
      status: 2,
      authenticated: 1,
      'set-cookie': 1,
      // /star too: the header operation never marks a Vary: * response public, so it arrives private.
      private: 3,
      vary: 1,
      'content-encoding': 1,
      'cache-stop': 1,
      query: 1,
      'dot-segment': 1,
      aborted: 1,
      'too-large': 1,
    });
    expect(await tree(cache.root)).toEqual([]);
  });

  it('accepts Vary: Accept-Encoding (gzip_static handles it)', async () => {
    await run('/negotiated', { headers: { Vary: 'Accept-Encoding' } });
    expect(await tree(cache.root)).toEqual(['negotiated.html']);
  });

  it('refuses content anonymous visitors may not see (IAnonymousAccess)', async () => {
    bindAdapter(container, {
      provides: IAnonymousAccess,
      for: Article,
      factory: (a: Article) => ({ allowsAnonymous: async () => a.published }),
    });
    await run('/draft', { published: new Article('draft', false) });
    await run('/public', { published: new Article('public', true) });
    expect(refused()).toEqual({ 'not-public': 1 });
    expect(await tree(cache.root)).toEqual(['public.html']);
  });

  it('keeps only whitelisted, canonical queries, per ruleset', async () => {
    await run('/gallery?page=2', { ruleset: 'site.gallery' });
    await run('/gallery?page=2&size=s', { ruleset: 'site.gallery' });
    await run('/gallery?size=s&page=2', { ruleset: 'site.gallery' });
    await run('/gallery?utm_source=x', { ruleset: 'site.gallery' });
    await run('/page?page=2');
    expect(await tree(cache.root)).toEqual(['gallery!page=2&size=s.html', 'gallery!page=2.html']);
    expect(refused()).toEqual({ 'query-not-canonical': 1, query: 2 });
  });

  it('discards the body of a request that was rendering when its page was purged', async () => {
    const { IPurgePaths } = await import('@cacheset/core');
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Article,
      name: 'test.article',
      factory: (a: Article) => ({ getRelativePaths: () => [`/articles/${a.slug}`], getAbsolutePaths: () => [] }),
    });
    await run('/articles/news', { during: () => bus.notify(new Purge(new Article('news'))) });
    expect(refused()).toEqual({ purged: 1 });
    expect(existsSync(join(cache.root, 'articles/news.html'))).toBe(false);
    await run('/articles/news');
    expect(await tree(cache.root)).toEqual(['articles/news.html']);
  });

  it('writes nothing when intercept answered (a 304 has no body to keep)', async () => {
    const etagPolicy: PolicyData = {
      ...policy,
      operations: { ...policy.operations, moderateCaching: { options: { smaxage: '1h', etags: ['resourceVersion'] } } },
    };
    caching.setPolicy(etagPolicy);
    const first = await run('/etag', { ruleset: 'site.etag' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"/);
    expect(cache.stats().writes).toBe(1);
    await cache.purge(['/etag']);
    const second = await run('/etag', { ruleset: 'site.etag', requestHeaders: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(existsSync(join(cache.root, 'etag.html'))).toBe(false);
    expect(cache.stats()).toMatchObject({ writes: 1, refusedTotal: 0 });
  });

  it('with a static Cache-Control, writes only responses that carry exactly it', async () => {
    cache.setCacheControl(await staticCacheControl(caching, 'site.page'));
    expect(cache.cacheControl).toBe('max-age=0, s-maxage=3600, must-revalidate');
    await run('/same');
    await run('/bare', { ruleset: 'site.bare', headers: { 'Cache-Control': 'public, max-age=60' } });
    await run('/reordered', {
      ruleset: 'site.bare',
      headers: { 'Cache-Control': 'must-revalidate,max-age=0 ,S-MAXAGE=3600' },
    });
    expect(await tree(cache.root)).toEqual(['reordered.html', 'same.html']);
    expect(refused()).toEqual({ 'cache-control-mismatch': 1 });
  });

  it('is built only around an open FsCache', () => {
    expect(() => createFsCacheOperation({} as FsCache)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_FS_INVALID_OPTIONS' }) as Error,
    );
    expect(createFsCacheOperation(cache, { name: 'diskCache' }).name).toBe('diskCache');
  });
});

describe('staticCacheControl', () => {
  it('reads what the policy sends, and says when it cannot', async () => {
    expect(await staticCacheControl(caching, 'site.page')).toBe('max-age=0, s-maxage=3600, must-revalidate');
    await expect(staticCacheControl(caching, 'site.unknown')).rejects.toMatchObject({
      code: 'ERR_CACHESET_FS_INVALID_RULESET',
    });
    await expect(staticCacheControl(caching, 'site.bare')).rejects.toMatchObject({
      code: 'ERR_CACHESET_FS_INVALID_RULESET',
    });
  });
});
