/**
 * The same story with the shared RAM tier in a real Redis, Varnish (the shipped VCL) and nginx
 * (serving the disk dump with try_files) in front of the gallery, all started by the test: every
 * layer shows an edit on the next request, a flagged image's placeholder at once, a deleted image
 * nowhere; and no layer ever gives an editor's response to an anonymous visitor.
 */
import { existsSync } from 'node:fs';
import { nginxConfig, serverConfigOf } from '@cacheset/fs';
import { placeholderImages, shippedVcl, SESSION_COOKIE, type Image } from '@cacheset/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { startDemo, type Demo } from './support/demo.js';
import { freePort } from './support/freePort.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { Nginx } from './support/nginx.js';
import { waitUntil } from './support/purgeWait.js';
import { RedisServer } from './support/redis.js';
import { Varnish } from './support/varnish.js';

describeWithServers('the gallery behind Redis, Varnish and nginx', ['redis-server', 'varnishd', 'nginx'], () => {
  let redis: RedisServer;
  let varnish: Varnish;
  let nginx: Nginx;
  let demo: Demo;
  let images: Image[];

  const viaVarnish = (path: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(`${varnish.url}${path}`, { headers });
  const viaNginx = (path: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(`${nginx.url}${path}`, { headers });
  /**
   * An edit through the API, then the wait for its proxy purges: they leave after the edit's
   * response, by design (the request is never slowed by purging), so the test waits for delivery.
   */
  const editAndPurge = async (edit: () => Promise<RawResponse>): Promise<RawResponse> => {
    const purger = demo.running.site.stack.purger;
    if (purger === undefined) throw new Error('the demo has no purger');
    const before = purger.statistics().unitsCommitted;
    const answer = await edit();
    await waitUntil('the edit’s unit of work committed', () => purger.statistics().unitsCommitted > before);
    await purger.flush();
    return answer;
  };
  const image = (index: number): Image => images[index] as Image;
  const served = (answer: RawResponse): 'file' | 'app' =>
    answer.headers['x-cache-rule'] === undefined ? 'file' : 'app';

  beforeAll(async () => {
    redis = await RedisServer.start();
    const varnishPort = await freePort();
    demo = await startDemo({
      images: 6,
      env: { REDIS_URL: redis.url, PURGE_PROXIES: `http://127.0.0.1:${varnishPort}` },
    });
    images = demo.running.site.gallery.newest(10);
    const appPort = Number(new URL(demo.base).port);
    varnish = await Varnish.start({ vcl: await shippedVcl(appPort), backendPort: appPort, port: varnishPort });
    nginx = await Nginx.start({
      http: (port) =>
        `proxy_hide_header xkey;\n${nginxConfig({
          ...serverConfigOf(demo.running.site.stack.dump),
          app: `127.0.0.1:${appPort}`,
          listen: `127.0.0.1:${port}`,
          bypassCookies: [SESSION_COOKIE],
        })}`,
    });
  });

  afterAll(async () => {
    await nginx?.stop();
    await varnish?.stop();
    await demo?.stop();
    await redis?.stop();
  });

  it('serves through every layer: Varnish hits, nginx files, RAM copies kept in Redis', async () => {
    const first = image(0);
    const page = `/images/${first.slug}`;
    expect((await viaVarnish(page)).headers['x-cache']).toBe('MISS');
    const hit = await viaVarnish(page);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers.xkey).toBeUndefined();
    await viaNginx(`/data/${first.id}/thumb`);
    await waitUntil(
      'the thumbnail served from its file',
      async () => served(await viaNginx(`/data/${first.id}/thumb`)) === 'file',
    );
    await viaVarnish('/');
    const ram = demo.running.site.stack.ram;
    await waitUntil('a response written to the Redis tier', () => (ram.statistics().redis?.writes ?? 0) > 0);
  });

  it('an edit is fresh on the next request in every layer, while an untouched image stays in Varnish', async () => {
    const edited = image(1);
    const untouched = image(5);
    const paths = ['/', '/feed.json', `/images/${edited.slug}`, `/data/${edited.id}`, `/data/${edited.id}/thumb`];
    for (const path of [...paths, `/images/${untouched.slug}`]) {
      await viaVarnish(path);
      await viaNginx(path);
    }
    await waitUntil(
      'the edited image’s page on disk',
      async () => served(await viaNginx(`/images/${edited.slug}`)) === 'file',
    );
    const lastModified = (await viaVarnish(`/data/${edited.id}`)).headers['last-modified'];
    const untouchedRenders = demo.renders(`/images/${untouched.slug}`);

    expect((await editAndPurge(() => demo.api('POST', edited.id, { title: 'Edited behind proxies' }))).status).toBe(
      200,
    );

    for (const path of ['/', '/feed.json', `/images/${edited.slug}`]) {
      expect((await viaVarnish(path)).text, `Varnish ${path}`).toContain('Edited behind proxies');
      expect((await viaNginx(path)).text, `nginx ${path}`).toContain('Edited behind proxies');
      expect((await demo.get(path)).text, `app ${path}`).toContain('Edited behind proxies');
    }
    for (const path of [`/data/${edited.id}`, `/data/${edited.id}/thumb`]) {
      const answer = await viaVarnish(path);
      expect(answer.headers['x-cache'], `Varnish ${path}`).toBe('MISS');
      expect(Date.parse(answer.headers['last-modified'] ?? '')).toBeGreaterThan(Date.parse(lastModified ?? ''));
    }
    const untouchedAgain = await viaVarnish(`/images/${untouched.slug}`);
    expect(untouchedAgain.headers['x-cache']).toBe('HIT');
    expect(demo.renders(`/images/${untouched.slug}`)).toBe(untouchedRenders);
  });

  it('a flagged image shows the placeholder through nginx and Varnish', async () => {
    const flagged = image(2);
    const url = `/data/${flagged.id}`;
    await viaNginx(url);
    await waitUntil('the image served from its file', async () => served(await viaNginx(url)) === 'file');
    await viaVarnish(url);
    expect((await viaVarnish(url)).headers['x-cache']).toBe('HIT');

    expect((await editAndPurge(() => demo.api('POST', flagged.id, { flagged: true }))).status).toBe(200);
    // The flag's response is sent only once the dumped files are deleted: nginx finds the new file at once.
    expect((await viaNginx(url)).body.equals(placeholderImages().full.bytes), 'nginx after the flag').toBe(true);
    expect((await viaVarnish(url)).body.equals(placeholderImages().full.bytes), 'Varnish').toBe(true);
    expect((await viaVarnish(`${url}/thumb`)).body.equals(placeholderImages().thumb.bytes)).toBe(true);
  });

  it('a deleted image is a 404 in every layer and leaves no dumped file', async () => {
    const removed = image(3);
    const paths = [`/images/${removed.slug}`, `/data/${removed.id}`, `/data/${removed.id}/thumb`];
    for (const path of paths) {
      await viaVarnish(path);
      await viaNginx(path);
    }
    await waitUntil('the page served from its file', async () => served(await viaNginx(paths[0] as string)) === 'file');
    expect((await editAndPurge(() => demo.api('DELETE', removed.id))).status).toBe(204);
    for (const path of paths) {
      expect((await viaNginx(path)).status, `nginx ${path}`).toBe(404);
      expect((await viaVarnish(path)).status, `Varnish ${path}`).toBe(404);
      expect((await viaVarnish(path)).status, `Varnish ${path}, again`).toBe(404);
      expect((await demo.get(path)).status, `app ${path}`).toBe(404);
    }
    const root = demo.settings.dumpRoot;
    await waitUntil('no dumped file left', () =>
      [
        `images/${removed.slug}.html`,
        `data/${removed.id}.png`,
        `data/${removed.id}.jpg`,
        `data/${removed.id}/thumb.png`,
      ].every((file) => !existsSync(`${root}/${file}`)),
    );
  });

  it('never serves a logged-in editor’s response to an anonymous visitor, from any layer', async () => {
    const cookie = await demo.login();
    const target = image(4);
    const paths = ['/', `/images/${target.slug}`, '/feed.json', `/data/${target.id}`];
    // The editor asks first: if any layer kept the editor's copy, the anonymous requests below would get it.
    for (const path of paths) {
      for (const get of [viaVarnish, viaNginx, demo.get]) {
        const answer = await get(path, { cookie });
        expect(answer.status, path).toBe(200);
        expect(answer.headers['cache-control'], path).toContain('private');
        if (path !== '/feed.json' && !path.startsWith('/data/')) expect(answer.text, path).toContain('Log out');
      }
    }
    expect((await viaVarnish(`/images/${target.slug}`, { cookie })).text).toContain('Edit this image');
    for (const path of paths) {
      for (const [layer, get] of [
        ['Varnish', viaVarnish],
        ['nginx', viaNginx],
        ['app', demo.get],
      ] as const) {
        const answer = await get(path, {});
        expect(answer.text, `${layer} ${path}`).not.toContain('Log out');
        expect(answer.text, `${layer} ${path}`).not.toContain('Edit this image');
        expect(answer.headers['cache-control'], `${layer} ${path}`).not.toContain('private');
      }
    }
  });

  describe('the dumped file is gone before the flag’s response finishes', () => {
    it('serves the placeholder through nginx on the request right after the flag', async () => {
      const flagged = image(4);
      const url = `/data/${flagged.id}`;
      await viaNginx(url);
      await waitUntil('the image served from its file', async () => served(await viaNginx(url)) === 'file');
      expect((await demo.api('POST', flagged.id, { flagged: true })).status).toBe(200);
      expect((await viaNginx(url)).body.equals(placeholderImages().full.bytes)).toBe(true);
    });
  });
});
