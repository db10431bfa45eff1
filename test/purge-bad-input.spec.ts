import { bindAdapter, EventBus, IPurgePaths, Purge, runInUnitOfWork } from '@cacheset/core';
import { createPurger, type Purger } from '@cacheset/purge';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Page, PurgeApp, pageContainer } from './support/purgeApp.js';
import { shippedVcl } from './support/purgeVcl.js';
import { Varnish } from './support/varnish.js';
import { age, isHit, sleep } from './support/purgeWait.js';

const quiet = { warn: (): void => {}, error: (): void => {} };

/** A TCP "proxy" that answers garbage to every request, or never answers. */
async function rawServer(behaviour: 'garbage' | 'hang'): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    if (behaviour === 'garbage') socket.once('data', () => socket.end('\x00\x01SSH-2.0-OpenSSH_9.2\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A page whose only purge path has no leading slash. */
class Sloppy {
  constructor(readonly slug: string) {}
}

describeWithServers('@cacheset/purge: bad input against a real Varnish', ['varnishd', 'varnishadm'], () => {
  const bus = new EventBus();
  const container = pageContainer();
  bindAdapter(container, {
    provides: IPurgePaths,
    for: Sloppy,
    name: 'test.sloppy',
    factory: (s: Sloppy) => ({ getRelativePaths: () => [`pages/${s.slug}`], getAbsolutePaths: () => [] }),
  });
  let app: PurgeApp;
  let varnish: Varnish;
  const purgers: Purger[] = [];
  const pages = {
    noScheme: new Page(1, 'no-scheme', 'No scheme'),
    prefixed: new Page(2, 'prefixed', 'Prefixed'),
    sloppy: new Page(3, 'sloppy', 'Sloppy'),
    bigTag: new Page(4, 'big-tag', 'Big tag', ['the-last-tag']),
    bystander: new Page(5, 'bystander', 'Bystander', ['tag-0']),
    resilient: new Page(6, 'resilient', 'Resilient'),
  };

  const get = (path: string): Promise<RawResponse> => rawRequest(`${varnish.url}${path}`);
  const make = (options: Parameters<typeof createPurger>[0]): Purger => {
    const purger = createPurger(options);
    purgers.push(purger);
    return purger;
  };
  async function expectCachedHit(path: string): Promise<void> {
    const before = app.renders(path);
    const response = await get(path);
    expect([response.status, isHit(response), age(response) > 0, app.renders(path)], path).toEqual([
      200,
      true,
      true,
      before,
    ]);
  }
  async function expectReachesApp(path: string): Promise<void> {
    const before = app.renders(path);
    const response = await get(path);
    expect([isHit(response), app.renders(path)], path).toEqual([false, before + 1]);
  }

  beforeAll(async () => {
    app = await PurgeApp.start({ bus, container });
    for (const page of Object.values(pages)) app.add(page);
    varnish = await Varnish.start({ vcl: await shippedVcl(), backendPort: app.port });
    for (const page of Object.values(pages)) expect((await get(`/pages/${page.slug}`)).status).toBe(200);
    await sleep(1_100);
  });

  afterAll(async () => {
    for (const purger of purgers) await purger.close({ timeoutMs: 500 });
    await varnish?.stop();
    await app?.stop();
  });

  it('a proxy URL without a scheme is taken as http://', async () => {
    await expectCachedHit('/pages/no-scheme');
    const purger = make({ proxies: [`127.0.0.1:${varnish.port}`], bus: false, logger: quiet });
    const report = await purger.purgeNow({ paths: ['/pages/no-scheme'] });
    expect(report.records.map((r) => [r.url, r.outcome])).toEqual([[`${varnish.url}/pages/no-scheme`, 'succeeded']]);
    await expectReachesApp('/pages/no-scheme');
  });

  it('a proxy URL with a path prefixes every purged path (SCM-15)', async () => {
    await expectCachedHit('/pages/prefixed');
    const purger = make({ proxies: [`${varnish.url}/pages/`], bus: false, logger: quiet });
    const report = await purger.purgeNow({ paths: ['/prefixed'] });
    expect(report.records.map((r) => [r.url, r.outcome, r.detail])).toEqual([
      [`${varnish.url}/pages/prefixed`, 'succeeded', 'Purged'],
    ]);
    await expectReachesApp('/pages/prefixed');
  });

  it('a path without a leading slash gets one', async () => {
    await expectCachedHit('/pages/sloppy');
    const purger = make({ proxies: [varnish.url], container, bus, logger: quiet });
    await runInUnitOfWork(() => bus.notify(new Purge(new Sloppy('sloppy'))));
    await purger.flush();
    await expectReachesApp('/pages/sloppy');
    await purger.close();
  });

  it('an enormous tag list is split under the header limit and every tag is purged; unsplit, Varnish refuses it', async () => {
    await expectCachedHit('/pages/big-tag');
    await expectCachedHit('/pages/bystander');
    const tags = [...Array.from({ length: 3_000 }, (_, i) => `unused-tag-${i}`), 'the-last-tag'];
    const unsplit = make({
      proxies: [{ url: varnish.url, maxHeaderBytes: 1_048_576 }],
      bus: false,
      logger: quiet,
      delivery: { retry: { attempts: 1 } },
    });
    const refused = await unsplit.purgeNow({ tags });
    expect(refused.records).toHaveLength(1);
    // Varnish resets the connection on a header over http_req_hdr_len (8 KiB): counted as failed.
    expect(refused.records[0]).toMatchObject({ outcome: 'failed', code: 'ERR_CACHESET_PURGE_DELIVERY_FAILED' });
    expect(refused.records[0]?.detail).toMatch(/ECONNRESET|closed|socket/i);
    await expectCachedHit('/pages/big-tag');

    const split = make({ proxies: [{ url: varnish.url, maxHeaderBytes: 4_000 }], bus: false, logger: quiet });
    const report = await split.purgeNow({ tags });
    expect(report.ok).toBe(true);
    expect(report.requests).toBeGreaterThan(10);
    expect(report.records.every((r) => r.target.length <= 4_000 && r.status === 200)).toBe(true);
    await expectReachesApp('/pages/big-tag');
    await expectCachedHit('/pages/bystander');
  });

  it('a proxy that answers garbage or hangs costs the request nothing, and the healthy proxy is still purged', async () => {
    const garbage = await rawServer('garbage');
    const hang = await rawServer('hang');
    try {
      await expectCachedHit('/pages/resilient');
      const purger = make({
        proxies: [
          { url: garbage.url, name: 'garbage' },
          { url: hang.url, name: 'hang', timeoutMs: 300 },
          { url: varnish.url, name: 'varnish' },
        ],
        container,
        bus,
        logger: quiet,
        delivery: { retry: { attempts: 2, initialDelayMs: 20 } },
      });
      const started = Date.now();
      expect((await rawRequest(`http://127.0.0.1:${app.port}/pages/resilient/purge`, { method: 'POST' })).status).toBe(
        200,
      );
      expect(Date.now() - started).toBeLessThan(500);
      await sleep(50);
      await purger.flush();
      const history = purger.history();
      const outcome = (name: string): string[] => [
        ...new Set(history.filter((r) => r.proxy === name).map((r) => `${r.outcome}:${r.code ?? ''}`)),
      ];
      expect(outcome('varnish')).toEqual(['succeeded:']);
      expect(outcome('garbage')).toEqual(['failed:ERR_CACHESET_PURGE_DELIVERY_FAILED']);
      expect(outcome('hang')).toEqual(['failed:ERR_CACHESET_PURGE_DELIVERY_FAILED']);
      expect(history.filter((r) => r.proxy === 'hang').every((r) => /timeout/i.test(r.detail))).toBe(true);
      expect(history).toHaveLength(3 * 3);
      await expectReachesApp('/pages/resilient');
      await purger.close();
    } finally {
      await garbage.stop();
      await hang.stop();
    }
  });
});
