/**
 * The control panel's JSON API on the gallery, as the command line uses it: statistics that follow
 * the traffic, policy edits validated like the policy file (refused with its messages and nothing
 * saved or applied; accepted ones saved atomically with a backup, comments kept, applied at once),
 * RAM invalidation, the global switch, purges delivered to a real Varnish, and bad input refused
 * with a typed error.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminErrorBody, AdminPolicy, AdminStats, PurgeDelivered } from '@cacheset/admin';
import { ADMIN_TOKEN, adminRequest, startAdminDemo, type AdminDemo } from './support/adminDemo.js';
import { describeWithServers } from './support/binaries.js';
import { freePort } from './support/freePort.js';
import { shippedVcl } from './support/purgeVcl.js';
import { Varnish } from './support/varnish.js';

type Document = { policy: { operationMapping: Record<string, string>; operations: Record<string, unknown> } };

describeWithServers('the admin API on the gallery', ['varnishd'], () => {
  let site: AdminDemo;
  let varnish: Varnish;
  const engine = () => site.demo.running.site.stack.caching.engine;

  beforeAll(async () => {
    const varnishPort = await freePort();
    site = await startAdminDemo({ images: 3, env: { PURGE_PROXIES: `http://127.0.0.1:${varnishPort}` } });
    const appPort = Number(new URL(site.demo.base).port);
    varnish = await Varnish.start({ vcl: await shippedVcl(), backendPort: appPort, port: varnishPort });
  }, 120_000);
  afterAll(async () => {
    await varnish?.stop();
    await site?.stop();
  });

  const document = async (): Promise<Document> =>
    (await site.api('GET', 'api/policy')).json<AdminPolicy>().policy as unknown as Document;

  it('GET api/stats follows the traffic: RAM hits and misses, dumped files, the layers', async () => {
    const before = (await site.api('GET', 'api/stats')).json<AdminStats>();
    expect(before.layers.purge).toMatchObject({ configured: true });
    expect(before.layers.redis).toMatchObject({ configured: false });
    await adminRequest(`${site.demo.base}/feed.json`);
    await adminRequest(`${site.demo.base}/feed.json`);
    await site.demo.running.site.stack.dump.settled();
    const after = (await site.api('GET', 'api/stats')).json<AdminStats>();
    expect(after.ram?.totals.hits).toBe((before.ram?.totals.hits ?? 0) + 1);
    expect(after.ram?.totals.misses).toBe((before.ram?.totals.misses ?? 0) + 1);
    expect(after.ram?.objects.find((o) => o.name === '/feed.json')).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    expect(after.fs?.files).toBe((before.fs?.files ?? 0) + 1);
  });

  it('PUT api/policy refuses an invalid edit with the loader’s message, saving and applying nothing', async () => {
    const text = await site.policyText();
    const doc = await document();
    const bad = structuredClone(doc) as Document & {
      policy: { operations: { moderateCaching: { options: Record<string, unknown> } } };
    };
    bad.policy.operations.moderateCaching.options.smaxage = 'bogus';
    const answer = await site.api('PUT', 'api/policy', bad);
    expect(answer.status).toBe(422);
    const body = answer.json<AdminErrorBody>();
    expect(body.error.code).toBe('ERR_CACHESET_INVALID_OPTION');
    expect(body.error.problems?.[0]?.path).toBe('policy.operations.moderateCaching.options.smaxage');
    expect(body.error.message).toContain('"bogus" is not a duration');
    const unknown = structuredClone(doc);
    unknown.policy.operationMapping['gallery.frontpage'] = 'moderateCachng';
    const typo = (await site.api('PUT', 'api/policy', unknown)).json<AdminErrorBody>();
    expect(typo.error.message).toContain('moderateCaching');
    const types = structuredClone(doc) as Document & { rulesetTypes: { title: string }[] };
    (types.rulesetTypes[0] as { title: string }).title = 'Home';
    const restart = await site.api('PUT', 'api/policy', types);
    expect(restart.status).toBe(422);
    expect(restart.json<AdminErrorBody>().error.code).toBe('ERR_CACHESET_ADMIN_NEEDS_RESTART');
    expect((await site.api('PUT', 'api/policy', [1, 2])).status).toBe(400);
    expect(await site.policyText()).toBe(text);
    expect(engine().policy.operationFor('gallery.feed')).toBe('chain');
  });

  it('PUT api/policy saves atomically with a backup, keeps the comments, and applies the edit at once', async () => {
    const text = await site.policyText();
    const doc = await document();
    doc.policy.operationMapping['gallery.feed'] = 'noCaching';
    const answer = await site.api('PUT', 'api/policy', doc);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ ok: true, file: site.policyFile, backup: `${site.policyFile}.bak` });
    expect(await readFile(`${site.policyFile}.bak`, 'utf8')).toBe(text);
    const saved = await site.policyText();
    expect(saved).toContain('# The gallery’s caching policy.'.replace('’', "'"));
    expect(saved).toContain('gallery.feed: noCaching');
    // Only the edited line changed.
    const changed = saved.split('\n').filter((line, i) => line !== text.split('\n')[i]);
    expect(changed).toEqual(['    gallery.feed: noCaching']);
    expect(engine().policy.operationFor('gallery.feed')).toBe('noCaching');
    const feed = await adminRequest(`${site.demo.base}/feed.json`);
    expect(feed.headers['x-cache-operation']).toBe('noCaching');
  });

  it('POST api/enabled switches all caching off and on, through the policy file', async () => {
    const off = await site.api('POST', 'api/enabled', { enabled: false });
    expect(off.json()).toEqual({ enabled: false });
    expect((await adminRequest(`${site.demo.base}/`)).headers['x-cache-rule']).toBeUndefined();
    expect(await site.policyText()).toContain('enabled: false');
    expect((await site.api('POST', 'api/enabled', { enabled: true })).json()).toEqual({ enabled: true });
    expect((await adminRequest(`${site.demo.base}/`)).headers['x-cache-rule']).toBe('gallery.frontpage');
    expect((await site.api('POST', 'api/enabled', { enabled: 'no' })).status).toBe(400);
  });

  it('POST api/ram/invalidate drops one object or everything', async () => {
    const image = site.demo.running.site.gallery.newest(1)[0];
    const path = `/images/${image?.slug ?? ''}`;
    await adminRequest(`${site.demo.base}/`);
    await adminRequest(`${site.demo.base}${path}`);
    const one = await site.api('POST', 'api/ram/invalidate', { object: path });
    expect(one.json()).toEqual({ ok: true, dropped: 1 });
    const ram = site.demo.running.site.stack.ram;
    expect(ram.report().find((r) => r.path === path)?.entries ?? 0).toBe(0);
    expect(ram.report().find((r) => r.path === '/')?.entries).toBe(1);
    const all = await site.api('POST', 'api/ram/invalidate', {});
    expect(all.json<{ dropped: number }>().dropped).toBeGreaterThanOrEqual(1);
    expect(ram.statistics().entries).toBe(0);
    expect((await site.api('POST', 'api/ram/invalidate', { object: 'no-slash' })).status).toBe(400);
  });

  it('POST api/purge purges Varnish and answers with its outcome; recent purges list it', async () => {
    const image = site.demo.running.site.gallery.newest(1)[0];
    const path = `/images/${image?.slug ?? ''}`;
    // Varnish keeps the page; the purge removes it (the next answer comes from the application again).
    await adminRequest(`${varnish.url}${path}`);
    const cached = await adminRequest(`${varnish.url}${path}`);
    expect(Number(cached.headers.age ?? '0')).toBeGreaterThanOrEqual(0);
    const answer = await site.api('POST', 'api/purge', { paths: [path], wait: true });
    expect(answer.status).toBe(200);
    const delivered = answer.json<PurgeDelivered>();
    expect(delivered.ok).toBe(true);
    expect(delivered.outcomes).toEqual([
      { proxy: expect.any(String) as string, path, ok: true, status: 200, attempts: 1 },
    ]);
    const stats = (await site.api('GET', 'api/stats')).json<AdminStats>();
    expect(stats.purge?.recent[0]).toMatchObject({ target: path, outcome: 'succeeded', ok: true });
    const queued = await site.api('POST', 'api/purge', { tags: ['image-1'] });
    expect(queued.status).toBe(202);
    for (const bad of [{}, { paths: ['no-slash'] }, { paths: '/' }, { tags: ['a b'] }, { paths: ['/'], extra: 1 }])
      expect((await site.api('POST', 'api/purge', bad)).json<AdminErrorBody>().error.code).toBe(
        'ERR_CACHESET_ADMIN_BAD_REQUEST',
      );
  });

  it('nothing the admin serves is kept: Varnish passes it, the RAM cache and the disk dump store nothing', async () => {
    const ram = site.demo.running.site.stack.ram;
    const dump = site.demo.running.site.stack.dump;
    await dump.settled();
    const before = { entries: ram.statistics().entries, files: dump.stats().files };
    // The log-in page and the stylesheet need no credentials: a proxy would keep them if the headers let it.
    for (const path of ['login', 'admin.css']) {
      const first = await adminRequest(`${varnish.url}/_cacheset/${path}`);
      const second = await adminRequest(`${varnish.url}/_cacheset/${path}`);
      expect(first.status).toBe(200);
      expect(second.headers['cache-control']).toBe('no-store, private');
      // A Varnish hit carries two transaction ids (this one and the stored object's); a miss or pass one.
      expect(second.headers['x-varnish']?.trim().split(/\s+/)).toHaveLength(1);
    }
    await dump.settled();
    expect({ entries: ram.statistics().entries, files: dump.stats().files }).toEqual(before);
  });

  it('refuses bad requests with typed errors', async () => {
    const cases: [string, string, unknown, number][] = [
      ['GET', 'api/explain', undefined, 400],
      ['GET', 'api/explain?url=/&method=POST', undefined, 400],
      ['GET', 'api/explain?url=ftp://x/', undefined, 400],
      ['GET', 'api/explain?url=/&user=nobody', undefined, 400],
      ['GET', 'api/nothing', undefined, 404],
      ['DELETE', 'api/stats', undefined, 405],
    ];
    for (const [method, route, body, status] of cases) {
      const answer = await site.api(method, route, body);
      expect(answer.status, `${method} ${route}`).toBe(status);
      expect(answer.json<AdminErrorBody>().error.code).toMatch(/^ERR_CACHESET_ADMIN_/);
    }
    const notJson = await adminRequest(`${site.admin}api/purge`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/json',
      },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
  });
});

describe('createAdmin', () => {
  it('refuses bad options naming the option', async () => {
    const { createAdmin } = await import('@cacheset/admin');
    const caching = { engine: {}, prepareExplain() {}, setPolicy() {} } as never;
    const attempt = (options: object) => () =>
      createAdmin({ caching, token: 'a-token-of-16-characters', ...options } as never);
    expect(attempt({ token: 'short' })).toThrow(/token must be a string of at least 16 characters/);
    expect(attempt({ mountPath: 'admin' })).toThrow(/mountPath must be a path like '\/_cacheset\/'/);
    expect(attempt({ mountpath: '/x/' })).toThrow(/unknown option 'mountpath'. Did you mean "mountPath"/);
    expect(attempt({ ram: {} })).toThrow(/ram must be a RamCacheManager/);
    expect(attempt({ loginBackoff: { firstMs: 0 } })).toThrow(/loginBackoff.firstMs/);
  });
});
