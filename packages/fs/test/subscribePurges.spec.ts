import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdapterLookup,
  bindAdapter,
  EventBus,
  getDefaultBus,
  IPurgePaths,
  ObjectModifiedEvent,
  implementer,
  IPurgeable,
  Purge,
  resetDefaultBus,
  runInUnitOfWork,
  whenWorkSettled,
} from '@cacheset/core';
import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscribePurges, type FsCache } from '../src/index.js';
import { memoryLogger, openCache, put, tempDir, tree } from './support.js';

@implementer(IPurgeable)
class Photo {
  constructor(readonly slug: string) {}
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
let cache: FsCache;
let logger: ReturnType<typeof memoryLogger>;
let container: Container;

beforeEach(async () => {
  tmp = await tempDir();
  logger = memoryLogger();
  cache = await openCache(join(tmp.dir, 'root'), { logger });
  container = new Container();
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Photo,
    name: 'test.photo',
    factory: (p: Photo) => ({
      getRelativePaths: () => [`/photos/${p.slug}`, `/photos/${p.slug}/`],
      getAbsolutePaths: () => ['/photos'],
    }),
  });
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Photo,
    name: 'test.listing',
    factory: () => ({ getRelativePaths: () => ['/photos/'], getAbsolutePaths: () => [] }),
  });
  for (const url of ['/photos/cat', '/photos/cat/', '/photos/', '/photos', '/photos/dog'])
    await put(cache, url, `<p>${url}</p>`);
});
afterEach(async () => {
  await cache.close();
  await tmp.cleanup();
});

describe('subscribePurges', () => {
  it('the unit of work that fired the purge finishes only once the files are gone', async () => {
    const bus = new EventBus();
    subscribePurges(cache, { container, bus });
    await runInUnitOfWork(() => bus.notify(new Purge(new Photo('cat'))));
    // Checked at once, with no cache.settled(): the unit waited for the deletion.
    expect(existsSync(join(cache.root, 'photos/cat.html'))).toBe(false);
    expect(await tree(cache.root)).toEqual(['photos/dog.html']);
  });

  it('outside any unit of work, whenWorkSettled() waits for the deletion', async () => {
    const bus = new EventBus();
    subscribePurges(cache, { container, bus });
    bus.notify(new Purge(new Photo('dog')));
    await whenWorkSettled();
    // Checked at once (synchronously): the deletion is done, not merely started.
    expect(existsSync(join(cache.root, 'photos/dog.html'))).toBe(false);
  });

  it('deletes every relative path of every IPurgePaths adapter of the purged object (absolute paths are for proxies)', async () => {
    const bus = new EventBus();
    subscribePurges(cache, { container, bus });
    bus.notify(new Purge(new Photo('cat')));
    await cache.settled();
    // '/photos' came only as an absolute path: not a file here. '/photos/' (the listing) is the key /photos.
    expect(await tree(cache.root)).toEqual(['photos/dog.html']);
    expect(cache.stats().purges).toBe(2);
  });

  it('hears lifecycle events of IPurgeable objects through the core redispatch', async () => {
    const bus = new EventBus();
    subscribePurges(cache, { adapters: new AdapterLookup(container), bus });
    bus.notify(new ObjectModifiedEvent(new Photo('dog')));
    await cache.settled();
    expect(await tree(cache.root)).not.toContain('photos/dog.html');
  });

  it('listens on the default bus unless given one, and stops on close()', async () => {
    const previous = getDefaultBus();
    const bus = resetDefaultBus();
    try {
      subscribePurges(cache, { container });
      expect(bus.listenerCount(Purge)).toBe(1);
      bus.notify(new Purge(new Photo('cat')));
      await cache.settled();
      expect(await tree(cache.root)).toEqual(['photos/dog.html']);
      await cache.close();
      expect(bus.listenerCount(Purge)).toBe(0);
    } finally {
      resetDefaultBus(previous);
    }
  });

  it('reports a failing adapter and still purges the paths of the others', async () => {
    class Broken extends Photo {}
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Broken,
      name: 'test.photo',
      factory: () => ({
        getRelativePaths: () => {
          throw new Error('database down');
        },
        getAbsolutePaths: () => [],
      }),
    });
    const bus = new EventBus();
    subscribePurges(cache, { container, bus });
    bus.notify(new Purge(new Broken('cat')));
    await cache.settled();
    expect(logger.errors.join('\n')).toContain('database down');
    expect(await tree(cache.root)).toEqual(['photos/cat.html', 'photos/cat/index.html', 'photos/dog.html']);
    expect(bus.listenerFailures).toBe(0);
  });

  it('rejects incomplete options at start-up', () => {
    expect(() => subscribePurges(cache, {})).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_FS_INVALID_OPTIONS' }) as Error,
    );
    expect(() => subscribePurges(cache, { container, adapters: new AdapterLookup(container) })).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_FS_INVALID_OPTIONS' }) as Error,
    );
    expect(() => subscribePurges(cache, { container, bus: {} as EventBus })).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_FS_INVALID_OPTIONS' }) as Error,
    );
  });
});
