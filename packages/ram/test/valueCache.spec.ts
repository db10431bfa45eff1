import { bindAdapter, CachesetError, ILastModified, memoryRequest } from '@cacheset/core';
import { Container } from 'inversify';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { IObjectPath, RamCacheManager } from '../src/index.js';
import { managersClosedAfterEach, manualClock, recordingLogger, sleep } from './support/helpers.js';

const manager = managersClosedAfterEach();

class Document {
  constructor(
    readonly id: string,
    public modified: number,
  ) {}
}

function rowOf(ram: RamCacheManager, path: string) {
  return ram.report({ kind: 'value' }).find((r) => r.path === path);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (CachesetError.is(error)) return error.code;
    throw error;
  }
  throw new Error('expected a CachesetError');
}

describe('value cache: the RAMCacheManager conformance checks', () => {
  it('SCM-2: a get with no entry returns undefined, counts a real miss and no hit', async () => {
    const ram = manager();
    expect(await ram.values.get('/doc')).toBeUndefined();
    expect(ram.statistics()).toMatchObject({ hits: 0, misses: 1, stores: 0 });
  });

  it('SCM-3: a set counts a store (not a miss); a get with the same parts returns the data, +1 hit, +1 access', async () => {
    const ram = manager();
    expect(await ram.values.set('/doc', { title: 'Hello' }, { view: 'teaser' })).toBe(true);
    expect(ram.statistics()).toMatchObject({ stores: 1, misses: 0 });
    expect(await ram.values.get('/doc', { view: 'teaser' })).toEqual({ title: 'Hello' });
    expect(rowOf(ram, '/doc')).toMatchObject({ hits: 1, stores: 1, entries: 1, views: ['teaser'] });
    expect(ram.statistics().hits).toBe(1);
  });

  it('SCM-4: other users or keywords are separate entries; keyword order does not matter', async () => {
    const ram = manager();
    const alice = memoryRequest({ url: '/doc', user: { id: 'alice', roles: [] } });
    const bob = memoryRequest({ url: '/doc', user: { id: 'bob', roles: [] } });
    await ram.values.set('/doc', 'for alice', { request: alice, keywords: { size: 2, lang: 'en' } });
    expect(await ram.values.get('/doc', { request: bob, keywords: { size: 2, lang: 'en' } })).toBeUndefined();
    expect(await ram.values.get('/doc', { request: alice, keywords: { lang: 'en', size: 2 } })).toBe('for alice');
    expect(await ram.values.get('/doc', { request: alice, keywords: { lang: 'en', size: '2' } })).toBeUndefined();
    expect(await ram.values.get('/doc', { request: alice, keywords: { lang: 'fr', size: 2 } })).toBeUndefined();
    // All anonymous visitors share one entry, as the ancestor's "Anonymous User" does.
    await ram.values.set('/doc', 'anonymous', { request: memoryRequest({ url: '/doc' }) });
    expect(await ram.values.get('/doc', { request: memoryRequest({ url: '/other' }) })).toBe('anonymous');
    expect(await ram.values.get('/doc', { variables: { user: null } })).toBe('anonymous');
  });

  it('keys on configured request variables in sorted order, whatever order the configuration gives', async () => {
    const one = manager({ requestVariables: ['header:accept-language', 'user'] });
    const two = manager({ requestVariables: ['user', 'header:accept-language'] });
    const request = memoryRequest({ url: '/', headers: { 'accept-language': 'de' } });
    expect(one.values.keyOf('/doc', { request })).toBe(two.values.keyOf('/doc', { request }));
    await one.values.set('/doc', 'de', { request });
    expect(
      await one.values.get('/doc', { request: memoryRequest({ url: '/', headers: { 'accept-language': 'fr' } }) }),
    ).toBeUndefined();
    expect(await one.values.get('/doc', { request })).toBe('de');
  });

  it('SCM-5: a newer modification time drops every entry of the object on the next get', async () => {
    const ram = manager();
    await ram.values.set('/doc', 'teaser v1', { view: 'teaser', lastModified: 1000 });
    await ram.values.set('/doc', 'full v1', { view: 'full', lastModified: 1000 });
    await ram.values.set('/other', 'untouched', { lastModified: 1000 });
    expect(await ram.values.get('/doc', { view: 'teaser', lastModified: 1000 })).toBe('teaser v1');
    expect(await ram.values.get('/doc', { view: 'teaser', lastModified: 2000 })).toBeUndefined();
    expect(rowOf(ram, '/doc')).toMatchObject({ entries: 0, invalidations: 2 });
    expect(await ram.values.get('/other', { lastModified: 1000 })).toBe('untouched');
    // A value made from the old version is refused once the object is known to be newer.
    expect(await ram.values.set('/doc', 'stale render', { view: 'full', lastModified: 1000 })).toBe(false);
    expect(ram.statistics().refusalsBy['invalidated-while-rendering']).toBe(1);
  });

  it('SCM-5 through an ILastModified adapter bound in the container', async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: ILastModified,
      for: Document,
      factory: (d: Document) => ({ lastModified: () => DateTime.fromMillis(d.modified, { zone: 'utc' }) }),
    });
    bindAdapter(container, {
      provides: IObjectPath,
      for: Document,
      factory: (d: Document) => ({ getPath: () => `/docs/${d.id}` }),
    });
    const ram = manager({ container });
    const doc = new Document('a', Date.UTC(2026, 0, 1));
    await ram.values.set(doc, 'v1');
    expect(await ram.values.get(doc)).toBe('v1');
    doc.modified += 60_000;
    expect(await ram.values.get(doc)).toBeUndefined();
    expect(await ram.values.get(doc, { lastModified: null })).toBeUndefined();
  });

  it('SCM-6: an entry older than maxAge is dropped on get; maxAge 0 disables expiry', async () => {
    const clock = manualClock();
    const ram = manager({ maxAge: '1h', now: clock.now });
    const forever = manager({ maxAge: 0, now: clock.now });
    await ram.values.set('/doc', 'x');
    await forever.values.set('/doc', 'x');
    await ram.values.set('/short', 'x', { maxAge: 10 });
    clock.advance(11_000);
    expect(await ram.values.get('/short')).toBeUndefined();
    expect(await ram.values.get('/doc')).toBe('x');
    clock.advance(3600_000);
    expect(await ram.values.get('/doc')).toBeUndefined();
    expect(ram.statistics().expirations).toBe(2);
    clock.advance(365 * 86_400_000);
    expect(await forever.values.get('/doc')).toBe('x');
  });

  it('SCM-10: values that cannot be stored are refused with a counted, logged reason; the caller never fails', async () => {
    const logger = recordingLogger();
    const ram = manager({ logger });
    class Widget {
      size = 1;
    }
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: unknown[] = [];
    const root = deep;
    for (let i = 0; i < 20_000; i += 1) {
      const next: unknown[] = [];
      deep.push(next);
      deep = next;
    }
    const refused: [string, unknown][] = [
      ['function', { render: () => 'x' }],
      ['symbol', { kind: Symbol('k') }],
      ['class', { widget: new Widget() }],
      ['symbol-keyed', { [Symbol('hidden')]: 1 }],
      ['undefined', undefined],
      ['deep', root],
    ];
    for (const [, value] of refused) await expect(ram.values.set('/doc', value)).resolves.toBe(false);
    expect(await ram.values.getOrCompute('/computed', () => ({ f: () => 1 }))).toHaveProperty('f');
    const stats = ram.statistics();
    expect(stats.refusals).toBe(7);
    expect(stats.refusalsBy).toMatchObject({ unserializable: 6, undefined: 1 });
    expect(stats.entries).toBe(0);
    const messages = logger.lines.map((l) => l.message).join('\n');
    expect(messages).toContain('a function at value.render');
    expect(messages).toContain('a symbol at value.kind');
    expect(messages).toContain('an instance of Widget at value.widget');
    expect(messages).toContain('nested too deeply');
    // Cycles are fine: the serializer follows them and the copy keeps its shape.
    expect(await ram.values.set('/cyclic', cyclic)).toBe(true);
    const copy = (await ram.values.get('/cyclic')) as Record<string, unknown>;
    expect(copy.self).toBe(copy);
    expect(copy).not.toBe(cyclic);
  });

  it('SCM-11: with caching off for an object, get misses and set does nothing; invalidation still works', async () => {
    const ram = manager();
    await ram.values.set('/doc', 'cached');
    await ram.values.set('/doc/child', 'child');
    ram.setEnabled('/doc', false);
    expect(ram.isEnabled('/doc')).toBe(false);
    expect(await ram.values.get('/doc')).toBeUndefined();
    expect(await ram.values.set('/doc', 'again')).toBe(false);
    expect(await ram.values.getOrCompute('/doc', () => 'computed')).toBe('computed');
    expect(ram.invalidatePaths(['/doc'])).toBe(1);
    expect(await ram.values.get('/doc/child')).toBeUndefined();
    ram.setEnabled('/doc', true);
    expect(await ram.values.set('/doc', 'on again')).toBe(true);
    expect(await ram.values.get('/doc')).toBe('on again');
  });

  it('SCM-12: separate managers are separate caches; sharing one instance shares its entries; closing clears', async () => {
    const one = manager();
    const clone = manager();
    await one.values.set('/doc', 'x');
    expect(await clone.values.get('/doc')).toBeUndefined();
    const moved = { cache: one };
    expect(await moved.cache.values.get('/doc')).toBe('x');
    await one.close();
    expect(await one.values.get('/doc')).toBeUndefined();
    expect(await one.values.set('/doc', 'y')).toBe(false);
    expect(one.statistics().entries).toBe(0);
  });
});

describe('value cache: copies and types', () => {
  it('returns a fresh copy on every read, so callers cannot change what others get', async () => {
    const ram = manager();
    const original = { tags: ['a'], at: new Date(0), map: new Map([['k', 1]]) };
    await ram.values.set('/doc', original);
    original.tags.push('changed after set');
    const first = (await ram.values.get('/doc')) as typeof original;
    first.tags.push('changed by a reader');
    const second = (await ram.values.get('/doc')) as typeof original;
    expect(second.tags).toEqual(['a']);
    expect(second.at).toBeInstanceOf(Date);
    expect(second.map.get('k')).toBe(1);
  });

  it('keeps strings, numbers, booleans, null and bigints as they are', async () => {
    const ram = manager();
    for (const [i, v] of (['text', 42, true, null, 10n, ''] as const).entries()) {
      await ram.values.set('/v', v, { keywords: { i } });
      expect(await ram.values.get('/v', { keywords: { i } })).toBe(v);
    }
  });
});

describe('value cache: object paths', () => {
  it('takes the path from the objectPath option, from an IObjectPath adapter (views use their context), or fails with a typed error', async () => {
    const container = new Container();
    bindAdapter(container, {
      provides: IObjectPath,
      for: Document,
      factory: (d: Document) => ({ getPath: () => `/docs/${d.id}` }),
    });
    const ram = manager({ container, objectPath: (o) => ('slug' in o ? `/slugs/${String(o.slug)}` : undefined) });
    await ram.values.set(new Document('a', 0), 'by adapter');
    expect(await ram.values.get('/docs/a')).toBe('by adapter');
    expect(await ram.values.get({ context: new Document('a', 0) })).toBe('by adapter');
    await ram.values.set({ slug: 'x' }, 'by option');
    expect(await ram.values.get('/slugs/x')).toBe('by option');
    expect(await codeOf(ram.values.get({ anonymous: true }))).toBe('ERR_CACHESET_RAM_NO_OBJECT_PATH');
    expect(await codeOf(ram.values.get('relative/path'))).toBe('ERR_CACHESET_RAM_INVALID_PATH');
  });

  it('rejects malformed key parts with typed errors', async () => {
    const ram = manager();
    expect(await codeOf(ram.values.get('/d', { view: 7 as never }))).toBe('ERR_CACHESET_RAM_INVALID_KEY');
    expect(await codeOf(ram.values.get('/d', { keywords: { when: new Date() as never } }))).toBe(
      'ERR_CACHESET_RAM_INVALID_KEY',
    );
    expect(await codeOf(ram.values.get('/d', { keywords: { n: Number.NaN } }))).toBe('ERR_CACHESET_RAM_INVALID_KEY');
    expect(await codeOf(ram.values.get('/d', { variables: { usr: 'typo' } }))).toBe('ERR_CACHESET_RAM_INVALID_KEY');
    expect(await codeOf(ram.values.set('/d', 1, { tags: ['a b'] }))).toBe('ERR_CACHESET_RAM_INVALID_KEY');
    expect(await codeOf(ram.values.set('/d', 1, { lastModified: 'yesterday' as never }))).toBe(
      'ERR_CACHESET_RAM_INVALID_KEY',
    );
    expect(await codeOf(ram.values.set('/d', 1, { maxAge: '5 fortnights' }))).toBe('ERR_CACHESET_RAM_INVALID_ARGUMENT');
    expect(await codeOf(ram.values.getOrCompute('/d', 'not a function' as never))).toBe(
      'ERR_CACHESET_RAM_INVALID_ARGUMENT',
    );
  });
});

describe('value cache: getOrCompute', () => {
  it('computes once for concurrent callers; each gets its own copy', async () => {
    const ram = manager();
    let calls = 0;
    const compute = async (): Promise<{ n: number }> => {
      calls += 1;
      await sleep(20);
      return { n: 1 };
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => ram.values.getOrCompute('/doc', compute)));
    expect(calls).toBe(1);
    for (const r of results) expect(r).toEqual({ n: 1 });
    expect(new Set(results).size).toBe(4);
    expect(ram.statistics()).toMatchObject({ misses: 1, collapsedHits: 3, stores: 1 });
    expect(await ram.values.getOrCompute('/doc', compute)).toEqual({ n: 1 });
    expect(calls).toBe(1);
  });

  it('gives every waiting caller the error and caches nothing', async () => {
    const ram = manager();
    let calls = 0;
    const failing = async (): Promise<string> => {
      calls += 1;
      await sleep(10);
      throw new Error('database down');
    };
    const results = await Promise.allSettled([
      ram.values.getOrCompute('/doc', failing),
      ram.values.getOrCompute('/doc', failing),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(ram.statistics()).toMatchObject({ computeErrors: 1, entries: 0 });
    expect(await ram.values.getOrCompute('/doc', () => 'recovered')).toBe('recovered');
  });

  it('lets a waiter compute itself after waitTimeoutMs', async () => {
    const ram = manager({ waitTimeoutMs: 20 });
    const slow = ram.values.getOrCompute('/doc', async () => {
      await sleep(200);
      return 'slow';
    });
    await sleep(1);
    expect(await ram.values.getOrCompute('/doc', () => 'impatient')).toBe('impatient');
    expect(ram.statistics().waitTimeouts).toBe(1);
    expect(await slow).toBe('slow');
  });

  it('serves a stale value at once while one background computation refreshes it', async () => {
    const clock = manualClock();
    const ram = manager({ maxAge: 60, staleWhileRevalidate: 60, now: clock.now });
    await ram.values.set('/doc', 'v1');
    clock.advance(90_000);
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const refresh = async (): Promise<string> => {
      calls += 1;
      await gate;
      return 'v2';
    };
    expect(await ram.values.getOrCompute('/doc', refresh)).toBe('v1');
    expect(await ram.values.getOrCompute('/doc', refresh)).toBe('v1');
    expect(calls).toBe(1);
    release();
    await sleep(5);
    expect(await ram.values.getOrCompute('/doc', refresh)).toBe('v2');
    expect(ram.statistics().staleHits).toBe(2);
  });

  it('does not store a value whose computation an invalidation overtook', async () => {
    const ram = manager();
    const pending = ram.values.getOrCompute('/docs/a', async () => {
      await sleep(10);
      return 'old data';
    });
    await sleep(1);
    ram.invalidatePaths(['/docs']);
    expect(await pending).toBe('old data');
    expect(await ram.values.get('/docs/a')).toBeUndefined();
  });
});
