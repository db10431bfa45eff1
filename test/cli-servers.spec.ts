/**
 * The `cacheset` executable against real servers: nginx and Varnish accept the configuration it
 * generates and serve the gallery with it, and `cacheset warm` fills the layers so that the next
 * requests hit.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { serverConfigOf } from '@cacheset/fs';
import { SESSION_COOKIE } from '@cacheset/demo';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers, findBinary } from './support/binaries.js';
import { cacheset } from './support/cliRun.js';
import { startDemo, type Demo } from './support/demo.js';
import { freePort } from './support/freePort.js';
import { rawRequest } from './support/httpRequest.js';
import { Nginx } from './support/nginx.js';
import { waitUntil } from './support/purgeWait.js';
import { Varnish } from './support/varnish.js';

async function vclAccepted(vcl: string): Promise<{ status: number | null; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'cacheset-cli-vcl-'));
  // varnishd drops root privileges before reading the VCL.
  await chmod(dir, 0o755);
  try {
    const file = join(dir, 'default.vcl');
    await writeFile(file, vcl);
    const result = spawnSync(findBinary('varnishd') ?? 'varnishd', ['-C', '-f', file, '-n', join(dir, 'work')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: result.status, output: result.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describeWithServers('cacheset nginx-config and varnish-vcl with the real servers', ['nginx', 'varnishd'], () => {
  let demo: Demo;
  let appPort: number;
  let varnish: Varnish | undefined;
  let nginx: Nginx | undefined;
  let work: string;

  beforeAll(async () => {
    demo = await startDemo({ images: 4 });
    appPort = Number(new URL(demo.base).port);
    work = await mkdtemp(join(tmpdir(), 'cacheset-cli-warm-'));
  });

  afterAll(async () => {
    await nginx?.stop();
    await varnish?.stop();
    await demo?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('varnishd -C compiles the generated VCL, with and without xkey', async () => {
    for (const extra of [[], ['--no-xkey'], ['--purger', '192.168.0.0/16', '--purger', 'localhost']]) {
      const run = await cacheset(['varnish-vcl', '--backend', `127.0.0.1:${appPort}`, ...extra]);
      expect(run.status).toBe(0);
      const compiled = await vclAccepted(run.stdout);
      expect(compiled.status, `${extra.join(' ')}: ${compiled.output}`).toBe(0);
    }
  });

  it('nginx -t accepts the generated configuration', async () => {
    const root = serverConfigOf(demo.running.site.stack.dump).root;
    for (const extra of [[], ['--gzip', '--query-variants', '--bypass-cookie', SESSION_COOKIE, '--disable-symlinks']]) {
      const run = await cacheset([
        'nginx-config',
        '--root',
        root,
        '--app',
        `127.0.0.1:${appPort}`,
        '--listen',
        '127.0.0.1:8099',
        ...extra,
      ]);
      expect(run.status).toBe(0);
      const checked = await Nginx.check(run.stdout);
      expect(checked.ok, checked.output).toBe(true);
    }
  });

  it('the generated VCL serves the gallery: a miss, then a hit', async () => {
    const run = await cacheset(['varnish-vcl', '--backend', `127.0.0.1:${appPort}`]);
    varnish = await Varnish.start({ vcl: run.stdout, backendPort: appPort });
    const page = `${varnish.url}/`;
    const first = await rawRequest(page);
    expect(first.status).toBe(200);
    expect(first.text).toContain('<html');
    expect(first.headers['x-cache']).toBe('MISS');
    expect((await rawRequest(page)).headers['x-cache']).toBe('HIT');
  });

  it('the generated nginx configuration serves dumped pages from disk and the rest from the app', async () => {
    const root = serverConfigOf(demo.running.site.stack.dump).root;
    const port = await freePort();
    const run = await cacheset([
      'nginx-config',
      '--root',
      root,
      '--app',
      `127.0.0.1:${appPort}`,
      '--listen',
      `127.0.0.1:${port}`,
      '--bypass-cookie',
      SESSION_COOKIE,
    ]);
    expect(run.status).toBe(0);
    nginx = await Nginx.start({ http: run.stdout, port });
    const image = demo.running.site.gallery.newest(1)[0];
    if (image === undefined) throw new Error('the demo has no image');
    const thumb = `${nginx.url}/data/${image.id}/thumb`;
    const first = await rawRequest(thumb);
    expect(first.status).toBe(200);
    await waitUntil('the thumbnail served from its file', async () => {
      const again = await rawRequest(thumb);
      return again.status === 200 && again.headers['x-cache-rule'] === undefined;
    });
    const fromApp = await rawRequest(`${nginx.url}/login`);
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers['x-cache-rule']).toBeDefined();
  });

  it('cacheset warm fills the caches: the next requests hit and nothing renders again', async () => {
    const images = demo.running.site.gallery.newest(3);
    const paths = ['/feed.json', ...images.map((i) => `/images/${i.slug}`)];
    const list = join(work, 'urls.txt');
    await writeFile(list, `# warmed by the test\n${paths.join('\n')}\n`);
    const warmed = await cacheset(['warm', list, '--base', demo.base, '--concurrency', '2']);
    expect(warmed.status, warmed.stderr).toBe(0);
    expect(warmed.stdout).toContain(`warmed ${paths.length} of ${paths.length} URLs`);
    expect(warmed.stdout).toContain(`statuses: 200 ${paths.length}`);
    expect(warmed.stdout.split('\n').filter((l) => l.startsWith('200 http://'))).toHaveLength(paths.length);
    const renders = paths.map((p) => demo.renders(p));
    for (const path of paths) {
      const next = await demo.get(path);
      expect(next.status).toBe(200);
      expect(next.headers['cache-status'] ?? '', path).toMatch(/; hit/);
    }
    expect(paths.map((p) => demo.renders(p))).toEqual(renders);

    const again = await cacheset(['warm', list, '--base', demo.base, '--json']);
    const json = JSON.parse(again.stdout) as {
      statuses: Record<string, number>;
      caches: Record<string, { hit: number; miss: number }>;
    };
    expect(json.statuses).toEqual({ '200': paths.length });
    expect(json.caches.cacheset).toEqual({ hit: paths.length, miss: 0 });
  });

  it('cacheset warm through Varnish fills it too', async () => {
    if (varnish === undefined) throw new Error('Varnish did not start');
    const image = demo.running.site.gallery.newest(4)[3];
    if (image === undefined) throw new Error('the demo has too few images');
    const list = join(work, 'varnish.txt');
    await writeFile(list, `${varnish.url}/images/${image.slug}\n${varnish.url}/data/${image.id}\n`);
    const warmed = await cacheset(['warm', list]);
    expect(warmed.status, warmed.stderr).toBe(0);
    expect(warmed.stdout).toContain('X-Cache: 0 hit, 2 miss');
    for (const path of [`/images/${image.slug}`, `/data/${image.id}`])
      expect((await rawRequest(`${varnish.url}${path}`)).headers['x-cache'], path).toBe('HIT');
  });

  it('a --url where no admin is mounted is a failure (1) saying what to check', async () => {
    const run = await cacheset(['explain', '/', '--url', `${demo.base}/no-admin-here/`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `cacheset: ${demo.base}/no-admin-here/api/explain?url=%2F&method=GET answered 404 with something that is not JSON; does --url point at the admin mount? [ERR_CACHESET_CLI_ADMIN_UNREACHABLE]\n`,
    );
  });

  it('cacheset warm stops starting requests at --max-time and says how many were left', async () => {
    const list = join(work, 'many.txt');
    await writeFile(list, Array.from({ length: 20 }, (_, i) => `/images/none-${i}`).join('\n'));
    const run = await cacheset([
      'warm',
      list,
      '--base',
      demo.base,
      '--concurrency',
      '1',
      '--max-time',
      '0.001',
      '--json',
    ]);
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { total: number; requested: number; skipped: number };
    expect(json.total).toBe(20);
    expect(json.skipped).toBeGreaterThan(0);
    expect(json.requested + json.skipped).toBe(20);
    expect(run.stderr).toMatch(/were not requested; see the lines above \[ERR_CACHESET_CLI_WARM_INCOMPLETE\]\n$/);
  });

  it('cacheset warm reports failed URLs and exits 1', async () => {
    const list = join(work, 'missing.txt');
    await writeFile(list, `/no/such/page\n/\n`);
    const run = await cacheset(['warm', list, '--base', demo.base]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^404 http:\/\/127\.0\.0\.1:\d+\/no\/such\/page /m);
    expect(run.stderr).toBe(
      'cacheset: 1 URL failed and 0 were not requested; see the lines above [ERR_CACHESET_CLI_WARM_INCOMPLETE]\n',
    );
  });
});
