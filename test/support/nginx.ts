import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { freePort } from './freePort.js';
import { ServerProcess } from './ServerProcess.js';
import { EventBus, OperationRegistry, RulesetRegistry, type PolicyData } from '@cacheset/core';
import { createHttpCaching, registerHttpOperations, type HttpCaching } from '@cacheset/http';
import {
  createFsCacheOperation,
  FsCache,
  nginxConfig,
  serverConfigOf,
  subscribePurges,
  type FsCacheOptions,
  type ServerConfigOptions,
} from '@cacheset/fs';
import { Container } from 'inversify';

export interface NginxOptions {
  /**
   * The text for the http {} context (upstreams, maps, server blocks). `${PORT}` is replaced with the
   * port nginx listens on (a fresh free one unless `port` is given), `${DIR}` with nginx's own
   * temporary directory (for a `proxy_cache_path`).
   */
  readonly http: string | ((port: number, dir: string) => string);
  /** Lines for the main context, before `events {}` (`load_module ...;`). */
  readonly main?: string;
  readonly port?: number;
  /** Worker processes. Default 1. */
  readonly workers?: number;
}

/**
 * A real nginx in the foreground (`-g 'daemon off;'`) with its own prefix directory (pid file, error
 * log, temp paths) in a temporary directory, listening on 127.0.0.1. When the tests run as root, the
 * workers run as nginx's default unprivileged user, so the files they serve must be world-readable,
 * as in production.
 */
export class Nginx {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly #process: ServerProcess;

  private constructor(port: number, dir: string, process: ServerProcess) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.dir = dir;
    this.#process = process;
  }

  /** Runs `nginx -t` on a configuration (the http {} context text): whether nginx accepts it, and what it said. */
  static async check(http: string): Promise<{ readonly ok: boolean; readonly output: string }> {
    const nginx = findBinary('nginx');
    if (nginx === undefined) throw new Error('nginx is not installed (apt-get install -y nginx)');
    const dir = await Nginx.#prefix();
    try {
      const configPath = join(dir, 'nginx.conf');
      await writeFile(configPath, Nginx.#config(dir, http, 1));
      const result = spawnSync(
        nginx,
        ['-t', '-q', '-p', dir, '-c', configPath, '-e', join(dir, 'logs', 'startup.log')],
        { encoding: 'utf8', timeout: 15_000 },
      );
      return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  static async #prefix(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'cacheset-nginx-'));
    await chmod(dir, 0o755);
    for (const sub of ['logs', 'temp', 'temp/client', 'temp/proxy', 'temp/fastcgi', 'temp/uwsgi', 'temp/scgi'])
      await mkdir(join(dir, sub), { recursive: true });
    return dir;
  }

  static #config(dir: string, http: string, workers: number, main = ''): string {
    return `${main}
worker_processes ${workers};
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'logs', 'error.log')} warn;
events {
    worker_connections 1024;
}
http {
    access_log off;
    client_body_temp_path ${join(dir, 'temp', 'client')};
    proxy_temp_path ${join(dir, 'temp', 'proxy')};
    fastcgi_temp_path ${join(dir, 'temp', 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'temp', 'uwsgi')};
    scgi_temp_path ${join(dir, 'temp', 'scgi')};
    sendfile on;
    keepalive_requests 100000;
${http}
}
`;
  }

  static async start(options: NginxOptions): Promise<Nginx> {
    const nginx = findBinary('nginx');
    if (nginx === undefined) throw new Error('nginx is not installed (apt-get install -y nginx)');
    const dir = await Nginx.#prefix();
    const port = options.port ?? (await freePort());
    const http =
      typeof options.http === 'function'
        ? options.http(port, dir)
        : options.http.replaceAll('${PORT}', String(port)).replaceAll('${DIR}', dir);
    const configPath = join(dir, 'nginx.conf');
    await writeFile(configPath, Nginx.#config(dir, http, options.workers ?? 1, options.main));
    try {
      const process = await ServerProcess.start({
        name: 'nginx',
        command: nginx,
        args: ['-p', dir, '-c', configPath, '-e', join(dir, 'logs', 'startup.log'), '-g', 'daemon off;'],
        port,
      });
      return new Nginx(port, dir, process);
    } catch (error) {
      const log = await readFile(join(dir, 'logs', 'error.log'), 'utf8').catch(() => '');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log}`, { cause: error });
    }
  }

  get output(): string {
    return this.#process.output;
  }

  /** nginx's error log so far (for failure messages). */
  async errorLog(): Promise<string> {
    return readFile(join(this.dir, 'logs', 'error.log'), 'utf8').catch(() => '');
  }

  async stop(): Promise<void> {
    await this.#process.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// A whole site for the @cacheset/fs tests: an FsCache, a node:http application running the policy
// through @cacheset/http with the fsCache operation, and nginx in front with the generated config.

export interface FsSiteOptions {
  /** FsCache options besides the root (a fresh temporary directory). */
  readonly cache?: Omit<FsCacheOptions, 'root'>;
  readonly policy: PolicyData;
  /** Builds the application's handler once the caching layer exists. */
  readonly app: (
    caching: HttpCaching,
    site: { readonly container: Container },
  ) => (req: IncomingMessage, res: ServerResponse) => void;
  /** Generator options besides root, app and listen. */
  readonly server?: Omit<ServerConfigOptions, 'root' | 'app' | 'listen'>;
  /** Where Purge events come from. Default: a fresh bus. */
  readonly bus?: EventBus;
  /** Runs after the caching layer is built and before nginx starts (to set the static Cache-Control...). */
  readonly configure?: (parts: { readonly cache: FsCache; readonly caching: HttpCaching }) => Promise<void>;
  /** Change the document root before the cache opens (plant symbolic links...). */
  readonly prepare?: (paths: { readonly base: string; readonly root: string }) => Promise<void>;
}

export interface FsSite {
  /** The temporary directory holding the document root and anything else the test plants beside it. */
  readonly base: string;
  readonly root: string;
  readonly cache: FsCache;
  readonly caching: HttpCaching;
  readonly bus: EventBus;
  readonly container: Container;
  readonly nginx: Nginx;
  readonly appUrl: string;
  /** The generated nginx configuration in use. */
  readonly config: string;
  /** Requests that reached the application, by raw URL. */
  readonly appHits: Map<string, number>;
  appHitCount(url?: string): number;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

export async function startFsSite(options: FsSiteOptions): Promise<FsSite> {
  const base = await mkdtemp(join(tmpdir(), 'cacheset-fs-site-'));
  await chmod(base, 0o755);
  const root = join(base, 'root');
  await mkdir(root, { mode: 0o755 });
  await chmod(root, 0o755);
  await options.prepare?.({ base, root });
  const bus = options.bus ?? new EventBus();
  const container = new Container();
  const cache = await FsCache.open({
    ...options.cache,
    root,
    logger: options.cache?.logger ?? { warn: () => undefined, error: (m) => console.error(m) },
  });
  subscribePurges(cache, { container, bus });
  const operations = registerHttpOperations(new OperationRegistry());
  operations.register(createFsCacheOperation(cache));
  const caching = createHttpCaching({
    policy: options.policy,
    operations,
    rulesets: new RulesetRegistry(),
    container,
    logger: { warn: () => undefined, error: (m) => console.error(m) },
  });
  await options.configure?.({ cache, caching });
  const handler = options.app(caching, { container });
  const appHits = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    appHits.set(url, (appHits.get(url) ?? 0) + 1);
    res.setHeader('X-Served-By', 'app');
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  const appPort = await listen(server);
  const appUrl = `http://127.0.0.1:${appPort}`;
  let config = '';
  let nginx: Nginx;
  try {
    nginx = await Nginx.start({
      http: (port) =>
        (config = nginxConfig({
          ...serverConfigOf(cache),
          ...options.server,
          app: `127.0.0.1:${appPort}`,
          listen: `127.0.0.1:${port}`,
        })),
    });
  } catch (error) {
    server.close();
    await cache.close();
    await rm(base, { recursive: true, force: true });
    throw error;
  }
  return {
    base,
    root: cache.root,
    cache,
    caching,
    bus,
    container,
    nginx,
    appUrl,
    config,
    appHits,
    appHitCount(url?: string) {
      if (url !== undefined) return appHits.get(url) ?? 0;
      let total = 0;
      for (const n of appHits.values()) total += n;
      return total;
    },
    async stop() {
      await nginx.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await cache.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}
