import { EventBus, Purge, runInUnitOfWork } from '@cacheset/core';
import { createPurger, type Purger } from '@cacheset/purge';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers, NGINX_CACHE_PURGE_MODULE } from './support/binaries.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Nginx } from './support/nginx.js';
import { Page, PurgeApp, pageContainer } from './support/purgeApp.js';
import { deliveredAfterUnits } from './support/purgeWait.js';

/**
 * nginx's proxy cache with ngx_cache_purge (Debian's libnginx-mod-http-cache-purge), set up as
 * docs/purge.md says: the cache key is `$host$request_uri`, and the purge location takes the key from
 * the raw request URI through a `map`, so that percent-encoded paths and query strings purge the very
 * key they were cached under. (Debian ships FRiCKLE's ngx_cache_purge 2.3, whose same-location
 * method form, `proxy_cache_purge PURGE from ...`, crashes the worker on nginx 1.11.6 and later
 * (FRiCKLE/ngx_cache_purge#68), so the location form is the one that can be tested here.)
 */
function nginxHttp(appPort: number) {
  return (port: number, dir: string): string => `
    proxy_cache_path ${dir}/cache levels=1:2 keys_zone=cacheset:4m max_size=64m;
    map $request_uri $cacheset_purge_uri {
        "~^/purge(?<rest>/.*)$" $rest;
    }
    server {
        listen 127.0.0.1:${port};
        location / {
            proxy_pass http://127.0.0.1:${appPort};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache cacheset;
            proxy_cache_key $host$request_uri;
            add_header X-Cache $upstream_cache_status always;
        }
        location /purge/ {
            allow 127.0.0.1;
            deny all;
            proxy_cache_purge cacheset $host$cacheset_purge_uri;
        }
    }`;
}

describeWithServers(
  '@cacheset/purge against a real nginx with ngx_cache_purge',
  ['nginx', NGINX_CACHE_PURGE_MODULE],
  () => {
    const bus = new EventBus();
    const container = pageContainer();
    let app: PurgeApp;
    let nginx: Nginx;
    /** Purges what the bus's Purge events name, with GET /purge/<path>. */
    let purger: Purger;
    /** The same proxy, driven by hand (purgeNow); it listens to no bus. */
    let manual: Purger;
    let units = 0;

    const pages = {
      edited: new Page(1, 'edited', 'Edited'),
      located: new Page(2, 'located', 'Located'),
      unicode: new Page(3, 'töst file', 'Unicode'),
      tagged: new Page(4, 'tagged', 'Tagged', ['gallery-7']),
      untouched: new Page(5, 'untouched', 'Untouched'),
    };

    const get = (path: string): Promise<RawResponse> => rawRequest(`${nginx.url}${path}`);
    const post = (path: string): Promise<RawResponse> =>
      rawRequest(`http://127.0.0.1:${app.port}${path}`, { method: 'POST' });

    async function expectHit(path: string, decodedPath: string): Promise<void> {
      const before = app.renders(decodedPath);
      const response = await get(path);
      expect([response.status, response.headers['x-cache']], `${path}: a hit`).toEqual([200, 'HIT']);
      expect(app.renders(decodedPath), `${path} did not reach the app`).toBe(before);
    }

    async function expectReachesApp(path: string, decodedPath: string): Promise<RawResponse> {
      const before = app.renders(decodedPath);
      const response = await get(path);
      expect(response.headers['x-cache'], `${path}: not a hit`).not.toBe('HIT');
      expect(app.renders(decodedPath), `${path} reached the app`).toBe(before + 1);
      return response;
    }

    beforeAll(async () => {
      app = await PurgeApp.start({ bus, container });
      for (const page of Object.values(pages)) app.add(page);
      nginx = await Nginx.start({ main: `load_module ${NGINX_CACHE_PURGE_MODULE};`, http: nginxHttp(app.port) });
      const proxy = { url: `${nginx.url}/purge`, kind: 'nginx', purgeMethod: 'GET' } as const;
      purger = createPurger({ proxies: [proxy], container, bus });
      manual = createPurger({ proxies: [proxy], container, bus: false });
      for (const page of Object.values(pages)) {
        for (const path of [
          `/pages/${encodeURIComponent(page.slug)}`,
          `/pages/${encodeURIComponent(page.slug)}/view`,
        ]) {
          const first = await get(path);
          expect([first.status, first.headers['x-cache']], path).toEqual([200, 'MISS']);
          expect((await get(path)).headers['x-cache'], `${path} is cached by nginx`).toBe('HIT');
        }
      }
    }, 30_000);

    afterAll(async () => {
      await purger?.close({ timeoutMs: 1_000 });
      await manual?.close({ timeoutMs: 1_000 });
      await nginx?.stop();
      await app?.stop();
    });

    it('drops the cached pages of an edited object after its response; the next request reaches the app', async () => {
      await expectHit('/pages/edited', '/pages/edited');
      expect((await post('/pages/edited/edit')).status).toBe(200);
      await deliveredAfterUnits(purger, (units += 1));
      const fresh = await expectReachesApp('/pages/edited', '/pages/edited');
      expect(fresh.text).toContain('Edited*');
      await expectReachesApp('/pages/edited/view', '/pages/edited/view');
      const sent = purger.history().filter((r) => r.target.startsWith('/pages/edited'));
      expect(sent.map((r) => [r.method, r.url, r.outcome, r.status])).toEqual(
        expect.arrayContaining([
          ['GET', `${nginx.url}/purge/pages/edited`, 'succeeded', 200],
          ['GET', `${nginx.url}/purge/pages/edited/view`, 'succeeded', 200],
        ]),
      );
      await expectHit('/pages/untouched', '/pages/untouched');
    });

    it('a purge of a page nginx does not hold is answered 404 and counts as done', async () => {
      const report = await manual.purgeNow({ paths: ['/pages/never-cached'] });
      expect(report.records.map((r) => [r.method, r.status, r.outcome])).toEqual([['GET', 404, 'succeeded']]);
      expect(report.ok).toBe(true);
    });

    it('purges by hand (purgeNow) under the same cache key', async () => {
      await expectHit('/pages/located', '/pages/located');
      const report = await manual.purgeNow({ paths: ['/pages/located', '/pages/located/view'] });
      expect(report.records.map((r) => [r.method, r.url, r.status, r.outcome])).toEqual([
        ['GET', `${nginx.url}/purge/pages/located`, 200, 'succeeded'],
        ['GET', `${nginx.url}/purge/pages/located/view`, 200, 'succeeded'],
      ]);
      await expectReachesApp('/pages/located', '/pages/located');
      await expectReachesApp('/pages/located/view', '/pages/located/view');
    });

    it('percent-encodes the path as browsers send it, so the purge key is the cached request URI', async () => {
      const path = '/pages/t%C3%B6st%20file';
      await expectHit(path, '/pages/töst file');
      await runInUnitOfWork(() => bus.notify(new Purge(pages.unicode)));
      await purger.flush();
      expect(purger.history().find((r) => r.target === path)?.url).toBe(`${nginx.url}/purge${path}`);
      expect(purger.history().find((r) => r.target === path)?.status).toBe(200);
      await expectReachesApp(path, '/pages/töst file');
    });

    it('purges a URL with a query string under its cached key', async () => {
      const path = '/pages/untouched?page=2&q=a%20b';
      expect((await get(path)).headers['x-cache']).toBe('MISS');
      await expectHit(path, '/pages/untouched');
      const report = await manual.purgeNow({ absolutePaths: [path] });
      expect(report.records.map((r) => [r.url, r.status])).toEqual([[`${nginx.url}/purge${path}`, 200]]);
      await expectReachesApp(path, '/pages/untouched');
    });

    it('tags cannot reach nginx: they are recorded as unsupported, never sent, and the paths are still purged', async () => {
      await expectHit('/pages/tagged', '/pages/tagged');
      await runInUnitOfWork(() => bus.notify(new Purge(pages.tagged)));
      const report = await purger.flush();
      const tagRecords = purger.history().filter((r) => r.type === 'tags' && r.target.includes('gallery-7'));
      expect(tagRecords.length).toBeGreaterThan(0);
      expect(tagRecords.every((r) => r.outcome === 'unsupported' && r.firstSentAt === undefined)).toBe(true);
      expect(report.failed).toBe(0);
      await expectReachesApp('/pages/tagged', '/pages/tagged');
      await expectHit('/pages/untouched/view', '/pages/untouched/view');
    });
  },
);
