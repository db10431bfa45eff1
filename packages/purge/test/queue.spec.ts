import {
  bindAdapter,
  EventBus,
  IPurgePaths,
  ObjectModifiedEvent,
  Purge,
  runInUnitOfWork,
  UnitOfWork,
} from '@cacheset/core';
import { createPurger, type Purger, type PurgerOptions } from '@cacheset/purge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Doc, docContainer, Note } from './support/content.js';
import { RecordingProxy, recordingLogger } from './support/proxyServers.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the purge queue: per unit of work, de-duplicated', () => {
  let proxy: RecordingProxy;
  let bus: EventBus;
  const purgers: Purger[] = [];
  const make = (options: Partial<PurgerOptions> = {}): Purger => {
    const purger = createPurger({
      proxies: [proxy.url],
      container: docContainer(),
      bus,
      logger: recordingLogger(),
      ...options,
    });
    purgers.push(purger);
    return purger;
  };
  const sent = (): string[] =>
    proxy.received.map(
      (r) => `${r.method} ${r.url}${r.headers['xkey-purge'] === undefined ? '' : ` [${r.headers['xkey-purge']}]`}`,
    );

  beforeEach(async () => {
    proxy = await RecordingProxy.start();
    bus = new EventBus();
  });
  afterEach(async () => {
    for (const purger of purgers.splice(0)) await purger.close({ timeoutMs: 1_000 });
    await proxy.stop();
  });

  it('queues every path of every IPurgePaths adapter and the tags, once each however often Purge fires (CP-4)', async () => {
    const purger = make();
    const doc = new Doc('/docs/a', ['doc-a']);
    await runInUnitOfWork(() => {
      bus.notify(new Purge(doc));
      bus.notify(new Purge(doc));
      bus.notify(new ObjectModifiedEvent(doc));
      bus.notify(new Purge(new Doc('/docs/b', ['doc-a'])));
      expect(purger.pending()).toEqual({
        paths: ['/docs/a', '/docs/a/view', '/listing', '/docs/b', '/docs/b/view'],
        absolutePaths: [],
        tags: ['doc-a'],
        bans: [],
      });
    });
    await purger.flush();
    expect(sent().sort()).toEqual(
      [
        'PURGE /docs/a',
        'PURGE /docs/a/view',
        'PURGE /docs/b',
        'PURGE /docs/b/view',
        'PURGE /listing',
        'PURGEKEYS / [doc-a]',
      ].sort(),
    );
  });

  it('sends nothing while the unit is open, everything once it commits', async () => {
    const purger = make();
    await runInUnitOfWork(async () => {
      bus.notify(new Purge(new Doc('/docs/a')));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(proxy.received).toEqual([]);
    });
    await purger.flush();
    expect(proxy.received).toHaveLength(3);
  });

  it('a nested runInUnitOfWork joins the outer unit: one batch, sent when the outer one commits', async () => {
    const purger = make();
    await runInUnitOfWork(async () => {
      await runInUnitOfWork(() => bus.notify(new Purge(new Doc('/docs/a'))));
      await purger.flush();
      expect(proxy.received).toEqual([]);
      bus.notify(new Purge(new Doc('/docs/a')));
    });
    await purger.flush();
    expect(proxy.received).toHaveLength(3);
    expect(purger.statistics().unitsCommitted).toBe(1);
  });

  it('an aborted unit sends nothing and counts what it discarded', async () => {
    const purger = make();
    await expect(
      runInUnitOfWork(() => {
        bus.notify(new Purge(new Doc('/docs/a')));
        throw new Error('the edit failed');
      }),
    ).rejects.toThrow('the edit failed');
    const unit = new UnitOfWork();
    unit.run(() => bus.notify(new Purge(new Doc('/docs/b'))));
    await unit.abort(new Error('status 500'));
    await tick();
    await purger.flush();
    expect(proxy.received).toEqual([]);
    expect(purger.statistics()).toMatchObject({ unitsAborted: 2, unitsCommitted: 0, discardedWithAbortedUnits: 6 });
  });

  it('purges fired outside any unit are not dropped: one implicit batch per turn of the event loop, sent on the next', async () => {
    const purger = make();
    bus.notify(new Purge(new Doc('/docs/a')));
    bus.notify(new Purge(new Doc('/docs/a')));
    expect(purger.pending().paths).toEqual(['/docs/a', '/docs/a/view', '/listing']);
    expect(proxy.received).toEqual([]);
    await tick();
    await purger.flush();
    expect(sent().sort()).toEqual(['PURGE /docs/a', 'PURGE /docs/a/view', 'PURGE /listing']);
    expect(purger.statistics().implicitBatches).toBe(1);
    // A unit that already committed counts as "outside": its late purges are not lost either.
    const unit = new UnitOfWork();
    await unit.commit();
    unit.run(() => bus.notify(new Purge(new Doc('/docs/late'))));
    await purger.flush();
    expect(sent()).toContain('PURGE /docs/late');
  });

  it('only IPurgeable objects have their lifecycle events turned into purges', async () => {
    const purger = make();
    await runInUnitOfWork(() => {
      bus.notify(new ObjectModifiedEvent(new Note('/notes/1')));
      bus.notify(new Purge(new Note('/notes/2')));
    });
    await purger.flush();
    expect(sent()).toEqual(['PURGE /notes/2']);
  });

  it('disabled (enabled: false): nothing is queued or sent (CP-2), and on-demand purges are refused', async () => {
    const purger = make({ enabled: false });
    await runInUnitOfWork(() => {
      bus.notify(new Purge(new Doc('/docs/a')));
      purger.purgePaths(['/x']);
      expect(purger.pending()).toEqual({ paths: [], absolutePaths: [], tags: [], bans: [] });
    });
    await purger.flush();
    expect(proxy.received).toEqual([]);
    await expect(purger.purgeNow({ paths: ['/x'] })).rejects.toMatchObject({ code: 'ERR_CACHESET_PURGE_DISABLED' });
  });

  it('an object without IPurgePaths adapters queues nothing (CP-3); tags: false leaves tags out', async () => {
    const purger = make({ tags: false });
    await runInUnitOfWork(() => {
      expect(purger.queue({})).toEqual({ paths: [], absolutePaths: [], tags: [], bans: [] });
      expect(purger.queue(new Doc('/d', ['t'])).tags).toEqual([]);
    });
    await purger.flush();
    expect(sent().every((line) => line.startsWith('PURGE /'))).toBe(true);
  });

  it('a failing adapter costs only its own paths; the failure is counted and logged', async () => {
    const container = docContainer();
    bindAdapter(container, {
      provides: IPurgePaths,
      for: Doc,
      name: 'test.broken',
      factory: () => ({
        getRelativePaths: () => {
          throw new Error('database down');
        },
        getAbsolutePaths: () => [],
      }),
    });
    const logger = recordingLogger();
    const purger = make({ container, logger });
    await runInUnitOfWork(() => bus.notify(new Purge(new Doc('/docs/a'))));
    await purger.flush();
    expect(sent().sort()).toEqual(['PURGE /docs/a', 'PURGE /docs/a/view', 'PURGE /listing']);
    expect(purger.statistics().adapterErrors).toBe(1);
    expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('database down'))).toBe(true);
  });

  it('relative paths are rewritten for virtual hosting and absolute ones are not (CP-7)', async () => {
    const purger = make({
      domains: ['http://example.org:81', 'https://example.com'],
      virtualHosting: { mode: 'vhm', root: '/plone' },
    });
    await runInUnitOfWork(() => void purger.queue(new Doc('/a', [], ['/_purge_all'])));
    expect(purger.statistics().unitsCommitted).toBe(1);
    await purger.flush();
    expect(proxy.received.map((r) => [r.url, r.host])).toEqual(
      expect.arrayContaining([
        ['/VirtualHostBase/http/example.org:81/plone/VirtualHostRoot/a', `127.0.0.1:${proxy.port}`],
        ['/VirtualHostBase/https/example.com/plone/VirtualHostRoot/a/view', `127.0.0.1:${proxy.port}`],
        ['/_purge_all', `127.0.0.1:${proxy.port}`],
      ]),
    );
    expect(proxy.received).toHaveLength(3 * 2 + 1);
  });

  it('public-host mode: one request per configured domain, with that domain as Host; absolute paths use the proxy host', async () => {
    const purger = make({ domains: ['https://www.example.com', 'http://www.example.com', 'example.org:8080'] });
    await runInUnitOfWork(() => void purger.queue(new Doc('/a', [], ['/_purge_all'])));
    await purger.flush();
    const byUrl = (url: string): string[] =>
      proxy.received
        .filter((r) => r.url === url)
        .map((r) => r.host)
        .sort();
    expect(byUrl('/a')).toEqual(['example.org:8080', 'www.example.com']);
    expect(byUrl('/_purge_all')).toEqual([`127.0.0.1:${proxy.port}`]);
  });

  it('two purgers on one bus keep their own batches', async () => {
    const other = await RecordingProxy.start();
    try {
      const first = make();
      const second = make({ proxies: [other.url], tags: false });
      await runInUnitOfWork(() => bus.notify(new Purge(new Doc('/docs/a'))));
      await first.flush();
      await second.flush();
      expect(proxy.received).toHaveLength(3);
      expect(other.received).toHaveLength(3);
    } finally {
      await other.stop();
    }
  });

  it('after close(), on-demand calls throw and a unit that commits later has its purges dropped and counted, never silently', async () => {
    const logger = recordingLogger();
    const purger = make({ logger });
    const unit = new UnitOfWork();
    unit.run(() => bus.notify(new Purge(new Doc('/docs/a'))));
    await purger.close();
    expect(() => purger.purgePaths(['/x'])).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_CLOSED' }) as Error,
    );
    await unit.commit();
    expect(proxy.received).toEqual([]);
    expect(purger.statistics().proxies[0]).toMatchObject({ dropped: 3, queued: 0 });
    expect(purger.history().every((r) => r.outcome === 'dropped' && r.code === 'ERR_CACHESET_PURGE_CLOSED')).toBe(true);
    expect(logger.lines.some((l) => l.message.includes('dropped'))).toBe(true);
    // The bus no longer reaches it.
    bus.notify(new Purge(new Doc('/docs/b')));
    expect(purger.pending().paths).toEqual([]);
  });

  it('validates hand-given input before anything is queued', () => {
    const purger = make();
    expect(() => purger.purgeTags(['two words'])).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_TAG' }) as Error,
    );
    expect(() => purger.purgePaths('/not-a-list' as unknown as string[])).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_PATH' }) as Error,
    );
    expect(() => purger.purgePaths([42 as unknown as string])).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_PATH' }) as Error,
    );
    expect(() => purger.ban('^/a b')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_BAN' }) as Error,
    );
    expect(() => purger.ban('^/(a')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_BAN' }) as Error,
    );
    expect(() => purger.ban('')).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_BAN' }) as Error,
    );
    expect(() => purger.ban(`^/${'a'.repeat(8_000)}`)).toThrowError(
      expect.objectContaining({ code: 'ERR_CACHESET_PURGE_INVALID_BAN' }) as Error,
    );
  });

  it('names each kind of bad hand-given input by its own code: a tag that is not a string is INVALID_TAG', async () => {
    const purger = make();
    const code = (call: () => unknown): unknown => {
      try {
        call();
      } catch (error) {
        return (error as { code?: unknown }).code;
      }
      return 'no error';
    };
    expect(code(() => purger.purgeTags([42 as unknown as string]))).toBe('ERR_CACHESET_PURGE_INVALID_TAG');
    expect(code(() => purger.purgeTags('gallery-7' as unknown as string[]))).toBe('ERR_CACHESET_PURGE_INVALID_TAG');
    expect(code(() => purger.purgeTags(undefined as unknown as string[]))).toBe('ERR_CACHESET_PURGE_INVALID_TAG');
    expect(code(() => purger.ban(42 as unknown as string))).toBe('ERR_CACHESET_PURGE_INVALID_BAN');
    expect(code(() => purger.purgePaths([null as unknown as string]))).toBe('ERR_CACHESET_PURGE_INVALID_PATH');
    await expect(purger.purgeNow({ tags: [{}] as unknown as string[] })).rejects.toMatchObject({
      code: 'ERR_CACHESET_PURGE_INVALID_TAG',
    });
    expect(purger.pending()).toEqual({ paths: [], absolutePaths: [], tags: [], bans: [] });
  });

  it('de-duplicates on the wire form: "/a b" and "/a%20b", "" and "/" are one URL each', async () => {
    const purger = make({ bus: false });
    const report = await purger.purgeNow({ paths: ['/a b', '/a%20b', '', '/', 'rel'] });
    expect(report.records.map((r) => r.url).sort()).toEqual([
      `${proxy.url}/`,
      `${proxy.url}/a%20b`,
      `${proxy.url}/rel`,
    ]);
  });
});
