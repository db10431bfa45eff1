import {
  bindAdapter,
  EventBus,
  getDefaultBus,
  implementer,
  IPurgeable,
  IPurgePaths,
  ISurrogateKeys,
  ObjectModifiedEvent,
  Purge,
  resetDefaultBus,
  runInUnitOfWork,
} from '@cacheset/core';
import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { IObjectPath, RamCacheManager, type RamCacheOptions } from '../src/index.js';
import { fillOf, info, recordingLogger, response } from './support/helpers.js';

@implementer(IPurgeable)
class Image {
  constructor(readonly slug: string) {}
}

class Broken {}

function container(): Container {
  const c = new Container();
  bindAdapter(c, {
    provides: IObjectPath,
    for: Image,
    factory: (i: Image) => ({ getPath: () => `/content/images/${i.slug}` }),
  });
  bindAdapter(c, {
    provides: IPurgePaths,
    for: Image,
    name: 'pages',
    factory: (i: Image) => ({
      getRelativePaths: () => [`/images/${i.slug}`, '/gallery'],
      getAbsolutePaths: () => ['http://cdn.example.com/raw/x'],
    }),
  });
  bindAdapter(c, {
    provides: ISurrogateKeys,
    for: Image,
    factory: (i: Image) => ({ getKeys: () => [`image:${i.slug}`] }),
  });
  bindAdapter(c, { provides: IObjectPath, for: Broken, factory: () => ({ getPath: () => '/broken' }) });
  bindAdapter(c, {
    provides: IPurgePaths,
    for: Broken,
    name: 'fails',
    factory: () => ({
      getRelativePaths: () => {
        throw new Error('boom');
      },
      getAbsolutePaths: () => [],
    }),
  });
  bindAdapter(c, {
    provides: IPurgePaths,
    for: Broken,
    name: 'works',
    factory: () => ({ getRelativePaths: () => ['/still-purged'], getAbsolutePaths: () => [] }),
  });
  return c;
}

const managers: RamCacheManager[] = [];
function manager(options: RamCacheOptions = {}): RamCacheManager {
  const m = new RamCacheManager({ logger: recordingLogger(), container: container(), ...options });
  managers.push(m);
  return m;
}
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  resetDefaultBus();
});

/** Stores a page for a request target: its path is the target without the query, as @cacheset/http gives it. */
async function page(ram: RamCacheManager, target: string, tags: readonly string[] = []): Promise<void> {
  const key = `example.com${target}`;
  const path = target.split('?')[0] as string;
  fillOf(await ram.lookup(key)).store(info(key, path, tags), response(`page ${target}`));
}

async function cached(ram: RamCacheManager, path: string): Promise<boolean> {
  const lookup = await ram.lookup(`example.com${path}`);
  lookup.fill?.abandon('not-cacheable');
  return lookup.response !== undefined;
}

describe('invalidation by Purge events', () => {
  it('drops the object’s own path and what lies under it, its IPurgePaths pages and its tagged responses; siblings stay (SCM-9)', async () => {
    const bus = new EventBus();
    const ram = manager({ bus });
    for (const p of ['/images/cat', '/images/cat?size=2', '/images/cat/', '/gallery', '/raw/x', '/unrelated'])
      await page(ram, p);
    for (const p of ['/images/cat/thumbnail', '/images/catalog', '/gallery/2', '/raw/x/y']) await page(ram, p);
    await page(ram, '/content/images/cat/view');
    await page(ram, '/front', ['image:cat']);
    await page(ram, '/other-front', ['image:dog']);
    const cat = new Image('cat');
    await ram.values.set(cat, 'teaser', { view: 'teaser' });
    await ram.values.set('/content/images/cat/comments', 'under it');
    await ram.values.set('/content/images', 'the folder');
    bus.notify(new Purge(cat));
    for (const p of ['/images/cat', '/images/cat?size=2', '/images/cat/', '/gallery', '/front', '/raw/x'])
      expect(await cached(ram, p), p).toBe(false);
    expect(await cached(ram, '/content/images/cat/view')).toBe(false);
    // IPurgePaths name pages, not subtrees: what lies under them stays.
    for (const p of ['/images/cat/thumbnail', '/gallery/2', '/raw/x/y']) expect(await cached(ram, p), p).toBe(true);
    for (const p of ['/images/catalog', '/unrelated', '/other-front']) expect(await cached(ram, p), p).toBe(true);
    expect(await ram.values.get(cat, { view: 'teaser' })).toBeUndefined();
    expect(await ram.values.get('/content/images/cat/comments')).toBeUndefined();
    expect(await ram.values.get('/content/images')).toBe('the folder');
  });

  it('listens on the default bus unless told otherwise, and lifecycle events of IPurgeable objects purge too', async () => {
    const ram = manager();
    await page(ram, '/images/cat');
    getDefaultBus().notify(new ObjectModifiedEvent(new Image('cat')));
    expect(await cached(ram, '/images/cat')).toBe(false);
  });

  it('keeps purging when one adapter fails, and logs the failure', async () => {
    const bus = new EventBus();
    const logger = recordingLogger();
    const ram = manager({ bus, logger });
    await page(ram, '/still-purged');
    await page(ram, '/broken/child');
    bus.notify(new Purge(new Broken()));
    expect(await cached(ram, '/still-purged')).toBe(false);
    expect(await cached(ram, '/broken/child')).toBe(false);
    expect(logger.lines.some((l) => l.message.includes('boom'))).toBe(true);
    expect(bus.listenerFailures).toBe(0);
  });

  it('purges again when the unit of work commits, removing a copy stored from old data in between', async () => {
    const bus = new EventBus();
    const ram = manager({ bus });
    await runInUnitOfWork(async () => {
      bus.notify(new Purge(new Image('cat')));
      // A concurrent request renders after the purge but before the commit: still the old data.
      await page(ram, '/images/cat');
      expect(await cached(ram, '/images/cat')).toBe(true);
    });
    expect(await cached(ram, '/images/cat')).toBe(false);
  });

  it('reaches every manager on the bus', async () => {
    const bus = new EventBus();
    const one = manager({ bus });
    const two = manager({ bus, name: 'second' });
    await page(one, '/gallery');
    await page(two, '/gallery');
    bus.notify(new Purge(new Image('cat')));
    expect(await cached(one, '/gallery')).toBe(false);
    expect(await cached(two, '/gallery')).toBe(false);
  });

  it('stops listening when closed', async () => {
    const bus = new EventBus();
    const ram = manager({ bus });
    await ram.close();
    expect(bus.listenerCount(Purge)).toBe(0);
  });
});

describe('invalidation by path, tag and all at once', () => {
  it('treats paths segment-wise, percent-encoding and trailing slashes alike', async () => {
    const ram = manager({ bus: false });
    for (const p of ['/caf%C3%A9/menu', '/a/', '/ab', '/a/b/c']) await page(ram, p);
    expect(ram.invalidatePaths(['/café'])).toBe(1);
    expect(ram.invalidatePaths(['/a'])).toBe(2);
    expect(await cached(ram, '/ab')).toBe(true);
    expect(ram.invalidatePaths(['/'])).toBe(1);
    expect(ram.statistics().entries).toBe(0);
  });

  it('invalidatePages drops each page, its query variants and trailing-slash twin, not what is under it', async () => {
    const ram = manager({ bus: false });
    for (const p of ['/a', '/a?page=2', '/a/', '/a/b', '/ab', '/caf%C3%A9', '/caf%C3%A9/menu', '/']) await page(ram, p);
    await ram.values.set('/a', 'value at /a', { view: 'teaser' });
    await ram.values.set('/a/b', 'value under /a');
    expect(ram.invalidatePages(['/a/'])).toBe(4);
    expect(ram.invalidatePages(['/café'])).toBe(1);
    for (const p of ['/a/b', '/ab', '/caf%C3%A9/menu', '/']) expect(await cached(ram, p), p).toBe(true);
    expect(await ram.values.get('/a', { view: 'teaser' })).toBeUndefined();
    expect(await ram.values.get('/a/b')).toBe('value under /a');
    // The root is one page too, not everything.
    expect(ram.invalidatePages(['/'])).toBe(1);
    expect(ram.statistics().entries).toBe(4);
    expect(() => ram.invalidatePages(['a'])).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_PATH' }) as Error,
    );
    expect(() => ram.invalidatePages('/a' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_ARGUMENT' }) as Error,
    );
    expect(ram.statistics().entries).toBe(4);
  });

  it('does not store a render of a page invalidated while it rendered, but does store one under it', async () => {
    const ram = manager({ bus: false });
    const pageFill = fillOf(await ram.lookup('example.com/a'));
    const childFill = fillOf(await ram.lookup('example.com/a/b'));
    ram.invalidatePages(['/a']);
    pageFill.store(info('example.com/a', '/a'), response('from old data'));
    childFill.store(info('example.com/a/b', '/a/b'), response('child'));
    expect(await cached(ram, '/a')).toBe(false);
    expect(await cached(ram, '/a/b')).toBe(true);
    expect(ram.statistics().refusalsBy['invalidated-while-rendering']).toBe(1);
  });

  it('drops tagged entries, values included', async () => {
    const ram = manager({ bus: false });
    await page(ram, '/x', ['gallery:7', 'image:1']);
    await ram.values.set('/y', 'v', { tags: ['gallery:7'] });
    await page(ram, '/z', ['gallery:8']);
    expect(ram.invalidateTags(['gallery:7'])).toBe(2);
    expect(await cached(ram, '/z')).toBe(true);
  });

  it('drops everything, and counts it on each object', async () => {
    const ram = manager({ bus: false });
    await page(ram, '/x');
    await ram.values.set('/y', 'v');
    expect(ram.invalidateAll()).toBe(2);
    expect(ram.statistics()).toMatchObject({ entries: 0, invalidations: 2 });
    expect(ram.report().every((r) => r.invalidations === 1)).toBe(true);
  });

  it('rejects bad input with typed errors', () => {
    const ram = manager({ bus: false });
    expect(() => ram.invalidatePaths(['relative'])).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_PATH' }) as Error,
    );
    expect(() => ram.invalidatePaths('/a' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_ARGUMENT' }) as Error,
    );
    expect(() => ram.invalidateTags(['two words'])).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_KEY' }) as Error,
    );
    expect(() => ram.invalidate(42 as never)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_RAM_INVALID_ARGUMENT' }) as Error,
    );
  });
});
