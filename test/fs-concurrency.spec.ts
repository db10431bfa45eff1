import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bindAdapter, IPurgePaths, Purge } from '@cacheset/core';
import { cachingHandler } from '@cacheset/http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { startFsSite, type FsSite } from './support/nginx.js';

const PATHS = ['/c/hot', '/c/hot/', '/c/b', '/c/c', '/c/d', '/c/e', '/c/f', '/c/g'];
const DURATION_MS = 4_000;
// On a loaded machine 4 s may not be enough for nginx to serve many dumped pages; the run goes on
// until it has (bounded), so the test checks correctness, not speed.
const MAX_DURATION_MS = 20_000;
const WORKERS = 48;

class Item {
  constructor(readonly path: string) {}
}

const versions = new Map<string, number>(PATHS.map((p) => [p.replace(/\/$/, ''), 1]));

/** A ~40 KB page whose first line names its URL and version and carries the SHA-256 of the rest. */
function render(path: string, version: number): string {
  const filler = createHash('sha512').update(`${path}@${version}`).digest('hex');
  const payload = `<h1>${path} version ${version}</h1>\n${`<p>${filler}</p>\n`.repeat(256)}`;
  return `<!--${path} v${version} sha256=${createHash('sha256').update(payload).digest('hex')}-->\n${payload}`;
}

interface Checked {
  readonly path: string;
  readonly version: number;
}

/** Parses and verifies a body: complete and uncorrupted, or an exception saying what is wrong. */
function verify(body: string, expectedPath: string): Checked {
  const newline = body.indexOf('\n');
  const header = /^<!--(\S+) v(\d+) sha256=([0-9a-f]{64})-->$/.exec(body.slice(0, newline));
  if (header === null) throw new Error(`no header line: ${JSON.stringify(body.slice(0, 80))}`);
  const [, path, version, sha] = header as unknown as [string, string, string, string];
  if (path !== expectedPath) throw new Error(`body of ${path} served for ${expectedPath}`);
  const digest = createHash('sha256')
    .update(body.slice(newline + 1))
    .digest('hex');
  if (digest !== sha)
    throw new Error(`checksum mismatch for ${path} v${version} (${body.length} bytes): partial or mixed body`);
  return { path, version: Number(version) };
}

function get(
  agent: Agent,
  port: number,
  path: string,
  gzip: boolean,
): Promise<{ status: number; body: Buffer; fromApp: boolean; encoding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            fromApp: res.headers['x-served-by'] === 'app',
            encoding: res.headers['content-encoding'],
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

describeWithServers('@cacheset/fs: concurrent requests and purges through real nginx', ['nginx'], () => {
  let site: FsSite;
  beforeAll(async () => {
    site = await startFsSite({
      policy: {
        operationMapping: { 'site.item': 'chain' },
        operations: { chain: { rulesets: { 'site.item': { operations: ['moderateCaching', 'fsCache'] } } } },
      },
      cache: { gzip: true, durable: false },
      app: (caching, { container }) => {
        bindAdapter(container, {
          provides: IPurgePaths,
          for: Item,
          name: 'test.item',
          factory: (item: Item) => ({ getRelativePaths: () => [item.path], getAbsolutePaths: () => [] }),
        });
        return cachingHandler(
          caching,
          (req, res) => {
            const path = req.url ?? '/';
            const key = path.replace(/\/$/, '');
            // Read the data, then yield (a database round trip), then render: purges land mid-render.
            const version = versions.get(key) ?? 0;
            setTimeout(
              () => {
                res.setHeader('Content-Type', 'text/html; charset=utf-8');
                res.end(render(path, version));
              },
              Math.floor(Math.random() * 3),
            );
          },
          { ruleset: 'site.item' },
        );
      },
    });
  });
  afterAll(async () => {
    await site?.stop();
  });

  it('serves only complete, correct bodies while the same and different URLs are written and purged, and leaves no stale file behind', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
    const seen = { nginx: 0, app: 0, gzip: 0, purges: 0 };
    const failures: string[] = [];
    let running = true;
    const purger = (async () => {
      while (running) {
        // Change the data first, then announce it (what domain code does); half the time the hot page.
        const key =
          Math.random() < 0.3
            ? '/c/hot'
            : (PATHS[Math.floor(Math.random() * PATHS.length)] as string).replace(/\/$/, '');
        versions.set(key, (versions.get(key) ?? 0) + 1);
        site.bus.notify(new Purge(new Item(key)));
        seen.purges += 1;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(Math.random() * 60)));
      }
    })();
    const worker = async (): Promise<void> => {
      while (running) {
        const path = Math.random() < 0.5 ? '/c/hot' : (PATHS[Math.floor(Math.random() * PATHS.length)] as string);
        const gzip = Math.random() < 0.3;
        try {
          const response = await get(agent, site.nginx.port, path, gzip);
          if (response.status !== 200) throw new Error(`status ${response.status}`);
          const body = response.encoding === 'gzip' ? gunzipSync(response.body) : response.body;
          const checked = verify(body.toString('utf8'), path);
          const current = versions.get(path.replace(/\/$/, '')) ?? 0;
          if (checked.version > current)
            throw new Error(`version ${checked.version} from the future (current ${current})`);
          if (response.fromApp) seen.app += 1;
          else seen.nginx += 1;
          if (response.encoding === 'gzip') seen.gzip += 1;
        } catch (error) {
          failures.push(`${path}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, () => worker());
    const started = Date.now();
    const enough = (): boolean => seen.nginx > 100 && seen.app > 10 && seen.gzip > 10 && seen.purges > 30;
    while (Date.now() - started < MAX_DURATION_MS && (Date.now() - started < DURATION_MS || !enough())) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    running = false;
    await Promise.all([...workers, purger]);

    expect(failures.slice(0, 10)).toEqual([]);
    expect(seen.nginx).toBeGreaterThan(100);
    expect(seen.app).toBeGreaterThan(10);
    expect(seen.gzip).toBeGreaterThan(10);
    expect(seen.purges).toBeGreaterThan(30);
    expect(site.cache.stats().refused.purged ?? 0).toBeGreaterThan(0);

    // Quiet now: whatever is on disk must be the current version of every page (no write that started
    // before a purge survived it), and the next request for each page is answered with it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await site.cache.settled();
    for (const path of PATHS) {
      const current = versions.get(path.replace(/\/$/, '')) as number;
      for (let i = 0; i < 2; i += 1) {
        const response = await get(agent, site.nginx.port, path, false);
        expect(
          verify(response.body.toString('utf8'), path).version,
          `${path} (attempt ${i}, ${response.fromApp ? 'app' : 'nginx'})`,
        ).toBe(current);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await site.cache.settled();
      }
    }
    // No temporary file or trash was left behind.
    const leftovers = (await readdir(join(site.root, 'c'), { recursive: true })).filter((name) =>
      String(name).includes('.cs-'),
    );
    expect(leftovers).toEqual([]);
    agent.destroy();
  }, 60_000);
});
