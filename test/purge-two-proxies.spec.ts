import { EventBus, runInUnitOfWork, type CachesetLogger } from '@cacheset/core';
import { createPurger, type Purger, type ProxyStatistics } from '@cacheset/purge';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Page, PurgeApp, pageContainer } from './support/purgeApp.js';
import { shippedVcl } from './support/purgeVcl.js';
import { Varnish } from './support/varnish.js';
import { age, deliveredAfterUnits, isHit, sleep, waitUntil } from './support/purgeWait.js';

function recordingLogger(): CachesetLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
}

/** Every request a proxy accepted is accounted for (no drops in these scenarios): delivered, failed, or still pending. */
function accounted(stats: ProxyStatistics | undefined): boolean {
  return stats !== undefined && stats.dropped === 0 && stats.queued === stats.succeeded + stats.failed + stats.pending;
}

describeWithServers('@cacheset/purge with two real Varnish instances', ['varnishd', 'varnishadm'], () => {
  const bus = new EventBus();
  const container = pageContainer();
  const logger = recordingLogger();
  let vcl: string;
  let app: PurgeApp;
  let v1: Varnish;
  let v2: Varnish;
  let purger: Purger;
  let units = 0;
  const both = new Page(1, 'both', 'Both');
  const outage = new Page(2, 'outage', 'Outage');

  const get = (varnish: Varnish, path: string): Promise<RawResponse> => rawRequest(`${varnish.url}${path}`);
  const post = (path: string): Promise<RawResponse> =>
    rawRequest(`http://127.0.0.1:${app.port}${path}`, { method: 'POST' });
  const statsOf = (varnish: Varnish): ProxyStatistics | undefined =>
    purger.statistics().proxies.find((p) => p.name === `v${varnish === v1 ? 1 : 2}`);

  async function expectCachedHit(varnish: Varnish, path: string): Promise<void> {
    const before = app.renders(path);
    const response = await get(varnish, path);
    expect([response.status, isHit(response), age(response) > 0, app.renders(path)]).toEqual([200, true, true, before]);
  }

  async function expectReachesApp(varnish: Varnish, path: string): Promise<void> {
    const before = app.renders(path);
    const response = await get(varnish, path);
    expect([isHit(response), app.renders(path)]).toEqual([false, before + 1]);
  }

  beforeAll(async () => {
    vcl = await shippedVcl();
    app = await PurgeApp.start({ bus, container });
    app.add(both);
    app.add(outage);
    v1 = await Varnish.start({ vcl, backendPort: app.port });
    v2 = await Varnish.start({ vcl, backendPort: app.port });
    purger = createPurger({
      proxies: [
        { url: v1.url, name: 'v1' },
        { url: v2.url, name: 'v2' },
      ],
      container,
      bus,
      logger,
      // A retry window of about 15 s: long enough for a restart, short enough for a test.
      delivery: { timeoutMs: 2_000, retry: { attempts: 40, initialDelayMs: 100, maxDelayMs: 400, jitter: 0.2 } },
    });
    for (const varnish of [v1, v2])
      for (const path of ['/pages/both', '/pages/outage']) expect((await get(varnish, path)).status).toBe(200);
    await sleep(1_100);
  });

  afterAll(async () => {
    await purger?.close({ timeoutMs: 1_000 });
    await v1?.stop();
    await v2?.stop();
    await app?.stop();
  });

  it('every purge reaches both proxies', async () => {
    await expectCachedHit(v1, '/pages/both');
    await expectCachedHit(v2, '/pages/both');
    expect((await post('/pages/both/edit')).status).toBe(200);
    await deliveredAfterUnits(purger, (units += 1));
    await expectReachesApp(v1, '/pages/both');
    await expectReachesApp(v2, '/pages/both');
    await expectReachesApp(v2, '/pages/both/view');
    expect(statsOf(v1)).toMatchObject({ queued: 3, succeeded: 3 });
    expect(statsOf(v2)).toMatchObject({ queued: 3, succeeded: 3 });
  });

  it('with one proxy stopped: the request is not slowed, the other proxy is purged, the stopped one gets its purges when it is back', async () => {
    await expectCachedHit(v1, '/pages/outage');
    const v1Before = statsOf(v1)?.succeeded ?? 0;
    const v2Before = statsOf(v2)?.succeeded ?? 0;
    const port = v2.port;
    await v2.stop();

    const started = Date.now();
    const response = await post('/pages/outage/edit');
    const took = Date.now() - started;
    expect(response.status).toBe(200);
    // The response does not wait for any proxy (it returns before purging starts).
    expect(took).toBeLessThan(500);
    // A BAN queued in a background unit during the outage, to find on the restarted instance.
    await runInUnitOfWork(() => purger.ban('^/pages/outage$'));

    await waitUntil(
      'v1 to be purged',
      () => statsOf(v1)?.pending === 0 && (statsOf(v1)?.succeeded ?? 0) >= v1Before + 4,
    );
    await expectReachesApp(v1, '/pages/outage');
    const ended = app.endedAt.get('/pages/outage/edit') ?? Number.POSITIVE_INFINITY;
    const firstV1 = purger.history().filter((r) => r.proxy === 'v1' && r.target.startsWith('/pages/outage'));
    for (const record of firstV1) expect(record.firstSentAt ?? 0).toBeGreaterThanOrEqual(ended);

    await waitUntil('v2 purges to be retried', () => (statsOf(v2)?.retried ?? 0) >= 8);
    expect(statsOf(v2)).toMatchObject({ failed: 0, dropped: 0, pending: 4 });

    v2 = await Varnish.start({ vcl, backendPort: app.port, port });
    await waitUntil('v2 to get its purges', () => statsOf(v2)?.pending === 0, 20_000);
    // The four purges, and the ban of everything sent because v2 answered again after failures.
    expect(statsOf(v2)).toMatchObject({ failed: 0, dropped: 0, succeeded: v2Before + 5, returns: 1, flushes: 1 });
    const delivered = purger
      .history()
      .filter((r) => r.proxy === 'v2' && (r.target.includes('outage') || r.target === 'page-2'));
    expect(delivered.map((r) => [r.method, r.target, r.outcome, r.detail]).sort()).toEqual(
      [
        ['BAN', '^/pages/outage$', 'succeeded', 'Banned'],
        ['PURGE', '/pages/outage', 'succeeded', 'Purged'],
        ['PURGE', '/pages/outage/view', 'succeeded', 'Purged'],
        ['PURGEKEYS', 'page-2', 'succeeded', 'Invalidated 0 objects'],
      ].sort(),
    );
    for (const record of delivered) expect(record.attempts).toBeGreaterThan(1);
    // The restarted Varnish answered the BAN queued while it was down ('Banned' above is its VCL's
    // answer). Its ban list keeps only the newest ban once no object is older than the others (it
    // restarted empty), so what the list must show is the ban of everything sent on its return.
    expect(await v2.admin('ban.list')).toMatch(/obj\.http\.x-cacheset-url ~ (\.|\^\/pages\/outage\$)/);
    expect(accounted(statsOf(v1)) && accounted(statsOf(v2))).toBe(true);
  });

  it('a proxy that stays down past the retry window: its purges are counted as failed and logged, none vanish', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const deadPort = (holder.address() as AddressInfo).port;
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    const local = recordingLogger();
    const short = createPurger({
      proxies: [
        { url: v1.url, name: 'v1' },
        { url: `http://127.0.0.1:${deadPort}`, name: 'dead' },
      ],
      bus: false,
      logger: local,
      delivery: { retry: { attempts: 3, initialDelayMs: 50, jitter: 0 } },
    });
    try {
      short.purgePaths(['/pages/outage', '/pages/both']);
      const report = await short.flush();
      expect(report).toMatchObject({ requests: 4, succeeded: 2, failed: 2, dropped: 0 });
      const dead = short.statistics().proxies.find((p) => p.name === 'dead');
      expect(dead).toMatchObject({ queued: 2, sent: 6, retried: 4, failed: 2, pending: 0 });
      expect(accounted(dead)).toBe(true);
      expect(
        short
          .history()
          .filter((r) => r.proxy === 'dead')
          .every((r) => r.outcome === 'failed' && r.attempts === 3 && /ECONNREFUSED/.test(r.detail)),
      ).toBe(true);
      expect(local.lines.some((l) => l.includes('to dead failed after 3 attempts'))).toBe(true);
    } finally {
      await short.close();
    }
  });
});
