import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsCache } from '@cacheset/fs';
import { DUMP_CONTENT_TYPES } from '../caching/dumpContentTypes.js';
import type { DemoSettings } from '../config/DemoSettings.js';
import { packagePath } from '../config/packagePath.js';
import { demoError, DemoErrorCodes } from '../domain/DemoErrorCodes.js';
import { ChildServer, findBinary } from './ChildServer.js';
import { freePort } from './freePort.js';
import type { StackShape } from './StackShape.js';
import { startNginx, startRedis, startVarnish } from './startProxies.js';

/** What `npm run stack -- --apps 3 --varnish 2 --redis` runs, each server a process of its own. */
export interface Fleet {
  /** The application processes, in start order (the first seeded the database). */
  readonly apps: ChildServer[];
  readonly varnish: ChildServer[];
  readonly nginx: ChildServer;
  /** Undefined when REDIS_URL (or REDIS_CLUSTER_NODES) names a Redis of the user's. */
  redis: ChildServer | undefined;
  /** The Redis URL, or the cluster's seed nodes separated by commas. */
  readonly redisUrl: string;
  /** The shared disk dump's folder, which nginx serves. */
  readonly dumpRoot: string;
  /** The settings every application process got, as environment variables. */
  readonly appEnv: Readonly<Record<string, string>>;
  readonly summary: string;
  stop(): Promise<void>;
}

/** Longest first start of an application process: on an empty data folder it draws the seed images. */
const APP_START_MS = 180_000;

function need(name: string, install: string): string {
  const path = findBinary(name);
  if (path === undefined)
    throw demoError(
      DemoErrorCodes.INVALID_SETTINGS,
      `npm run stack with several applications or proxies needs ${name} (${install}).`,
      { binary: name },
    );
  return path;
}

/**
 * Several application processes (`packages/demo/dist/main.js`) sharing one data folder (SQLite in WAL
 * mode), one disk dump and one Redis, behind nginx, which serves the dump and balances the rest
 * across them; in front, Varnish instances with the shipped VCL, whose backend is nginx. Every
 * application purges every Varnish instance (in the synchronous mode when `PURGE_SYNC` says so).
 * Stopped by pid: Varnish, nginx, the applications, then Redis.
 */
export async function runFleet(base: DemoSettings, shape: StackShape): Promise<Fleet> {
  const binaries = {
    nginx: need('nginx', 'apt-get install nginx'),
    varnishd: shape.varnish > 0 ? need('varnishd', 'apt-get install varnish varnish-modules') : undefined,
    redis:
      base.redisUrl === undefined && base.redisClusterNodes === undefined
        ? need('redis-server', 'apt-get install redis-server')
        : undefined,
  };
  const dir = await mkdtemp(join(tmpdir(), 'cacheset-gallery-fleet-'));
  // nginx's and Varnish's workers run as their own users: they must be able to read what is here.
  await chmod(dir, 0o755);
  const started: ChildServer[] = [];
  try {
    const redis = binaries.redis === undefined ? undefined : await startRedis(binaries.redis, dir, await freePort());
    if (redis !== undefined) started.push(redis);
    const redisUrl = base.redisClusterNodes?.join(',') ?? base.redisUrl ?? `redis://127.0.0.1:${redis?.port ?? 0}`;
    const dumpRoot = base.dumpRoot.startsWith(base.dataDir) ? join(dir, 'dump') : base.dumpRoot;
    await mkdir(dumpRoot, { recursive: true, mode: 0o755 });
    await chmod(dumpRoot, 0o755);
    const varnishPorts: number[] = [];
    for (let i = 0; i < shape.varnish; i += 1) varnishPorts.push(await freePort());
    const appPorts: number[] = [];
    for (let i = 0; i < shape.apps; i += 1) appPorts.push(await freePort());
    const proxies = [
      ...base.purgeProxies.map((p) => (p.kind === 'nginx' ? `nginx=${p.url}` : p.url)),
      ...varnishPorts.map((port) => `http://127.0.0.1:${port}`),
    ];
    // Without PUBLIC_URL each Varnish is purged under its own Host, the one its visitors send here.
    const appEnv: Record<string, string> = {
      HOST: '127.0.0.1',
      CACHESET_DATA_DIR: base.dataDir,
      DUMP_ROOT: dumpRoot,
      ...(base.redisClusterNodes === undefined ? { REDIS_URL: redisUrl } : { REDIS_CLUSTER_NODES: redisUrl }),
      PURGE_PROXIES: proxies.join(','),
      PURGE_SYNC: String(base.purgeSync),
      PURGE_SYNC_TIMEOUT_MS: String(base.purgeSyncTimeoutMs),
      ...(base.editorToken === undefined ? {} : { DEMO_EDITOR_TOKEN: base.editorToken }),
      ...(base.publicUrl === undefined ? {} : { PUBLIC_URL: base.publicUrl }),
      CACHESET_DEMO_CONFIG: '',
    };
    const main = packagePath('dist/main.js');
    const startApp = (index: number): Promise<ChildServer> => {
      const port = appPorts[index] as number;
      return ChildServer.start(
        `app ${index + 1}`,
        process.execPath,
        [main],
        port,
        { ...appEnv, PORT: String(port) },
        APP_START_MS,
      );
    };
    // The first one alone: it creates and seeds the database the others open.
    const apps = [await startApp(0)];
    started.push(...apps);
    const rest = await Promise.all(appPorts.slice(1).map((_, i) => startApp(i + 1)));
    apps.push(...rest);
    started.push(...rest);

    const dump = await FsCache.open({ root: dumpRoot, contentTypes: DUMP_CONTENT_TYPES });
    const nginx = await startNginx(binaries.nginx, dir, await freePort(), dump, appPorts);
    await dump.close();
    started.push(nginx);
    const varnish: ChildServer[] = [];
    for (const [i, port] of varnishPorts.entries()) {
      const instance = await startVarnish(binaries.varnishd as string, join(dir, `varnish-${i + 1}`), port, nginx.port);
      varnish.push(instance);
      started.push(instance);
    }

    const line = (name: string, url: string, what: string, server?: ChildServer): string =>
      `  ${name.padEnd(10)} ${url.padEnd(26)} ${what}${server?.pid === undefined ? '' : ` (pid ${server.pid})`}`;
    const summary = [
      `cacheset gallery stack: ${shape.apps} application processes, ${shape.varnish} Varnish, nginx, Redis`,
      ...varnish.map((v, i) =>
        line(
          `Varnish ${i + 1}`,
          `http://127.0.0.1:${v.port}/`,
          'the shipped VCL, backend nginx; purged by every app',
          v,
        ),
      ),
      line(
        'nginx',
        `http://127.0.0.1:${nginx.port}/`,
        'the shared disk dump first, else balanced across the apps',
        nginx,
      ),
      ...apps.map((a, i) => line(`app ${i + 1}`, `http://127.0.0.1:${a.port}/`, 'the gallery', a)),
      line('Redis', redisUrl, redis === undefined ? 'the shared RAM tier (yours)' : 'the shared RAM tier', redis),
      '',
      `  data:       ${base.dataDir} (shared by every app; the editor token is kept there)`,
      `  purging:    ${base.purgeSync ? `synchronous (edits wait up to ${base.purgeSyncTimeoutMs} ms)` : 'after each edit'}`,
      'Press Ctrl-C to stop them all.',
    ].join('\n');
    const fleet: Fleet = {
      apps,
      varnish,
      nginx,
      redis,
      redisUrl,
      dumpRoot,
      appEnv,
      summary,
      async stop() {
        await Promise.all(fleet.varnish.map((v) => v.stop()));
        await fleet.nginx.stop();
        await Promise.all(fleet.apps.map((a) => a.stop()));
        await fleet.redis?.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return fleet;
  } catch (error) {
    await Promise.all(started.reverse().map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
