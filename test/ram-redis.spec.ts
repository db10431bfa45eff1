/**
 * The shared tier against a real redis-server: several managers in this process, each with its own
 * two Redis connections, as separate processes would have (test/ram-processes.spec.ts runs real
 * separate processes). Covers sharing, TTLs, prefixes, binary bodies, the invalidation broadcast,
 * and Redis being absent, killed and frozen.
 */
import { createHash } from 'node:crypto';
import {
  bindAdapter,
  catalogCounterOf,
  EventBus,
  type CatalogCounter,
  IPurgePaths,
  Purge,
  whenWorkSettled,
  type CachesetLogger,
  type ResponseCacheLookup,
  type StoredResponse,
} from '@cacheset/core';
import { IObjectPath, RamCacheManager, type RamCacheOptions } from '@cacheset/ram';
import { Container } from 'inversify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { freePort } from './support/freePort.js';
import { RedisServer } from './support/redis.js';
import { INVALIDATE_SCRIPT, WRITE_SCRIPT } from '../packages/ram/src/shared/luaScripts.js';

interface Lines {
  readonly lines: { level: string; message: string }[];
}
function logger(): CachesetLogger & Lines {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

function page(text: string | Uint8Array): StoredResponse {
  return {
    status: 200,
    headers: [['content-type', 'text/html']],
    body: typeof text === 'string' ? new TextEncoder().encode(text) : text,
    storedAt: Date.now(),
  };
}

class Image {
  constructor(readonly slug: string) {}
}

/** Images live at /images/<slug>; every image is listed on the front page and on its album page. */
function galleryContainer(): Container {
  const container = new Container();
  bindAdapter(container, {
    provides: IObjectPath,
    for: Image,
    factory: (image: Image) => ({ getPath: () => `/images/${image.slug}` }),
  });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Image,
    name: 'listings',
    factory: (image: Image) => ({ getRelativePaths: () => ['/', `/albums/${image.slug}`], getAbsolutePaths: () => [] }),
  });
  return container;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeWithServers('RAM cache shared tier (real redis-server)', ['redis-server'], () => {
  let redis: RedisServer;
  const managers: RamCacheManager[] = [];
  let site = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
  });
  afterAll(async () => {
    await redis.stop();
  });

  /** Managers of one site (same prefix); each test gets its own site. */
  async function processes(
    count: number,
    options: RamCacheOptions | ((index: number) => RamCacheOptions) = {},
    url = redis.url,
  ): Promise<RamCacheManager[]> {
    site += 1;
    const created = Array.from({ length: count }, (_, index) => {
      const own = typeof options === 'function' ? options(index) : options;
      return new RamCacheManager({
        bus: false,
        logger: logger(),
        ...own,
        redis: {
          url,
          prefix: `test:${site}:`,
          commandTimeoutMs: 300,
          reconnectDelayMs: { min: 50, max: 200 },
          ...own.redis,
        },
      });
    });
    managers.push(...created);
    await waitFor('the managers to connect', () => created.every((m) => m.redisState === 'up'));
    return created;
  }

  async function render(
    ram: RamCacheManager,
    key: string,
    path: string,
    body: string | Uint8Array,
    tags: readonly string[] = [],
  ): Promise<void> {
    const lookup = await ram.lookup(key);
    if (lookup.fill === undefined) throw new Error(`expected a miss for ${key}`);
    lookup.fill.store({ key, path, ruleset: 'site.page', surrogateKeys: tags }, page(body));
  }

  /** Looks up and gives back the fill, like a request that renders and cannot store. */
  async function look(ram: RamCacheManager, key: string): Promise<ResponseCacheLookup> {
    const lookup = await ram.lookup(key);
    lookup.fill?.abandon('not-cacheable');
    return lookup;
  }

  const text = (l: ResponseCacheLookup): string | undefined =>
    l.response === undefined ? undefined : new TextDecoder().decode(l.response.body);

  /** The shared writes are fire-and-forget: wait until Redis has them. */
  async function written(ram: RamCacheManager, count: number): Promise<void> {
    await waitFor('the shared write', () => (ram.statistics().redis?.writes ?? 0) >= count);
  }

  it('serves a response rendered by one process to another from Redis, byte for byte, with a TTL set in Redis', async () => {
    const [a, b] = (await processes(2, { maxAge: 600 })) as [RamCacheManager, RamCacheManager];
    const body = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    await render(a, 'example.com/img', '/img', body);
    await written(a, 1);
    const hit = await look(b, 'example.com/img');
    expect(hit.response).toBeDefined();
    expect(Buffer.from(hit.response?.body ?? []).equals(Buffer.from(body))).toBe(true);
    expect(b.statistics().redis).toMatchObject({ hits: 1 });
    // Now in b's own tier too: the next hit is synchronous.
    expect(b.lookup('example.com/img')).not.toBeInstanceOf(Promise);
    const digest = createHash('sha256').update('example.com/img').digest('base64url');
    // The entry and the invalidation fields that cover it, both with the entry's lifetime.
    for (const key of [`test:${site}:v:${digest}`, `test:${site}:c:${digest}`]) {
      const ttl = Number(await redis.command('PTTL', key));
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
  });

  it('shares values too, and respects a newer modification time', async () => {
    const [a, b] = (await processes(2)) as [RamCacheManager, RamCacheManager];
    await a.values.set('/doc', { html: '<p>v1</p>' }, { lastModified: 1000, view: 'teaser' });
    await written(a, 1);
    expect(await b.values.get('/doc', { view: 'teaser', lastModified: 1000 })).toEqual({ html: '<p>v1</p>' });
    expect(await b.values.get('/doc', { view: 'teaser', lastModified: 2000 })).toBeUndefined();
    let calls = 0;
    expect(await b.values.getOrCompute('/other', () => ++calls)).toBe(1);
    await written(b, 1);
    expect(await a.values.getOrCompute('/other', () => ++calls)).toBe(1);
    expect(calls).toBe(1);
  });

  it('shares a per-user copy with the same user in another process, and with nobody else', async () => {
    const [a, b] = (await processes(2)) as [RamCacheManager, RamCacheManager];
    const alice = { kind: 'user', id: 'alice' } as const;
    const lookup = await a.lookup('example.com/me', alice);
    lookup.fill?.store(
      { key: 'example.com/me', path: '/me', ruleset: 'site.page', surrogateKeys: [] },
      { ...page('alice’s page'), headers: [['cache-control', 'max-age=0, must-revalidate, private']] },
    );
    await written(a, 1);
    for (const other of [undefined, { kind: 'user', id: 'bob' } as const, { kind: 'roles', roles: [] } as const]) {
      const miss = await b.lookup('example.com/me', other);
      expect(miss.response, JSON.stringify(other)).toBeUndefined();
      miss.fill?.abandon('not-cacheable');
    }
    const hit = await b.lookup('example.com/me', { kind: 'user', id: 'alice' });
    expect(text(hit)).toBe('alice’s page');
    expect(b.statistics().refusals).toBe(0);
  });

  it('keeps sites apart by prefix', async () => {
    const [a] = (await processes(1)) as [RamCacheManager];
    const [other] = (await processes(1)) as [RamCacheManager];
    await render(a, 'k', '/k', 'site one');
    await written(a, 1);
    expect((await look(other, 'k')).response).toBeUndefined();
  });

  it('broadcasts a path invalidation to every process, with sub-path semantics, and Redis stops serving the entry', async () => {
    const [a, b] = (await processes(2)) as [RamCacheManager, RamCacheManager];
    for (const [key, path] of [
      ['k1', '/news/today'],
      ['k2', '/news'],
      ['k3', '/newsletter'],
    ] as const)
      await render(a, key, path, `page ${path}`);
    await written(a, 3);
    for (const key of ['k1', 'k2', 'k3']) expect(text(await look(b, key))).toBeDefined();
    a.invalidatePaths(['/news']);
    await waitFor('b to drop its copies', () => b.statistics().entries === 1);
    expect((await look(b, 'k1')).response).toBeUndefined();
    expect((await look(b, 'k2')).response).toBeUndefined();
    expect(text(await look(b, 'k3'))).toBe('page /newsletter');
    expect(b.statistics().redis?.invalidationsReceived).toBe(1);
  });

  it('settles an invalidation only once every other process has dropped its own copy', async () => {
    const [a, b, c] = (await processes(3)) as [RamCacheManager, RamCacheManager, RamCacheManager];
    for (let round = 0; round < 10; round += 1) {
      const key = `k/seen/${round}`;
      await render(a, key, `/seen/${round}`, `old ${round}`);
      await written(a, round + 1);
      // b and c read it from Redis into their own tiers.
      for (const ram of [b, c]) expect(text(await look(ram, key)), key).toBe(`old ${round}`);
      const before = [b, c].map((ram) => ram.statistics().entries);
      a.invalidatePages([`/seen/${round}`]);
      await whenWorkSettled();
      // No waiting here: once the invalidation settled (what an edit's response waits for), the
      // other processes have applied the broadcast.
      expect([b, c].map((ram) => ram.statistics().entries)).toEqual(before.map((n) => n - 1));
    }
    expect(a.statistics().redis?.broadcastsUnanswered).toBe(0);
    expect(b.statistics().redis?.invalidationsReceived).toBe(10);
  });

  it('settles a catalog counter change only once every other process has raised its own counter', async () => {
    const buses = [new EventBus(), new EventBus(), new EventBus()];
    const [a, b, c] = (await processes(3, (index) => ({ bus: buses[index] as EventBus }))) as [
      RamCacheManager,
      RamCacheManager,
      RamCacheManager,
    ];
    const counters = buses.map((bus) => catalogCounterOf(bus));
    for (let round = 0; round < 10; round += 1) {
      const value = (counters[0] as CatalogCounter).bump();
      await whenWorkSettled();
      // No waiting here: what an edit's response waits for includes the other processes' counters.
      expect(counters.map((counter) => counter.value() >= value)).toEqual([true, true, true]);
    }
    for (const ram of [a, b, c]) expect(ram.statistics().redis?.broadcastsUnanswered).toBe(0);
  });

  it('waits at most commandTimeoutMs for a process that does not answer the broadcast, and counts it', async () => {
    const quietA = logger();
    const [a, b] = (await processes(2, (index) => (index === 0 ? { logger: quietA } : {}))) as [
      RamCacheManager,
      RamCacheManager,
    ];
    // A subscriber that receives the broadcast and never answers (a frozen process, as Redis sees it).
    const silent = new Redis(redis.url, { lazyConnect: true });
    await silent.connect();
    await silent.subscribe(`test:${site}:invalidate`);
    try {
      await render(a, 'k/frozen', '/frozen', 'old');
      await written(a, 1);
      expect(text(await look(b, 'k/frozen'))).toBe('old');
      const started = Date.now();
      a.invalidatePages(['/frozen']);
      await whenWorkSettled();
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(280);
      expect(waited).toBeLessThan(3_000);
      // The process that did answer dropped its copy all the same.
      expect((await look(b, 'k/frozen')).response).toBeUndefined();
      expect(a.statistics().redis?.broadcastsUnanswered).toBe(1);
      expect(quietA.lines.filter((line) => line.message.includes('did not answer'))).toHaveLength(1);
    } finally {
      silent.disconnect();
    }
  });

  it('checks an entry in Redis once after an invalidation that does not cover it, then reads it plainly again', async () => {
    const [a, b, c] = (await processes(3)) as [RamCacheManager, RamCacheManager, RamCacheManager];
    await render(a, 'keep', '/keep', 'kept');
    await render(a, 'gone', '/gone', 'purged');
    await written(a, 2);
    a.invalidatePaths(['/gone']);
    await waitFor('the record in Redis', () => a.statistics().redis?.invalidationsSent === 1);
    // The first read after the invalidation runs the check, which finds the entry valid and raises its epoch.
    expect(text(await look(b, 'keep'))).toBe('kept');
    expect(b.statistics().redis).toMatchObject({ hits: 1, checkedReads: 1 });
    // So another process's read of it is one plain MGET again; the covered entry is never served.
    expect(text(await look(c, 'keep'))).toBe('kept');
    expect((await look(c, 'gone')).response).toBeUndefined();
    expect(c.statistics().redis).toMatchObject({ hits: 1, misses: 1, checkedReads: 1 });
    // A value under the entry's key that cacheset did not write is a miss, never served.
    const digest = createHash('sha256').update('odd').digest('base64url');
    await redis.command('SET', `test:${site}:v:${digest}`, 'not an entry');
    expect((await look(c, 'odd')).response).toBeUndefined();
    expect(c.statistics().redis?.errors).toBe(0);
  });

  it('records a Purge’s IPurgePaths pages as exact pages: every process and Redis keep the others', async () => {
    // The editor hears the Purge; the reader holds copies in its own tier; the cold one never saw them.
    const bus = new EventBus();
    const [, reader, cold] = (await processes(3, (index) =>
      index === 0 ? { bus, container: galleryContainer() } : {},
    )) as [RamCacheManager, RamCacheManager, RamCacheManager];
    const dropped = { 'k/': '/', 'k/?page=2': '/', 'k/images/cat': '/images/cat', 'k/images/cat/c': '/images/cat/c' };
    const kept = {
      'k/images/dog': '/images/dog',
      'k/about': '/about',
      'k/albums/dog': '/albums/dog',
      'k/albums/cat/2024': '/albums/cat/2024',
    };
    const all = { ...dropped, 'k/albums/cat': '/albums/cat', 'k/albums/cat/': '/albums/cat/', ...kept };
    for (const [key, path] of Object.entries(all)) await render(reader, key, path, `page ${key}`);
    await written(reader, Object.keys(all).length);

    bus.notify(new Purge(new Image('cat')));
    await whenWorkSettled();
    await waitFor('the reader to hear of it', () => reader.statistics().redis?.invalidationsReceived === 1);

    const gone = [...Object.keys(dropped), 'k/albums/cat', 'k/albums/cat/'];
    for (const ram of [reader, cold]) {
      for (const key of gone) expect((await look(ram, key)).response, key).toBeUndefined();
      for (const key of Object.keys(kept)) expect(text(await look(ram, key)), key).toBe(`page ${key}`);
    }
    // The reader's copies were its own (no Redis read needed); the cold process read them from Redis.
    expect(reader.statistics().redis?.hits).toBe(0);
    expect(cold.statistics().redis?.hits).toBe(Object.keys(kept).length);
    const records = `test:${site}:inv`;
    expect(await redis.command('HGET', records, 'x:')).not.toBeNull();
    expect(await redis.command('HGET', records, 'p:')).toBeNull();
    expect(await redis.command('HGET', records, 'p:/images/cat')).not.toBeNull();
  });

  it('checks exact-page records atomically on write: that page’s render is refused, one under it is not', async () => {
    const [a, b, c] = (await processes(3)) as [RamCacheManager, RamCacheManager, RamCacheManager];
    const slow = await a.lookup('k/slow');
    const child = await a.lookup('k/slow/child');
    b.invalidatePages(['/slow/']);
    await waitFor('a to hear of it', () => a.statistics().redis?.invalidationsReceived === 1);
    slow.fill?.store({ key: 'k/slow', path: '/slow', ruleset: 'r', surrogateKeys: [] }, page('old data'));
    child.fill?.store({ key: 'k/slow/child', path: '/slow/child', ruleset: 'r', surrogateKeys: [] }, page('child'));
    await written(a, 1);
    expect(a.statistics().refusalsBy['invalidated-while-rendering']).toBe(1);
    expect((await look(c, 'k/slow')).response).toBeUndefined();
    expect(text(await look(c, 'k/slow/child'))).toBe('child');
  });

  it('bounds exact-page records by maxInvalidationRecords, folding the oldest into “everything before”', async () => {
    const [a, b] = (await processes(2, { redis: { maxInvalidationRecords: 3 } })) as [RamCacheManager, RamCacheManager];
    await render(a, 'k/stored-before', '/stored-before', 'old');
    await written(a, 1);
    for (let i = 0; i < 5; i += 1) a.invalidatePages([`/page${i}`]);
    await whenWorkSettled();
    expect(await redis.command('ZCARD', `test:${site}:invz`)).toBe(3);
    expect(await redis.command('HGET', `test:${site}:inv`, 'x:/page0')).toBeNull();
    expect(await redis.command('HGET', `test:${site}:inv`, 'x:/page4')).not.toBeNull();
    // The folded records still hide what they covered: the fold invalidates everything stored before.
    expect((await look(b, 'k/stored-before')).response).toBeUndefined();
  });

  it('broadcasts tag invalidations and invalidate-all', async () => {
    const [a, b] = (await processes(2)) as [RamCacheManager, RamCacheManager];
    await render(a, 'k1', '/a', 'tagged', ['image:1']);
    await render(a, 'k2', '/b', 'other', ['image:2']);
    await written(a, 2);
    await look(b, 'k1');
    await look(b, 'k2');
    b.invalidateTags(['image:1']);
    await waitFor('a to drop the tagged entry', async () => (await look(a, 'k1')).response === undefined);
    expect(text(await look(a, 'k2'))).toBe('other');
    b.invalidateAll();
    await waitFor('a to drop everything', () => a.statistics().entries === 0);
    expect((await look(a, 'k2')).response).toBeUndefined();
  });

  it('does not let a render that an invalidation overtook reach Redis', async () => {
    const [a, b] = (await processes(2)) as [RamCacheManager, RamCacheManager];
    const lookup = await a.lookup('k');
    b.invalidatePaths(['/slow']);
    await waitFor('a to hear of it', () => (a.statistics().redis?.invalidationsReceived ?? 0) === 1);
    lookup.fill?.store(
      { key: 'k', path: '/slow/page', ruleset: 'r', surrogateKeys: [] },
      page('rendered from old data'),
    );
    expect((await look(b, 'k')).response).toBeUndefined();
    expect(a.statistics().refusalsBy['invalidated-while-rendering']).toBe(1);
  });

  it('refuses a write that runs after an invalidation its process sent behind it (a cluster redirect reorders them)', async () => {
    // In a Redis Cluster a command redirected during a failover, or resent by the client after it
    // timed out, can run after commands sent behind it. The scripts are run here in that order.
    site += 1;
    const k = (name: string): string => `test:${site}:${name}`;
    const invalidate = (seq: number, field: string): Promise<unknown> =>
      redis.command(
        'EVAL',
        INVALIDATE_SCRIPT.source,
        '4',
        k('inv'),
        k('epoch'),
        k('invz'),
        k('seq:p1'),
        '100',
        '',
        '',
        String(seq),
        field,
      );
    const write = (entry: string, sent: number): Promise<unknown> =>
      redis.command(
        'EVAL',
        WRITE_SCRIPT.source,
        '5',
        k(entry),
        k(`${entry}:fields`),
        k('inv'),
        k('epoch'),
        k('seq:p1'),
        '',
        'x:/doc',
        'v1',
        '60000',
        String(sent),
      );
    // Sent with 0 invalidations before it, run after the process's first: refused, although "now" is past it.
    await invalidate(1, 'x:/doc');
    expect(await write('e1', 0)).toBe(0);
    expect(await redis.command('EXISTS', k('e1'))).toBe(0);
    // Sent after that invalidation: stored.
    expect(await write('e2', 1)).toBe(1);
    // Invalidations that run out of order never lower the sequence.
    await invalidate(3, 'x:/other');
    await invalidate(2, 'x:/other');
    expect(await redis.command('GET', k('seq:p1'))).toBe('3');
    expect(await write('e3', 2)).toBe(0);
    expect(await write('e4', 3)).toBe(1);
    // The sequence of another process does not hold this one back.
    expect(
      await redis.command(
        'EVAL',
        WRITE_SCRIPT.source,
        '5',
        k('e5'),
        k('e5:fields'),
        k('inv'),
        k('epoch'),
        k('seq:p2'),
        '',
        'x:/doc',
        'v1',
        '60000',
        '0',
      ),
    ).toBe(1);
  });

  it('works without Redis until it appears, logs the outage once, and then connects by itself', async () => {
    const port = await freePort();
    const log = logger();
    site += 1;
    const ram = new RamCacheManager({
      bus: false,
      logger: log,
      redis: {
        url: `redis://127.0.0.1:${port}`,
        prefix: `test:${site}:`,
        reconnectDelayMs: { min: 50, max: 100 },
        connectTimeoutMs: 200,
      },
    });
    managers.push(ram);
    for (let i = 0; i < 20; i += 1) {
      const lookup = await ram.lookup(`k${i}`);
      lookup.fill?.store({ key: `k${i}`, path: `/p${i}`, ruleset: 'r', surrogateKeys: [] }, page('from L1'));
      expect(text(await ram.lookup(`k${i}`))).toBe('from L1');
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ram.redisState).toBe('connecting');
    expect(ram.statistics().redis?.errors).toBeGreaterThan(1);
    expect(log.lines.filter((l) => l.message.includes('unavailable'))).toHaveLength(1);
    const late = await RedisServer.start({ port });
    try {
      await waitFor('the tier to come up', () => ram.redisState === 'up');
      expect(log.lines.filter((l) => l.message.includes('is back'))).toHaveLength(1);
      // Entries made while alone may have missed other processes' purges: dropped on connecting.
      expect(ram.statistics().entries).toBe(0);
    } finally {
      await ram.close();
      await late.stop();
    }
  });

  it('answers within the command timeout while Redis is frozen, and recovers when it runs again', async () => {
    const [a] = (await processes(1, { redis: { commandTimeoutMs: 150 } })) as [RamCacheManager];
    redis.pause();
    try {
      const started = Date.now();
      const lookup = await a.lookup('frozen');
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(lookup.fill).toBeDefined();
      lookup.fill?.store({ key: 'frozen', path: '/f', ruleset: 'r', surrogateKeys: [] }, page('rendered while frozen'));
      expect(text(await a.lookup('frozen'))).toBe('rendered while frozen');
    } finally {
      redis.resume();
    }
    await waitFor('a command to succeed again', async () => {
      const l = await a.lookup(`probe${Date.now()}`);
      l.fill?.abandon('not-cacheable');
      return (a.statistics().redis?.misses ?? 0) > 0;
    });
    expect(a.statistics().redis?.errors).toBeGreaterThan(0);
  });
});

describeWithServers(
  'RAM cache shared tier: Redis killed mid-run (real redis-server with persistence)',
  ['redis-server'],
  () => {
    let redis: RedisServer;
    const managers: RamCacheManager[] = [];

    beforeAll(async () => {
      redis = await RedisServer.start({ persistent: true });
    });
    afterAll(async () => {
      await Promise.all(managers.map((m) => m.close()));
      await redis.stop();
    });

    it('keeps answering during the outage, and after Redis returns no process serves what was purged meanwhile', async () => {
      const logs = [logger(), logger(), logger()];
      const [a, b, doomed] = logs.map(
        (log) =>
          new RamCacheManager({
            bus: false,
            logger: log,
            redis: {
              url: redis.url,
              prefix: 'killed:',
              commandTimeoutMs: 300,
              reconnectDelayMs: { min: 50, max: 200 },
            },
          }),
      ) as [RamCacheManager, RamCacheManager, RamCacheManager];
      managers.push(a, b, doomed);
      await waitFor('all to connect', () => [a, b, doomed].every((m) => m.redisState === 'up'));
      const store = async (ram: RamCacheManager, key: string, body: string): Promise<void> => {
        const lookup = await ram.lookup(key);
        lookup.fill?.store({ key, path: `/${key}`, ruleset: 'r', surrogateKeys: [] }, page(body));
      };
      const read = async (ram: RamCacheManager, key: string): Promise<string | undefined> => {
        const lookup = await ram.lookup(key);
        lookup.fill?.abandon('not-cacheable');
        return lookup.response === undefined ? undefined : new TextDecoder().decode(lookup.response.body);
      };
      await store(a, 'news', 'old news');
      await store(a, 'sports', 'old sports');
      await waitFor('the shared writes', () => (a.statistics().redis?.writes ?? 0) === 2);
      expect(await read(b, 'news')).toBe('old news');
      expect(await read(b, 'sports')).toBe('old sports');

      await redis.kill();
      await waitFor('all to notice', () => [a, b, doomed].every((m) => m.redisState === 'down'));
      // Requests keep succeeding: from each process's own tier, or by rendering.
      for (let i = 0; i < 50; i += 1) {
        expect(await read(b, 'news')).toBe('old news');
        await store(a, `during${i}`, 'rendered during the outage');
        expect(await read(a, `during${i}`)).toBe('rendered during the outage');
      }
      // Both change during the outage. a purges the sports and will tell the others when Redis is
      // back; another process purges the news and dies before Redis returns, so nobody will ever be
      // told: only the fence each process records on reconnecting keeps the stored copy from coming back.
      a.invalidatePaths(['/sports']);
      doomed.invalidatePaths(['/news']);
      await doomed.close();
      expect(await read(a, 'sports')).toBeUndefined();
      expect(a.statistics().redis?.pendingInvalidations).toBe(1);
      for (const log of logs) expect(log.lines.filter((l) => l.message.includes('unavailable'))).toHaveLength(1);
      expect(b.statistics().redis?.errors).toBeGreaterThan(0);

      // Redis comes back with its data: the old pages are still stored in it.
      await redis.restart();
      expect(await redis.command('DBSIZE')).toBeGreaterThanOrEqual(2);
      await waitFor('both to resynchronise', () => a.redisState === 'up' && b.redisState === 'up', 15_000);
      for (const ram of [a, b]) {
        expect(await read(ram, 'news')).toBeUndefined();
        expect(await read(ram, 'sports')).toBeUndefined();
      }
      expect(a.statistics().redis?.pendingInvalidations).toBe(0);
      for (const log of logs.slice(0, 2))
        expect(log.lines.filter((l) => l.message.includes('is back'))).toHaveLength(1);
      // And the tier works again.
      await store(b, 'fresh', 'after the outage');
      await waitFor('the shared write', () => (b.statistics().redis?.writes ?? 0) >= 1);
      expect(await read(a, 'fresh')).toBe('after the outage');
    });
  },
);
