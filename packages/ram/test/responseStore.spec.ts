import { CachesetError } from '@cacheset/core';
import { describe, expect, it } from 'vitest';
import { RamCacheManager } from '../src/index.js';
import {
  fillOf,
  info,
  managersClosedAfterEach,
  manualClock,
  recordingLogger,
  response,
  sleep,
  text,
} from './support/helpers.js';

const manager = managersClosedAfterEach();

describe('response cache: lookup and fill', () => {
  it('answers a miss with a fill, then hits synchronously with the stored response', async () => {
    const ram = manager();
    const miss = await ram.lookup('example.com/a');
    fillOf(miss).store(info('example.com/a', '/a'), response('<h1>A</h1>'));
    const hit = ram.lookup('example.com/a');
    expect(hit).not.toBeInstanceOf(Promise);
    expect(text(hit as Awaited<typeof hit>)).toBe('<h1>A</h1>');
    expect(ram.statistics()).toMatchObject({ hits: 1, misses: 1, stores: 1, entries: 1 });
  });

  it('keeps separate keys apart (a changed ETag in the key is a natural miss)', async () => {
    const ram = manager();
    fillOf(await ram.lookup('|"v1"||example.com/a')).store(info('|"v1"||example.com/a', '/a'), response('v1'));
    const other = await ram.lookup('|"v2"||example.com/a');
    expect(other.response).toBeUndefined();
    expect(other.fill).toBeDefined();
  });

  it('makes concurrent misses for one key render once: the others wait and get the stored response', async () => {
    const ram = manager();
    const first = await ram.lookup('k');
    const waiting = [ram.lookup('k'), ram.lookup('k'), ram.lookup('k')];
    for (const w of waiting) expect(w).toBeInstanceOf(Promise);
    fillOf(first).store(info('k', '/k'), response('rendered once'));
    const results = await Promise.all(waiting);
    for (const r of results) {
      expect(text(r)).toBe('rendered once');
      expect(r.collapsed).toBe(true);
      expect(r.fill).toBeUndefined();
    }
    expect(ram.statistics()).toMatchObject({ misses: 1, hits: 3, collapsedHits: 3, stores: 1 });
  });

  it('does not cache an abandoned render: the waiters render themselves, without a fill', async () => {
    const ram = manager();
    const first = await ram.lookup('k');
    const waiting = Promise.all([ram.lookup('k'), ram.lookup('k')]);
    fillOf(first).abandon('server-error');
    for (const r of await waiting) {
      expect(r.response).toBeUndefined();
      expect(r.fill).toBeUndefined();
    }
    expect(ram.statistics()).toMatchObject({ stores: 0, entries: 0, misses: 3 });
  });

  it('after an abandon, requests for that key do not queue behind each other, and a storable render is still kept (hit-for-miss)', async () => {
    const ram = manager({ abandonedKeyTtlMs: 60_000 });
    fillOf(await ram.lookup('k')).abandon('sets-cookie');
    const a = await ram.lookup('k');
    const b = await ram.lookup('k');
    expect(a.fill).toBeDefined();
    expect(b.fill).toBeDefined();
    fillOf(b).store(info('k', '/k'), response('ok'));
    fillOf(a).abandon('sets-cookie');
    expect(text(await ram.lookup('k'))).toBe('ok');
  });

  it('after a transient failure (a 5xx, a HEAD, a client gone), requests still wait for one render', async () => {
    const ram = manager({ abandonedKeyTtlMs: 60_000 });
    for (const reason of ['server-error', 'head', 'client-gone', 'not-stored', 'too-large'] as const) {
      fillOf(await ram.lookup('k')).abandon(reason);
      const next = await ram.lookup('k');
      expect(next.fill).toBeDefined();
      const waiter = ram.lookup('k');
      expect(waiter).toBeInstanceOf(Promise);
      next.fill?.abandon(reason);
      expect(await waiter).toEqual({});
    }
  });

  it('lets a waiter stop waiting after waitTimeoutMs and render uncached', async () => {
    const ram = manager({ waitTimeoutMs: 30 });
    const first = await ram.lookup('slow');
    const started = Date.now();
    const waiter = await ram.lookup('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(waiter).toEqual({});
    expect(ram.statistics().waitTimeouts).toBe(1);
    fillOf(first).store(info('slow', '/slow'), response('late but stored'));
    expect(text(await ram.lookup('slow'))).toBe('late but stored');
  });

  it('drops a render that never reports back after fillTimeoutMs, so the key can be filled again', async () => {
    const ram = manager({ fillTimeoutMs: 30, waitTimeoutMs: 5_000 });
    const lost = await ram.lookup('k');
    const waiter = ram.lookup('k');
    expect(await waiter).toEqual({});
    const again = await ram.lookup('k');
    expect(again.fill).toBeDefined();
    fillOf(lost).store(info('k', '/k'), response('too late'));
    fillOf(again).store(info('k', '/k'), response('fresh'));
    expect(text(await ram.lookup('k'))).toBe('fresh');
    expect(ram.statistics().fillTimeouts).toBe(1);
  });

  it('ignores a second store or abandon on the same fill, and says so', async () => {
    const logger = recordingLogger();
    const ram = manager({ logger });
    const fill = fillOf(await ram.lookup('k'));
    fill.store(info('k', '/k'), response('one'));
    fill.store(info('k', '/k'), response('two'));
    fill.abandon('not-cacheable');
    expect(text(await ram.lookup('k'))).toBe('one');
    expect(logger.lines.some((l) => l.message.includes('exactly one store or abandon'))).toBe(true);
  });
});

describe('response cache: never a leak between users', () => {
  const unsafe: [string, ReturnType<typeof response>][] = [
    ['Set-Cookie', response('x', [['set-cookie', 'sid=1']])],
    ['Cache-Control: no-store', response('x', [['cache-control', 'no-store']])],
    ['Vary: *', response('x', [['vary', 'Accept, *']])],
    ['a 404', response('x', [], 404)],
    ['an empty body', response('')],
  ];
  for (const [name, bad] of unsafe) {
    it(`refuses a response with ${name}, counts and logs it, and the caller does not fail`, async () => {
      const logger = recordingLogger();
      const ram = manager({ logger });
      expect(() => fillOf(ram.lookup('k') as never).store(info('k', '/k'), bad)).not.toThrow();
      expect((await ram.lookup('k')).response).toBeUndefined();
      const stats = ram.statistics();
      expect(stats.refusals).toBe(1);
      expect(stats.refusalsBy['unsafe-response']).toBe(1);
      expect(logger.lines.filter((l) => l.message.includes('not stored'))).toHaveLength(1);
    });
  }

  it('keeps a private response: the operations write private themselves, the header cannot say who asked', async () => {
    // The browser-only forms and the per-user downgrade are private; the HTTP layer never hands a
    // fill a response the application marked private (see test/ram-per-user.spec.ts).
    const ram = manager();
    fillOf(await ram.lookup('k')).store(
      info('k', '/k'),
      response('x', [['cache-control', 'max-age=0, must-revalidate, private']]),
    );
    expect(text(await ram.lookup('k'))).toBe('x');
    expect(ram.statistics().refusals).toBe(0);
  });

  it('refuses malformed records and store info without throwing', async () => {
    const ram = manager();
    fillOf(await ram.lookup('a')).store(info('a', 'no-slash'), response('x'));
    fillOf(await ram.lookup('b')).store(info('other', '/b'), response('x'));
    fillOf(await ram.lookup('c')).store(info('c', '/c', ['has space']), response('x'));
    fillOf(await ram.lookup('d')).store(info('d', '/d'), {
      status: 200,
      headers: 'x',
      body: new Uint8Array(1),
      storedAt: 1,
    } as never);
    expect(ram.statistics()).toMatchObject({ entries: 0, refusals: 4 });
    expect(ram.statistics().refusalsBy.malformed).toBe(4);
  });

  it('answers a bad key with a plain miss (no fill) and counts it', async () => {
    const ram = manager();
    for (const key of ['', '\0value-space', 'x'.repeat(20_000)]) expect(await ram.lookup(key)).toEqual({});
    expect(ram.statistics().refusalsBy['invalid-key']).toBe(3);
  });

  it('refuses an entry larger than maxEntryBytes', async () => {
    const ram = manager({ maxBytes: 64 * 1024, maxEntryBytes: 4096 });
    fillOf(await ram.lookup('big')).store(info('big', '/big'), response(new Uint8Array(8192).fill(65)));
    expect(ram.statistics().refusalsBy['too-large']).toBe(1);
    expect(ram.statistics().entries).toBe(0);
  });

  it('keeps its own copy of a pooled body: the stored bytes are exactly the body', async () => {
    const ram = manager();
    const pooled = Buffer.from('small body in a shared pool');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    fillOf(await ram.lookup('k')).store(info('k', '/k'), response(pooled));
    const stored = (await ram.lookup('k')).response?.body;
    expect(stored?.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(stored as Uint8Array).toString()).toBe('small body in a shared pool');
  });
  it('keeps a body whose buffer is at most twice its size as it is, and charges the whole buffer', async () => {
    const ram = manager();
    const buffer = new ArrayBuffer(6000);
    const body = new Uint8Array(buffer, 1000, 4000).fill(66);
    const copied = new Uint8Array(new ArrayBuffer(9000), 1000, 4000).fill(66);
    const empty = ram.statistics().bytes;
    fillOf(await ram.lookup('a')).store(info('a', '/a'), response(body));
    const charged = ram.statistics().bytes - empty;
    fillOf(await ram.lookup('b')).store(info('b', '/b'), response(copied));
    const chargedCopy = ram.statistics().bytes - empty - charged;
    expect((await ram.lookup('a')).response?.body).toBe(body);
    expect((await ram.lookup('b')).response?.body.buffer.byteLength).toBe(4000);
    // The kept view keeps all 6 000 bytes alive, the copy only its 4 000.
    expect(charged - chargedCopy).toBe(2000);
  });
});

describe('response cache: lifetime', () => {
  it('expires entries after maxAge, lazily on read (SCM-6)', async () => {
    const clock = manualClock();
    const ram = manager({ maxAge: 60, now: clock.now });
    fillOf(await ram.lookup('k')).store(info('k', '/k'), response('x'));
    clock.advance(59_000);
    expect(text(await ram.lookup('k'))).toBe('x');
    clock.advance(2_000);
    const after = await ram.lookup('k');
    expect(after.response).toBeUndefined();
    expect(ram.statistics()).toMatchObject({ expirations: 1, entries: 0 });
  });

  it('serves an expired entry to concurrent requests while one request refreshes it (stale-while-revalidate)', async () => {
    const clock = manualClock();
    const ram = manager({ maxAge: 60, staleWhileRevalidate: 30, now: clock.now });
    fillOf(await ram.lookup('k')).store(info('k', '/k'), response('old'));
    clock.advance(70_000);
    const refresher = await ram.lookup('k');
    expect(refresher.fill).toBeDefined();
    const others = [ram.lookup('k'), ram.lookup('k')];
    for (const o of others) expect(text(o as Awaited<typeof o>)).toBe('old');
    fillOf(refresher).store(info('k', '/k'), response('new'));
    expect(text(await ram.lookup('k'))).toBe('new');
    expect(ram.statistics().staleHits).toBe(2);
  });

  it('does not serve past the stale window', async () => {
    const clock = manualClock();
    const ram = manager({ maxAge: 60, staleWhileRevalidate: 30, now: clock.now });
    fillOf(await ram.lookup('k')).store(info('k', '/k'), response('old'));
    await ram.lookup('k');
    clock.advance(91_000);
    expect((await ram.lookup('k')).response).toBeUndefined();
  });
});

describe('response cache: invalidation races', () => {
  it('does not store a render that an invalidation of its path overtook, and its waiters render themselves', async () => {
    const ram = manager();
    const fill = fillOf(await ram.lookup('k'));
    const waiter = ram.lookup('k');
    ram.invalidatePaths(['/news']);
    fill.store(info('k', '/news/today'), response('rendered from old data'));
    expect(await waiter).toEqual({});
    expect((await ram.lookup('k')).response).toBeUndefined();
    expect(ram.statistics().refusalsBy['invalidated-while-rendering']).toBe(1);
  });

  it('does store a render when the invalidation covered something else (/ab is not under /a)', async () => {
    const ram = manager();
    const fill = fillOf(await ram.lookup('k'));
    ram.invalidatePaths(['/a']);
    ram.invalidateTags(['other']);
    fill.store(info('k', '/ab', ['mine']), response('fine'));
    expect(text(await ram.lookup('k'))).toBe('fine');
  });
});

describe('response cache: closing', () => {
  it('releases waiting requests, drops entries and misses without throwing afterwards (SCM-12)', async () => {
    const ram = manager();
    fillOf(await ram.lookup('a')).store(info('a', '/a'), response('x'));
    const fill = fillOf(await ram.lookup('b'));
    const waiter = ram.lookup('b');
    await ram.close();
    expect(await waiter).toEqual({});
    expect(() => fill.store(info('b', '/b'), response('y'))).not.toThrow();
    expect(await ram.lookup('a')).toEqual({});
    expect(ram.statistics().entries).toBe(0);
  });

  it('is a separate cache per manager (a clone is empty; SCM-12)', async () => {
    const one = manager();
    const two = manager();
    fillOf(await one.lookup('k')).store(info('k', '/k'), response('x'));
    expect((await two.lookup('k')).fill).toBeDefined();
  });
});

it('rejects unknown and malformed options with a typed error naming the option', () => {
  const attempt = (options: object): CachesetError => {
    try {
      new RamCacheManager({ bus: false, ...options } as never);
    } catch (error) {
      if (CachesetError.is(error)) return error;
      throw error;
    }
    throw new Error('no error');
  };
  expect(attempt({ maxByte: 1 })).toMatchObject({
    code: 'ERR_CACHESET_RAM_INVALID_OPTIONS',
    message: expect.stringContaining('maxByte') as unknown,
  });
  expect(attempt({ maxBytes: '64 parsecs' })).toMatchObject({ code: 'ERR_CACHESET_RAM_INVALID_OPTIONS' });
  expect(attempt({ maxAge: '10 fortnights' }).message).toContain('maxAge');
  expect(attempt({ maxBytes: 100_000, maxEntryBytes: 200_000 }).message).toContain('maxEntryBytes');
  expect(attempt({ maxBytes: 100_000, maxEntries: 10_000 }).message).toContain('no room for entries');
  expect(attempt({ staleWhileRevalidate: 10, maxAge: 0 }).message).toContain('staleWhileRevalidate');
  expect(attempt({ requestVariables: ['user', 'cookie'] }).message).toContain('"cookie"');
  expect(attempt({ redis: { url: 'http://localhost' } }).message).toContain('redis.url');
  expect(attempt({ redis: { prefix: 'has space' } }).message).toContain('redis.prefix');
  expect(attempt({ waitTimeoutMs: 0 }).message).toContain('waitTimeoutMs');
});

it('waits only as long as needed: a quick store releases the waiters at once', async () => {
  const ram = manager({ waitTimeoutMs: 10_000 });
  const first = await ram.lookup('k');
  const started = Date.now();
  const waiter = ram.lookup('k');
  await sleep(5);
  fillOf(first).store(info('k', '/k'), response('x'));
  await waiter;
  expect(Date.now() - started).toBeLessThan(1_000);
});

describe('response cache: per-user and per-role copies', () => {
  const alice = { kind: 'user', id: 'alice' } as const;
  const bob = { kind: 'user', id: 'bob' } as const;
  const members = { kind: 'roles', roles: ['Member', 'Editor'] } as const;

  it('answers a copy only to lookups of the scope it was filled under', async () => {
    const ram = manager();
    fillOf(await ram.lookup('k', alice)).store(info('k', '/k'), response('alice’s page'));
    const hit = ram.lookup('k', { kind: 'user', id: 'alice' });
    expect(hit).not.toBeInstanceOf(Promise);
    expect(text(hit as Awaited<typeof hit>)).toBe('alice’s page');
    for (const other of [bob, undefined, { kind: 'shared' } as const, { kind: 'roles', roles: ['alice'] } as const]) {
      const miss = await ram.lookup('k', other);
      expect(miss.response, JSON.stringify(other)).toBeUndefined();
      fillOf(miss).abandon('server-error');
    }
  });

  it('matches roles whatever their order, and keeps a role-keyed user copy to those roles', async () => {
    const ram = manager();
    fillOf(await ram.lookup('k', members)).store(info('k', '/k'), response('members'));
    expect(text(await ram.lookup('k', { kind: 'roles', roles: ['Editor', 'Member'] }))).toBe('members');
    expect((await ram.lookup('k', { kind: 'roles', roles: ['Member'] })).response).toBeUndefined();
    const promoted = { kind: 'user', id: 'alice', roles: ['Member'] } as const;
    fillOf(await ram.lookup('j', promoted)).store(info('j', '/j'), response('alice as member'));
    expect(text(await ram.lookup('j', { kind: 'user', id: 'alice', roles: ['Member'] }))).toBe('alice as member');
    expect((await ram.lookup('j', { kind: 'user', id: 'alice', roles: ['Editor', 'Member'] })).response).toBe(
      undefined,
    );
    expect((await ram.lookup('j', alice)).response).toBeUndefined();
  });

  it.each([{ staleWhileRevalidate: 0 }, { staleWhileRevalidate: 60 }])(
    'cannot be reached by an id spelling another scope, nor by a shared key spelling the store key (%o)',
    async (options) => {
      const ram = manager(options);
      fillOf(await ram.lookup('k', { kind: 'user', id: 'alice', roles: ['Member'] })).store(
        info('k', '/k'),
        response('alice'),
      );
      expect((await ram.lookup('k', { kind: 'user', id: 'alice"["Member"]' })).response).toBeUndefined();
      for (const forged of ['\u0001u"alice"["Member"]\nk', '\u0001u"alice"\nk']) {
        expect(await ram.lookup(forged)).toEqual({});
      }
      expect(ram.statistics().refusalsBy['invalid-key']).toBe(2);
      expect(await ram.lookup(5 as never)).toEqual({});
    },
  );

  it('answers a malformed scope with a plain miss (no fill) and counts it', async () => {
    const ram = manager();
    for (const scope of [{ kind: 'user', id: '' }, { kind: 'roles', roles: [1] }, { kind: 'team' }, null]) {
      expect(await ram.lookup('k', scope as never)).toEqual({});
    }
    expect(ram.statistics().refusalsBy['invalid-key']).toBe(4);
  });
});
