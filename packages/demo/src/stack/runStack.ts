import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoSettings } from '../config/DemoSettings.js';
import { describeSite } from '../server/describeSite.js';
import { startSite, type RunningSite } from '../server/startSite.js';
import { ChildServer, findBinary } from './ChildServer.js';
import { freePort } from './freePort.js';
import { startNginx, startRedis, startVarnish } from './startProxies.js';

export interface Stack {
  readonly site: RunningSite;
  readonly varnish: ChildServer | undefined;
  readonly nginx: ChildServer | undefined;
  readonly redis: ChildServer | undefined;
  /** What to print: every layer's address and pid, and what was left out. */
  readonly summary: string;
  stop(): Promise<void>;
}

const INSTALL: Readonly<Record<string, string>> = {
  varnishd: 'apt-get install varnish varnish-modules',
  nginx: 'apt-get install nginx',
  'redis-server': 'apt-get install redis-server',
};

/**
 * The site with what is installed in front of it, each on a free loopback port with its own
 * temporary folder: Redis for the shared RAM tier, nginx serving the disk dump (falling back to the
 * site), and Varnish with the shipped VCL, which the site purges on every edit.
 */
export async function runStack(base: DemoSettings, log: (line: string) => void = console.log): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'cacheset-gallery-stack-'));
  // nginx's and Varnish's workers run as their own users: they must be able to read what is here.
  await chmod(dir, 0o755);
  const binaries = { varnishd: findBinary('varnishd'), nginx: findBinary('nginx'), redis: findBinary('redis-server') };
  const missing = Object.entries({ varnishd: binaries.varnishd, nginx: binaries.nginx, 'redis-server': binaries.redis })
    .filter(([, path]) => path === undefined)
    .map(([name]) => `${name} is not installed (${INSTALL[name] ?? name}): running without it.`);
  for (const line of missing) log(`cacheset gallery stack: ${line}`);

  const started: ChildServer[] = [];
  let site: RunningSite | undefined;
  try {
    const redis =
      base.redisUrl === undefined && base.redisClusterNodes === undefined && binaries.redis !== undefined
        ? await startRedis(binaries.redis, dir, await freePort())
        : undefined;
    if (redis !== undefined) started.push(redis);
    const varnishPort = binaries.varnishd === undefined ? undefined : await freePort();
    const varnishUrl = varnishPort === undefined ? undefined : `http://127.0.0.1:${varnishPort}`;
    const settings: DemoSettings = {
      ...base,
      port: await freePort(),
      redisUrl: base.redisUrl ?? (redis === undefined ? undefined : `redis://127.0.0.1:${redis.port}`),
      dumpRoot: base.dumpRoot.startsWith(base.dataDir) ? join(dir, 'dump') : base.dumpRoot,
      purgeProxies:
        varnishUrl === undefined ? base.purgeProxies : [...base.purgeProxies, { url: varnishUrl, kind: 'varnish' }],
      publicUrl: base.publicUrl ?? varnishUrl,
    };
    site = await startSite(settings);
    const appPort = Number(new URL(site.url).port);
    const nginx =
      binaries.nginx === undefined
        ? undefined
        : await startNginx(binaries.nginx, dir, await freePort(), site.site.stack.dump, appPort);
    if (nginx !== undefined) started.push(nginx);
    const varnish =
      binaries.varnishd === undefined || varnishPort === undefined
        ? undefined
        : await startVarnish(binaries.varnishd, dir, varnishPort, appPort);
    if (varnish !== undefined) started.push(varnish);

    const line = (name: string, url: string, what: string, server?: ChildServer): string =>
      `  ${name.padEnd(8)} ${url.padEnd(26)} ${what}${server?.pid === undefined ? '' : ` (pid ${server.pid})`}`;
    const summary = [
      'cacheset gallery stack',
      ...(varnish === undefined
        ? []
        : [line('Varnish', `http://127.0.0.1:${varnish.port}/`, 'the shipped VCL; purged on every edit', varnish)]),
      ...(nginx === undefined
        ? []
        : [line('nginx', `http://127.0.0.1:${nginx.port}/`, 'the disk dump first (try_files), else the site', nginx)]),
      line('site', site.url, `the gallery itself (pid ${process.pid})`),
      ...(redis === undefined ? [] : [line('Redis', `redis://127.0.0.1:${redis.port}`, 'the shared RAM tier', redis)]),
      '',
      describeSite(site).replace('Press Ctrl-C to stop.', 'Press Ctrl-C to stop them all.'),
    ].join('\n');
    const running = site;
    return {
      site: running,
      varnish,
      nginx,
      redis,
      summary,
      async stop() {
        await Promise.all([varnish?.stop(), nginx?.stop()]);
        await running.close();
        await redis?.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    await site?.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
