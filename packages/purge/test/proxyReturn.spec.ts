import { createPurger, type Purger, type PurgerOptions } from '@cacheset/purge';
import { afterEach, describe, expect, it } from 'vitest';
import { closedPort, RecordingProxy, recordingLogger } from './support/proxyServers.js';

/** A proxy that is down at first: its port refuses connections until a recording proxy takes it. */
describe('a proxy that comes back', () => {
  const purgers: Purger[] = [];
  const proxies: RecordingProxy[] = [];
  afterEach(async () => {
    for (const purger of purgers.splice(0)) await purger.close({ timeoutMs: 500 });
    for (const proxy of proxies.splice(0)) await proxy.stop();
  });

  async function downThenUp(options: Partial<PurgerOptions> = {}) {
    const port = await closedPort();
    const logger = recordingLogger();
    const purger = createPurger({
      proxies: [{ url: `http://127.0.0.1:${port}`, name: 'edge' }],
      bus: false,
      logger,
      // A long back-off: what is delivered quickly below was not delivered by waiting it out.
      delivery: { retry: { attempts: 10, initialDelayMs: 8_000, maxDelayMs: 8_000, jitter: 0 } },
      ...options,
    });
    purgers.push(purger);
    purger.purgePaths(['/a']);
    const stats = () => purger.statistics().proxies[0];
    const deadline = Date.now() + 5_000;
    while (!(stats()?.down === true && (stats()?.retried ?? 0) >= 1) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stats()).toMatchObject({ down: true, retried: 1, pending: 1 });
    const proxy = await RecordingProxy.start({ port });
    proxies.push(proxy);
    return { purger, proxy, stats, logger };
  }

  it('a new purge of a URL waiting to be retried goes at once; the proxy is then banned clean', async () => {
    const { purger, proxy, stats, logger } = await downThenUp();
    const started = Date.now();
    const report = await purger.purgeNow({ paths: ['/a'] });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(report).toMatchObject({ ok: true, succeeded: 1 });
    expect(stats()).toMatchObject({ down: false, returns: 1, flushes: 1, coalesced: 1 });
    await purger.flush();
    expect(proxy.received.map((r) => `${r.method} ${r.url} ${r.headers['x-ban-url'] ?? ''}`.trim())).toEqual([
      'PURGE /a',
      'BAN / .',
    ]);
    expect(logger.lines.some((l) => l.message.includes('edge answers again after failures; banning everything'))).toBe(
      true,
    );
  });

  it('with flushOnReturn off: the purges are delivered, nothing is banned, and a warning says so', async () => {
    const { purger, proxy, stats, logger } = await downThenUp({ flushOnReturn: false });
    await purger.purgeNow({ paths: ['/a'] });
    await purger.flush();
    expect(stats()).toMatchObject({ down: false, returns: 1, flushes: 0 });
    expect(proxy.received.map((r) => `${r.method} ${r.url}`)).toEqual(['PURGE /a']);
    expect(logger.lines.some((l) => l.message.includes('(flushOnReturn is off)'))).toBe(true);
  });
});
