/**
 * Proxy purges come after the in-process invalidation of the same unit of work: a proxy that
 * refetches the page right after its PURGE must not find the old copy in the application's disk
 * dump or RAM tier. With `waitForDelivery`, the unit's commit also waits for the proxies.
 */
import { EventBus, Purge, runInUnitOfWork, trackWork } from '@cacheset/core';
import { createPurger, type Purger } from '@cacheset/purge';
import { afterEach, describe, expect, it } from 'vitest';
import { docContainer, Doc } from './support/content.js';
import { RecordingProxy, recordingLogger } from './support/proxyServers.js';

describe('proxy purges and the in-process work of their unit of work', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function setUp(waitForDelivery: boolean): Promise<{ bus: EventBus; proxy: RecordingProxy; purger: Purger }> {
    const proxy = await RecordingProxy.start();
    const bus = new EventBus();
    const purger = createPurger({
      proxies: [proxy.url],
      container: docContainer(),
      bus,
      waitForDelivery,
      logger: recordingLogger(),
    });
    cleanups.push(async () => {
      await purger.close({ timeoutMs: 500 });
      await proxy.stop();
    });
    return { bus, proxy, purger };
  }

  /** A participant like @cacheset/fs: the purge starts a deletion that takes a while. */
  function slowDeletion(bus: EventBus, log: string[]): void {
    bus.subscribe(Purge, () => {
      trackWork(
        new Promise<void>((resolve) => setTimeout(resolve, 40)).then(() => void log.push('dump deleted')),
        { label: 'deleting the dump' },
      );
    });
  }

  for (const waitForDelivery of [false, true]) {
    it(`sends no PURGE before the unit's in-process work is done (waitForDelivery ${waitForDelivery})`, async () => {
      const { bus, proxy } = await setUp(waitForDelivery);
      const log: string[] = [];
      slowDeletion(bus, log);
      proxy.respond = () => {
        log.push('proxy purged');
        return undefined;
      };
      await runInUnitOfWork(() => bus.notify(new Purge(new Doc('/images/cat'))));
      log.push('unit finished');
      if (!waitForDelivery) {
        // The commit handed the purges over; they are delivered afterwards.
        while (proxy.received.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(log[0]).toBe('dump deleted');
      expect(log.filter((l) => l === 'proxy purged')).toHaveLength(3);
      expect(log.indexOf('unit finished') > log.lastIndexOf('proxy purged')).toBe(waitForDelivery);
    });
  }
});
