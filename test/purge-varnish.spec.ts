import { EventBus, Purge, runInUnitOfWork, type CachesetLogger } from '@cacheset/core';
import { createPurger, purgeEndpoint, type Purger } from '@cacheset/purge';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Page, PurgeApp, pageContainer } from './support/purgeApp.js';
import { shippedVcl } from './support/purgeVcl.js';
import { age, deliveredAfterUnits, isHit, sleep } from './support/purgeWait.js';
import { Varnish } from './support/varnish.js';

interface LogLine {
  readonly level: 'warn' | 'error';
  readonly message: string;
}

function recordingLogger(): CachesetLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message) => void lines.push({ level: 'error', message }),
  };
}

describeWithServers(
  '@cacheset/purge against a real Varnish running the shipped VCL',
  ['varnishd', 'varnishadm'],
  () => {
    const bus = new EventBus();
    const container = pageContainer();
    const logger = recordingLogger();
    let app: PurgeApp;
    let varnish: Varnish;
    let purger: Purger;
    let endpointServer: Server;
    let units = 0;

    const get = (path: string, host?: string): Promise<RawResponse> =>
      rawRequest(`${varnish.url}${path}`, host === undefined ? {} : { headers: { host } });
    const post = (path: string): Promise<RawResponse> =>
      rawRequest(`http://127.0.0.1:${app.port}${path}`, { method: 'POST' });

    /** Asserts a proxy hit that has been in the cache for a while (Age > 0) and did not reach the app. */
    async function expectCachedHit(path: string, decodedPath: string, host?: string): Promise<void> {
      const before = app.renders(decodedPath);
      const response = await get(path, host);
      expect(response.status, `${path} status`).toBe(200);
      expect(isHit(response), `${path} is a hit`).toBe(true);
      expect(age(response), `${path} Age`).toBeGreaterThan(0);
      expect(app.renders(decodedPath), `${path} did not reach the app`).toBe(before);
    }

    /** Asserts that the next request for `path` reached the application. */
    async function expectReachesApp(path: string, decodedPath: string, host?: string): Promise<RawResponse> {
      const before = app.renders(decodedPath);
      const response = await get(path, host);
      expect(isHit(response), `${path} is not a hit`).toBe(false);
      expect(app.renders(decodedPath), `${path} reached the app`).toBe(before + 1);
      return response;
    }

    const pages = {
      edited: new Page(1, 'edited', 'Edited'),
      tagged1: new Page(2, 'tagged-1', 'Tagged 1', ['gallery-7']),
      tagged2: new Page(3, 'tagged-2', 'Tagged 2', ['gallery-7']),
      other: new Page(4, 'other', 'Other', ['gallery-8']),
      renamed: new Page(5, 'old-name', 'Renamed'),
      background: new Page(6, 'background', 'Background'),
      implicit: new Page(7, 'implicit', 'Implicit'),
      unicode: new Page(8, 'töst file', 'Unicode'),
      failing: new Page(9, 'failing', 'Failing'),
      throwing: new Page(10, 'throwing', 'Throwing'),
      banned1: new Page(11, 'ban-1', 'Banned 1'),
      banned2: new Page(12, 'ban-2', 'Banned 2'),
      soft: new Page(13, 'soft', 'Soft'),
      hosted: new Page(14, 'hosted', 'Hosted'),
      waited: new Page(15, 'waited', 'Waited'),
      operator: new Page(16, 'operator', 'Operator'),
    };
    const TOKEN = 'operator-token-0123456789abcdef';

    beforeAll(async () => {
      app = await PurgeApp.start({ bus, container });
      for (const page of Object.values(pages)) app.add(page);
      varnish = await Varnish.start({ vcl: await shippedVcl(), backendPort: app.port });
      purger = createPurger({
        proxies: [varnish.url],
        container,
        bus,
        logger,
        delivery: { retry: { attempts: 3, initialDelayMs: 50 } },
      });
      endpointServer = createServer(purgeEndpoint(purger, { token: TOKEN }));
      await new Promise<void>((resolve) => endpointServer.listen(0, '127.0.0.1', resolve));
      // Fill the cache with every page once, then let a second pass so that hits carry Age > 0.
      for (const page of Object.values(pages)) {
        for (const path of [
          `/pages/${encodeURIComponent(page.slug)}`,
          `/pages/${encodeURIComponent(page.slug)}/view`,
        ]) {
          const first = await get(path);
          expect(first.status, path).toBe(200);
        }
      }
      // The new name of the renamed page: a 404 that Varnish caches (default TTL) until it is purged.
      expect((await get('/pages/new-name')).status).toBe(404);
      expect(isHit(await get('/pages/new-name'))).toBe(true);
      // The hosted page under its public domain as well.
      expect((await get('/pages/hosted', 'www.example.test')).status).toBe(200);
      await sleep(1_100);
    });

    afterAll(async () => {
      await purger?.close({ timeoutMs: 1_000 });
      await new Promise<void>((resolve) =>
        endpointServer === undefined ? resolve() : endpointServer.close(() => resolve()),
      );
      await varnish?.stop();
      await app?.stop();
    });

    it('drops a cached page (hit, Age > 0) after a Purge event on its object, sent after the response: the next request reaches the app', async () => {
      await expectCachedHit('/pages/edited', '/pages/edited');
      await expectCachedHit('/pages/edited/view', '/pages/edited/view');
      const response = await post('/pages/edited/edit');
      expect(response.status).toBe(200);
      await deliveredAfterUnits(purger, (units += 1));
      const fresh = await expectReachesApp('/pages/edited', '/pages/edited');
      expect(fresh.text).toContain('Edited*');
      await expectReachesApp('/pages/edited/view', '/pages/edited/view');
      const sent = purger.history().filter((r) => r.target.startsWith('/pages/edited'));
      expect(sent.map((r) => [r.method, r.url, r.outcome, r.status, r.detail])).toEqual(
        expect.arrayContaining([
          ['PURGE', `${varnish.url}/pages/edited`, 'succeeded', 200, 'Purged'],
          ['PURGE', `${varnish.url}/pages/edited/view`, 'succeeded', 200, 'Purged'],
        ]),
      );
      // Every purge left after the handler had ended the response, not while it ran.
      const ended = app.endedAt.get('/pages/edited/edit') ?? Number.POSITIVE_INFINITY;
      for (const record of sent) expect(record.firstSentAt ?? 0).toBeGreaterThanOrEqual(ended);
    });

    it('a tag purge drops every page carrying the tag and no other', async () => {
      for (const page of [pages.tagged1, pages.tagged2, pages.other])
        await expectCachedHit(`/pages/${page.slug}`, `/pages/${page.slug}`);
      const inside = await runInUnitOfWork(async () => {
        purger.purgeTags(['gallery-7']);
        // Inside the open unit nothing has been handed to the proxies yet: flush() has nothing to wait for.
        return purger.flush();
      });
      expect(inside.requests).toBe(0);
      await purger.flush();
      const record = purger.history().find((r) => r.target === 'gallery-7');
      expect([record?.method, record?.outcome, record?.detail]).toEqual([
        'PURGEKEYS',
        'succeeded',
        'Invalidated 4 objects',
      ]);
      await expectReachesApp('/pages/tagged-1', '/pages/tagged-1');
      await expectReachesApp('/pages/tagged-2/view', '/pages/tagged-2/view');
      await expectCachedHit('/pages/other', '/pages/other');
      await expectCachedHit('/pages/other/view', '/pages/other/view');
    });

    it('a renamed object purges its old and its new paths (computed when each event fired)', async () => {
      await expectCachedHit('/pages/old-name', '/pages/old-name');
      const stale404 = await get('/pages/new-name');
      expect([stale404.status, isHit(stale404)]).toEqual([404, true]);
      expect((await post('/pages/old-name/rename?to=new-name')).status).toBe(200);
      await deliveredAfterUnits(purger, (units += 1));
      const moved = await expectReachesApp('/pages/new-name', '/pages/new-name');
      expect(moved.status).toBe(200);
      const old = await get('/pages/old-name');
      expect([old.status, isHit(old)]).toEqual([404, false]);
      const targets = purger.history().map((r) => r.target);
      expect(targets).toEqual(
        expect.arrayContaining(['/pages/old-name', '/pages/old-name/view', '/pages/new-name', '/pages/new-name/view']),
      );
    });

    it('delivers purges fired from a background scope, with or without an explicit unit of work', async () => {
      await expectCachedHit('/pages/background', '/pages/background');
      await expectCachedHit('/pages/implicit', '/pages/implicit');
      await runInUnitOfWork(() => bus.notify(new Purge(pages.background)), { label: 'nightly import' });
      // Outside any unit: queued in an implicit batch, sent on the next tick.
      bus.notify(new Purge(pages.implicit));
      expect(purger.pending().paths).toEqual(['/pages/implicit', '/pages/implicit/view']);
      await sleep(0);
      await purger.flush();
      await expectReachesApp('/pages/background', '/pages/background');
      await expectReachesApp('/pages/implicit/view', '/pages/implicit/view');
      expect(purger.statistics().implicitBatches).toBeGreaterThanOrEqual(1);
    });

    it('percent-encodes non-ASCII and spaces as browsers do, so the purge hits the cached URL', async () => {
      const path = '/pages/t%C3%B6st%20file';
      await expectCachedHit(path, '/pages/töst file');
      await runInUnitOfWork(() => bus.notify(new Purge(pages.unicode)));
      await purger.flush();
      await expectReachesApp(path, '/pages/töst file');
      expect(purger.history().find((r) => r.target === path)?.url).toBe(`${varnish.url}${path}`);
    });

    it('sends nothing for a unit that failed: an error status or a thrown handler', async () => {
      const before = purger.statistics();
      expect((await post('/pages/failing/edit?status=500')).status).toBe(500);
      expect((await post('/pages/throwing/edit?throw=1')).status).toBe(500);
      await sleep(100);
      await purger.flush();
      const after = purger.statistics();
      expect(after.unitsAborted).toBe(before.unitsAborted + 2);
      expect(after.discardedWithAbortedUnits).toBe(before.discardedWithAbortedUnits + 6);
      expect(after.proxies[0]?.queued).toBe(before.proxies[0]?.queued);
      expect(app.log.some((line) => line.includes('the edit failed after the event'))).toBe(true);
      await expectCachedHit('/pages/failing', '/pages/failing');
      await expectCachedHit('/pages/throwing/view', '/pages/throwing/view');
    });

    it('BANs by URL regular expression, within the public host', async () => {
      await expectCachedHit('/pages/ban-1', '/pages/ban-1');
      await expectCachedHit('/pages/ban-2/view', '/pages/ban-2/view');
      purger.ban('^/pages/ban-[0-9]+(/view)?$');
      // flush() sends the implicit batch at once and waits for it.
      const report = await purger.flush();
      expect(report.records.map((r) => [r.method, r.host, r.outcome, r.detail])).toEqual([
        ['BAN', `127.0.0.1:${varnish.port}`, 'succeeded', 'Banned'],
      ]);
      expect(await varnish.admin('ban.list')).toContain('obj.http.x-cacheset-url ~ ^/pages/ban-[0-9]+(/view)?$');
      await expectReachesApp('/pages/ban-1', '/pages/ban-1');
      await expectReachesApp('/pages/ban-2/view', '/pages/ban-2/view');
      await expectCachedHit('/pages/other', '/pages/other');
    });

    it('soft-purges with softPurge: true (vmod purge in the shipped VCL)', async () => {
      await expectCachedHit('/pages/soft', '/pages/soft');
      const soft = createPurger({ proxies: [{ url: varnish.url, softPurge: true }], bus: false, logger });
      try {
        const report = await soft.purgeNow({ paths: ['/pages/soft'] });
        expect(report.records.map((r) => [r.method, r.outcome, r.detail])).toEqual([
          ['PURGE', 'succeeded', 'Soft-purged 1 objects'],
        ]);
      } finally {
        await soft.close();
      }
      // The tests run Varnish with default_grace=0: a soft-purged object is not served again.
      await expectReachesApp('/pages/soft', '/pages/soft');
    });

    it('public-host mode purges with the configured domain as Host, never the current request host', async () => {
      await expectCachedHit('/pages/hosted', '/pages/hosted', 'www.example.test');
      await expectCachedHit('/pages/hosted', '/pages/hosted');
      // tags: false, because a tag purge drops the page under every host (xkey is not per host).
      const hosted = createPurger({
        proxies: [varnish.url],
        domains: ['https://www.example.test'],
        container,
        bus: false,
        tags: false,
        logger,
      });
      try {
        // A request for another host is being served while the purge is queued: its host is not used.
        await rawRequest(`http://127.0.0.1:${app.port}/pages/hosted`, { headers: { host: 'evil.example' } });
        await runInUnitOfWork(() => void hosted.queue(pages.hosted));
        const report = await hosted.flush();
        expect(report.records.map((r) => [r.url, r.host, r.outcome])).toEqual([
          [`${varnish.url}/pages/hosted`, 'www.example.test', 'succeeded'],
          [`${varnish.url}/pages/hosted/view`, 'www.example.test', 'succeeded'],
        ]);
      } finally {
        await hosted.close();
      }
      await expectReachesApp('/pages/hosted', '/pages/hosted', 'www.example.test');
      await expectCachedHit('/pages/hosted', '/pages/hosted');
    });

    it('waitForDelivery: the commit of a unit resolves only after every proxy answered', async () => {
      await expectCachedHit('/pages/waited', '/pages/waited');
      const waiting = createPurger({ proxies: [varnish.url], container, bus: false, waitForDelivery: true, logger });
      try {
        await runInUnitOfWork(() => void waiting.queue(pages.waited));
        // No flush: both paths and the page's tag are already purged.
        expect(waiting.statistics().proxies[0]).toMatchObject({ queued: 3, succeeded: 3, pending: 0 });
        await expectReachesApp('/pages/waited', '/pages/waited');
      } finally {
        await waiting.close();
      }
    });

    it('the operator endpoint purges on demand with the token, and answers 403 without it', async () => {
      await expectCachedHit('/pages/operator', '/pages/operator');
      const endpoint = `http://127.0.0.1:${(endpointServer.address() as AddressInfo).port}/`;
      const denied = await rawRequest(`${endpoint}?path=/pages/operator`, { method: 'POST' });
      expect(denied.status).toBe(403);
      const wrong = await rawRequest(`${endpoint}?path=/pages/operator`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-the-token-at-all' },
      });
      expect(wrong.status).toBe(403);
      await expectCachedHit('/pages/operator', '/pages/operator');
      const done = await rawRequest(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ paths: ['/pages/operator'] }),
      });
      expect(done.status).toBe(200);
      expect(JSON.parse(done.text)).toMatchObject({
        ok: true,
        requests: 1,
        succeeded: 1,
        records: [{ method: 'PURGE', url: `${varnish.url}/pages/operator`, detail: 'Purged' }],
      });
      expect(done.headers['cache-control']).toBe('no-store');
      await expectReachesApp('/pages/operator', '/pages/operator');
      const metrics = await rawRequest(`${endpoint}?format=prometheus`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(metrics.text).toMatch(new RegExp(`cacheset_purge_succeeded_total\\{proxy="${varnish.url}"\\} \\d+`));
    });

    it('counts every request: nothing failed or dropped against a healthy proxy', () => {
      const [stats] = purger.statistics().proxies;
      expect(stats).toMatchObject({ failed: 0, dropped: 0, pending: 0, inFlight: 0 });
      expect(stats?.succeeded).toBe(stats?.queued);
      expect(stats?.sent).toBe(stats?.queued);
      expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    });
  },
);
