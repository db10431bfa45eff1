/**
 * The purger's synchronous mode and its flush on return, against two real Varnish instances: an
 * edit's response leaves only once both proxies have the purge; a stopped proxy delays a response by
 * `synchronousTimeoutMs` at most, gets its purges by retry, and is banned clean when it answers again.
 */
import { EventBus } from '@cacheset/core';
import { createPurger, type ProxyStatistics, type Purger } from '@cacheset/purge';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Page, PurgeApp, pageContainer } from './support/purgeApp.js';
import { shippedVcl } from './support/purgeVcl.js';
import { isHit, waitUntil } from './support/purgeWait.js';
import { Varnish } from './support/varnish.js';

describeWithServers(
  '@cacheset/purge synchronous mode with two real Varnish instances',
  ['varnishd', 'varnishadm'],
  () => {
    const bus = new EventBus();
    const container = pageContainer();
    const lines: string[] = [];
    const logger = { warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m) };
    let vcl: string;
    let app: PurgeApp;
    let v1: Varnish;
    let v2: Varnish;
    let purger: Purger;

    const get = (varnish: Varnish, path: string): Promise<RawResponse> => rawRequest(`${varnish.url}${path}`);
    const post = (path: string): Promise<RawResponse> =>
      rawRequest(`http://127.0.0.1:${app.port}${path}`, { method: 'POST' });
    const statsOf = (name: string): ProxyStatistics | undefined =>
      purger.statistics().proxies.find((p) => p.name === name);

    async function warm(path: string): Promise<void> {
      for (const varnish of [v1, v2]) {
        await get(varnish, path);
        expect(isHit(await get(varnish, path))).toBe(true);
      }
    }

    beforeAll(async () => {
      vcl = await shippedVcl();
      app = await PurgeApp.start({ bus, container });
      for (const [id, slug] of [
        [1, 'sync'],
        [2, 'outage'],
      ] as const)
        app.add(new Page(id, slug, slug));
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
        synchronous: true,
        synchronousTimeoutMs: 400,
        delivery: { timeoutMs: 1_000, retry: { attempts: 60, initialDelayMs: 100, maxDelayMs: 300, jitter: 0.2 } },
      });
    });

    afterAll(async () => {
      await purger?.close({ timeoutMs: 1_000 });
      await v1?.stop();
      await v2?.stop();
      await app?.stop();
    });

    it('the response of an edit leaves only after both proxies answered the purge', async () => {
      await warm('/pages/sync');
      const rendersBefore = app.renders('/pages/sync');
      expect((await post('/pages/sync/edit')).status).toBe(200);
      const answeredAt = Date.now();
      // Read right after the acknowledgement: neither proxy may still hold the page.
      for (const varnish of [v1, v2]) expect(isHit(await get(varnish, '/pages/sync'))).toBe(false);
      expect(app.renders('/pages/sync')).toBe(rendersBefore + 2);
      const records = purger.history().filter((r) => r.target === '/pages/sync');
      expect(records.map((r) => [r.proxy, r.outcome]).sort()).toEqual([
        ['v1', 'succeeded'],
        ['v2', 'succeeded'],
      ]);
      for (const record of records) expect(record.finishedAt).toBeLessThanOrEqual(answeredAt);
      expect(purger.statistics()).toMatchObject({ synchronousBatches: 1, synchronousTimeouts: 0 });
    });

    it('a stopped proxy delays the response by synchronousTimeoutMs at most; it gets its purges and a ban of everything on its return', async () => {
      await warm('/pages/outage');
      const port = v2.port;
      await v2.stop();
      const started = Date.now();
      expect((await post('/pages/outage/edit')).status).toBe(200);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(380);
      expect(took).toBeLessThan(3_000);
      expect(isHit(await get(v1, '/pages/outage'))).toBe(false);
      expect(purger.statistics().synchronousTimeouts).toBe(1);
      await waitUntil('v2 to be seen down', () => statsOf('v2')?.down === true && (statsOf('v2')?.retried ?? 0) > 2);

      v2 = await Varnish.start({ vcl, backendPort: app.port, port });
      await waitUntil('v2 to get its purges and the flush', () => statsOf('v2')?.pending === 0, 20_000);
      expect(statsOf('v2')).toMatchObject({ down: false, returns: 1, flushes: 1, failed: 0, dropped: 0 });
      const delivered = purger.history().filter((r) => r.proxy === 'v2' && r.finishedAt >= started);
      expect(delivered.map((r) => [r.method, r.target, r.outcome]).sort()).toEqual(
        [
          ['BAN', '.', 'succeeded'],
          ['PURGE', '/pages/outage', 'succeeded'],
          ['PURGE', '/pages/outage/view', 'succeeded'],
          ['PURGEKEYS', 'page-2', 'succeeded'],
        ].sort(),
      );
      expect(await v2.admin('ban.list')).toContain('obj.http.x-cacheset-url ~ .');
      expect(lines.some((l) => l.includes('v2 answers again after failures; banning everything'))).toBe(true);
    });
  },
);
