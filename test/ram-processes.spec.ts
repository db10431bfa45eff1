/**
 * Two real Node processes of one site, each a node:http server with the `ramCache` option on a
 * RamCacheManager, sharing one real redis-server: a page rendered by one is a hit in the other, a
 * Purge in one reaches the other, and when Redis is killed mid-run requests keep succeeding and,
 * once it is back, no process serves a page purged during the outage.
 *
 * The server script (bench/servers/ramSiteServer.ts) is bundled from the TypeScript
 * sources before the suite, so no build step has to run first.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { freePort } from './support/freePort.js';
import { rawRequest, type RawResponse } from './support/httpRequest.js';
import { RedisServer } from './support/redis.js';
import { ServerProcess } from './support/ServerProcess.js';

const repository = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const fixture = join(repository, 'bench/servers/ramSiteServer.ts');

interface BundledScript {
  readonly file: string;
  remove(): Promise<void>;
}

/**
 * Bundles the TypeScript server script into one ESM file that plain Node runs: the cacheset packages
 * are compiled in from their sources (as vitest sees them), so no `tsc -b` has to run first; other
 * packages stay imports, resolved from the repository's node_modules, which is why the bundle is
 * written inside the repository (packages/ram/node_modules/.cache).
 */
async function bundleScript(entry: string): Promise<BundledScript> {
  const cache = join(repository, 'packages/ram/node_modules/.cache/cacheset-ram-fixtures');
  await mkdir(cache, { recursive: true });
  const outDir = await mkdtemp(join(cache, `${basename(entry, '.ts')}-`));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: repository,
    resolve: { conditions: ['@cacheset/source'] },
    ssr: { resolve: { conditions: ['@cacheset/source'] }, noExternal: [/^@cacheset\//] },
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: false,
      write: true,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: '[name].mjs' } },
    },
  });
  return {
    file: join(outDir, `${basename(entry, '.ts')}.mjs`),
    remove: () => rm(outDir, { recursive: true, force: true }),
  };
}

interface Status {
  readonly label: string;
  readonly renders: number;
  readonly redis: string | undefined;
  readonly redisErrors: number;
  readonly sharedWrites: number;
  readonly hits: number;
  readonly entries: number;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeWithServers('RAM cache across processes (real redis-server, two Node servers)', ['redis-server'], () => {
  let redis: RedisServer;
  let bundle: BundledScript;
  const servers: { process: ServerProcess; url: string; label: string }[] = [];

  beforeAll(async () => {
    [redis, bundle] = await Promise.all([RedisServer.start({ persistent: true }), bundleScript(fixture)]);
    for (const label of ['one', 'two']) {
      const port = await freePort();
      const child = await ServerProcess.start({
        name: `ram site ${label}`,
        command: process.execPath,
        args: [bundle.file, String(port), label, redis.url, 'site:'],
        port,
      });
      servers.push({ process: child, url: `http://127.0.0.1:${port}`, label });
    }
    await waitFor('both servers to reach Redis', async () =>
      (await Promise.all(servers.map((s) => status(s.url)))).every((s) => s.redis === 'up'),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.process.stop()));
    await redis?.stop();
    await bundle?.remove();
  });

  const [one, two] = [() => servers[0] as (typeof servers)[number], () => servers[1] as (typeof servers)[number]];
  // Behind a load balancer every process sees the site's Host; the response key includes it.
  const get = (server: { url: string }, path: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(`${server.url}${path}`, { headers: { host: 'www.example.com', ...headers } });
  const purge = (server: { url: string }, slug: string): Promise<RawResponse> =>
    rawRequest(`${server.url}/purge/${slug}`, { method: 'POST' });
  async function status(url: string): Promise<Status> {
    return JSON.parse((await rawRequest(`${url}/status`)).text) as Status;
  }
  /** Renders a page on `server` and waits until its copy is in Redis (the write does not hold up the response). */
  async function renderShared(server: { url: string }, path: string): Promise<RawResponse> {
    const writes = (await status(server.url)).sharedWrites;
    const response = await get(server, path);
    expect(response.headers['x-ramcache']).toBeUndefined();
    await waitFor(`the shared write of ${path}`, async () => (await status(server.url)).sharedWrites > writes);
    return response;
  }

  it('serves a page rendered by one process from the other process (cross-process hit)', async () => {
    const first = await renderShared(one(), '/pages/home');
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/^<p>home rendered by one #\d+<\/p>$/);
    const again = await get(one(), '/pages/home');
    expect(again.headers['x-ramcache']).toBe('cacheset.ramcache');
    const other = await get(two(), '/pages/home');
    expect(other.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(other.text).toBe(first.text);
    expect(other.headers['x-rendered-by']).toBe('one');
  });

  it('a Purge in one process invalidates the page in every process', async () => {
    const rendered = await renderShared(one(), '/pages/about');
    const shared = await get(two(), '/pages/about');
    expect(shared.text).toBe(rendered.text);
    expect(shared.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect((await purge(one(), 'about')).status).toBe(204);
    await waitFor(
      'two to render it afresh',
      async () => (await get(two(), '/pages/about')).text !== rendered.text,
      5_000,
    );
    const fresh = await get(two(), '/pages/about');
    expect(fresh.text).not.toBe(rendered.text);
    // The other page is untouched.
    expect((await get(two(), '/pages/home')).headers['x-ramcache']).toBe('cacheset.ramcache');
  });

  it('an edit in one process drops the front page and the edited page everywhere; other pages stay hits', async () => {
    const dropped = ['/', '/?page=2', '/pages/cat', '/pages/cat?size=large'];
    const kept = ['/pages/dog', '/pages/dog?size=large'];
    for (const target of [...dropped, ...kept]) await renderShared(one(), target);
    const before = new Map<string, string>();
    for (const target of [...dropped, ...kept]) {
      const shared = await get(two(), target);
      expect(shared.headers['x-ramcache'], target).toBe('cacheset.ramcache');
      before.set(target, shared.text);
    }
    // Every page's IPurgePaths name the front page: the edit purges '/', which is that one page.
    expect((await rawRequest(`${one().url}/edit/cat`, { method: 'POST' })).status).toBe(204);
    const rendersBefore = (await status(two().url)).renders;
    for (const target of kept) {
      const after = await get(two(), target);
      expect(after.headers['x-ramcache'], `${target} in two after the edit`).toBe('cacheset.ramcache');
      expect(after.text, target).toBe(before.get(target));
    }
    expect((await status(two().url)).renders, 'renders in two of the untouched pages').toBe(rendersBefore);
    for (const target of dropped) {
      const after = await get(two(), target);
      expect(after.headers['x-ramcache'], `${target} in two after the edit`).toBeUndefined();
      expect(after.text, target).not.toBe(before.get(target));
    }
    expect((await status(two().url)).renders).toBe(rendersBefore + dropped.length);
    // The process that edited kept its untouched pages too.
    for (const target of kept) expect((await get(one(), target)).headers['x-ramcache'], target).toBeDefined();
  });

  it("after an edit's response in one process, the other process never serves the old page", async () => {
    const stale: number[] = [];
    for (let round = 1; round <= 40; round += 1) {
      // The page is in two's own tier (an L1 hit there), whoever rendered it.
      let before: RawResponse | undefined;
      await waitFor("the page in two's cache", async () => {
        before = await get(two(), '/pages/edited');
        return before.headers['x-ramcache'] !== undefined;
      });
      const edit = await rawRequest(`${one().url}/edit/edited`, { method: 'POST' });
      expect(edit.status).toBe(204);
      const after = await get(two(), '/pages/edited');
      if (after.text === before?.text) stale.push(round);
    }
    expect(stale, 'rounds where two served the page from before the edit').toEqual([]);
  });

  it("a page that lists content: after an edit in one process, the other's revalidation gets a 200", async () => {
    const stale: number[] = [];
    for (let round = 1; round <= 30; round += 1) {
      // The counter settles shortly after an edit (it counts once more when the edit's unit of work
      // commits, after its response): start from an ETag two answers 304 for.
      let etag = '';
      await waitFor('an ETag two answers 304 for', async () => {
        etag = (await get(two(), '/list')).headers.etag as string;
        return (await get(two(), '/list', { 'If-None-Match': etag })).status === 304;
      });
      expect(etag).toMatch(/^"\|\d+"$/);
      expect((await rawRequest(`${one().url}/edit/anything`, { method: 'POST' })).status).toBe(204);
      // The edit's response waited for two to raise its counter (it answers the broadcast).
      const revalidated = await get(two(), '/list', { 'If-None-Match': etag });
      if (revalidated.status !== 200) stale.push(round);
    }
    expect(stale, 'rounds where two answered 304 with the ETag from before the edit').toEqual([]);
    // The counter is one for the site: once it settled, both processes give the same ETag.
    await waitFor('one ETag in both processes', async () => {
      const [a, b] = await Promise.all([get(one(), '/list'), get(two(), '/list')]);
      return a.headers.etag === b.headers.etag;
    });
  });

  it('keeps serving while Redis is killed mid-run; after it returns, nothing purged during the outage is served', async () => {
    const before = await renderShared(one(), '/pages/news');
    expect((await get(two(), '/pages/news')).text).toBe(before.text);

    // Load on both processes while Redis dies and comes back.
    let failures = 0;
    let requests = 0;
    let stop = false;
    const load = Promise.all(
      servers.map(async (server) => {
        let i = 0;
        while (!stop) {
          const response = await get(server, `/pages/load${i++ % 20}`).catch(() => undefined);
          requests += 1;
          if (response?.status !== 200) failures += 1;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    await redis.kill();
    await waitFor('both to notice the outage', async () =>
      (await Promise.all(servers.map((s) => status(s.url)))).every((s) => s.redis === 'down'),
    );
    await new Promise((r) => setTimeout(r, 300));
    // The news changes while Redis is away: one process purges it.
    expect((await purge(one(), 'news')).status).toBe(204);
    expect((await get(one(), '/pages/news')).text).not.toBe(before.text);
    await new Promise((r) => setTimeout(r, 300));

    await redis.restart();
    await waitFor('both to reconnect and resynchronise', async () =>
      (await Promise.all(servers.map((s) => status(s.url)))).every((s) => s.redis === 'up'),
    );
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await load;
    expect(requests).toBeGreaterThan(50);
    expect(failures).toBe(0);

    // Redis kept the old news on disk; neither process serves it.
    for (const server of servers) {
      const news = await get(server, '/pages/news');
      expect(news.status).toBe(200);
      expect(news.text).not.toBe(before.text);
    }
    const statuses = await Promise.all(servers.map((s) => status(s.url)));
    for (const s of statuses) expect(s.redisErrors).toBeGreaterThan(0);
    // One line per outage and process in the logs, not one per request.
    for (const server of servers) {
      const outages = server.process.output.split('\n').filter((line) => line.includes('is unavailable'));
      expect(outages).toHaveLength(1);
    }
    // The shared tier works again across processes.
    const after = await renderShared(two(), '/pages/after');
    expect((await get(one(), '/pages/after')).text).toBe(after.text);
  });
});
