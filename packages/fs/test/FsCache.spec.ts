import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CachesetError } from '@cacheset/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsCache } from '../src/index.js';
import { locate, memoryLogger, openCache, put, tempDir, tree } from './support.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let root: string;
beforeEach(async () => {
  tmp = await tempDir();
  root = join(tmp.dir, 'root');
});
afterEach(async () => {
  await tmp.cleanup();
});

const html = (n: number | string): string =>
  `<!doctype html><h1>page ${n}</h1>${'<p>filler text for compression</p>'.repeat(20)}`;

describe('opening a cache', () => {
  it('creates the root (with parents) and resolves it to a real path', async () => {
    await mkdir(join(tmp.dir, 'real'));
    await symlink(join(tmp.dir, 'real'), join(tmp.dir, 'link'));
    const cache = await openCache(join(tmp.dir, 'link', 'a', 'b'));
    expect(cache.root).toBe(join(tmp.dir, 'real', 'a', 'b'));
    expect((await stat(cache.root)).isDirectory()).toBe(true);
    expect((await stat(cache.root)).mode & 0o777).toBe(0o755);
  });

  it('refuses an unusable root or bad options with typed errors at start-up', async () => {
    await writeFile(join(tmp.dir, 'file'), 'x');
    const code = async (options: Record<string, unknown>): Promise<string> => {
      try {
        await FsCache.open(options as never);
        return 'opened';
      } catch (error) {
        return CachesetError.is(error) ? error.code : String(error);
      }
    };
    expect(await code({ root: join(tmp.dir, 'file') })).toBe('ERR_CACHESET_FS_INVALID_ROOT');
    expect(await code({ root: join(tmp.dir, 'file', 'below') })).toBe('ERR_CACHESET_FS_INVALID_ROOT');
    expect(await code({ root: '/' })).toBe('ERR_CACHESET_FS_INVALID_ROOT');
    expect(await code({ root: '' })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, rooot: 1 })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, indexName: 'in.dex' })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, maxBytes: 0 })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, maxNameBytes: 10 })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, gzip: 'yes' })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, cacheControl: 'public"; evil' })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, fileMode: 0o200 })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, logger: console.log })).toBe('ERR_CACHESET_FS_INVALID_OPTIONS');
    expect(await code({ root, contentTypes: [{ extension: 'gz', mediaType: 'application/gzip' }] })).toBe(
      'ERR_CACHESET_FS_INVALID_CONTENT_TYPES',
    );
    expect(existsSync(root)).toBe(false);
  });
});

describe('writing pages', () => {
  it('writes the body at the mirrored path, world-readable whatever the umask', async () => {
    const cache = await openCache(root);
    const previous = process.umask(0o077);
    try {
      expect(await put(cache, '/docs/intro', html(1))).toMatchObject({ written: true, file: 'docs/intro.html' });
    } finally {
      process.umask(previous);
    }
    expect(await readFile(join(root, 'docs/intro.html'), 'utf8')).toBe(html(1));
    expect((await stat(join(root, 'docs/intro.html'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(root, 'docs'))).mode & 0o777).toBe(0o755);
    expect(cache.stats()).toMatchObject({ files: 1, bytes: Buffer.byteLength(html(1)), writes: 1 });
  });

  it('lets /a, /a/ and /a/b coexist (the wsgi_cache collision)', async () => {
    const cache = await openCache(root);
    for (const [url, n] of [
      ['/a', 1],
      ['/a/', 2],
      ['/a/b', 3],
      ['/a/b/', 4],
    ] as const)
      expect((await put(cache, url, html(n))).written).toBe(true);
    expect(await tree(root)).toEqual(['a.html', 'a/b.html', 'a/b/index.html', 'a/index.html']);
    expect(await readFile(join(root, 'a.html'), 'utf8')).toBe(html(1));
    expect(await readFile(join(root, 'a/index.html'), 'utf8')).toBe(html(2));
  });

  it('removes the old file when a URL changes type, so nginx cannot find the stale one first', async () => {
    const cache = await openCache(root);
    await put(cache, '/thing', html(1));
    await put(cache, '/thing', '{"a":1}', 'application/json');
    expect(await tree(root)).toEqual(['thing.json']);
    expect(cache.stats()).toMatchObject({ files: 1, writes: 2, deletes: 1 });
  });

  it('writes gzip and brotli siblings of compressible pages, and removes a sibling the new version no longer has', async () => {
    const cache = await openCache(root, { gzip: true, brotli: true, compressMinBytes: 200 });
    await put(cache, '/big', html(1));
    expect(await tree(root)).toEqual(['big.html', 'big.html.br', 'big.html.gz']);
    const { gunzipSync, brotliDecompressSync } = await import('node:zlib');
    expect(gunzipSync(await readFile(join(root, 'big.html.gz'))).toString()).toBe(html(1));
    expect(brotliDecompressSync(await readFile(join(root, 'big.html.br'))).toString()).toBe(html(1));
    await put(cache, '/big', '<p>tiny</p>');
    expect(await tree(root)).toEqual(['big.html']);
    await put(cache, '/logo', Buffer.alloc(4096, 1), 'image/png');
    expect(await tree(root)).toEqual(['big.html', 'logo.png']);
  });

  it('refuses what cannot be a file, counting each reason', async () => {
    const cache = await openCache(root, { maxFileBytes: 1000 });
    expect(await put(cache, '/empty', '')).toEqual({ written: false, reason: 'empty-body' });
    expect(await put(cache, '/huge', 'x'.repeat(1001))).toEqual({ written: false, reason: 'too-large' });
    expect(await put(cache, '/pdf', 'x', 'application/pdf')).toEqual({ written: false, reason: 'content-type' });
    expect(await put(cache, '/latin', 'x', 'text/html; charset=iso-8859-1')).toEqual({
      written: false,
      reason: 'charset',
    });
    expect(cache.stats().refused).toEqual({ 'empty-body': 1, 'too-large': 1, 'content-type': 1, charset: 1 });
    expect(cache.stats().refusedTotal).toBe(4);
    expect(await tree(root)).toEqual([]);
  });

  it('never follows a symbolic link planted inside the root, and never replaces a directory with a page', async () => {
    await mkdir(join(tmp.dir, 'outside'));
    await mkdir(root);
    await symlink(join(tmp.dir, 'outside'), join(root, 'planted'));
    await mkdir(join(root, 'dir.html'));
    await writeFile(join(root, 'blocker.html'), 'x');
    const cache = await openCache(root);
    expect(await put(cache, '/planted/page', html(1))).toEqual({ written: false, reason: 'symlink' });
    expect(await put(cache, '/planted/deeper/page', html(1))).toEqual({ written: false, reason: 'symlink' });
    expect(await put(cache, '/dir', html(1))).toEqual({ written: false, reason: 'path-conflict' });
    await writeFile(join(root, 'file'), 'x');
    expect(await put(cache, '/file/below', html(1))).toEqual({ written: false, reason: 'path-conflict' });
    expect(await tree(join(tmp.dir, 'outside'))).toEqual([]);
    // No temporary file survives a failed install.
    expect((await tree(root)).filter((f) => f.includes('.cs-'))).toEqual([]);
  });

  it('installs by rename: concurrent readers only ever see a complete body, and concurrent writers leave one whole version', async () => {
    const cache = await openCache(root);
    const bodies = Array.from({ length: 30 }, (_, i) => html(`${i} ${'#'.repeat(i * 500)}`));
    await put(cache, '/race', bodies[0] as string);
    const valid = new Set(bodies);
    let reading = true;
    const torn: string[] = [];
    const reader = (async () => {
      while (reading) {
        const text = await readFile(join(root, 'race.html'), 'utf8');
        if (!valid.has(text)) torn.push(text.slice(0, 40));
      }
    })();
    for (const body of bodies.slice(1)) {
      // Several writers of one URL at once, with different bodies.
      const results = await Promise.all([
        put(cache, '/race', body),
        put(cache, '/race', bodies[0] as string),
        put(cache, '/race', body),
      ]);
      expect(results.filter((r) => r.written).length).toBeGreaterThanOrEqual(1);
    }
    reading = false;
    await reader;
    expect(torn).toEqual([]);
    expect(valid.has(await readFile(join(root, 'race.html'), 'utf8'))).toBe(true);
    expect(await tree(root)).toEqual(['race.html']);
  });
});

describe('purging', () => {
  it('deletes exactly the files of the purged paths: every type, the directory index, query variants and siblings', async () => {
    const cache = await openCache(root, { gzip: true, compressMinBytes: 10 });
    await put(cache, '/a', html(1));
    await put(cache, '/a/', html(2));
    await cache.write(cache.begin(), locate(cache, '/a?page=2', ['page']), {
      contentType: 'text/html',
      body: Buffer.from(html(3)),
    });
    await put(cache, '/a/b', html(4));
    await put(cache, '/ab', html(5));
    expect(await tree(root)).toHaveLength(10);
    expect(await cache.purge(['/a'])).toBe(6);
    expect(await tree(root)).toEqual(['a/b.html', 'a/b.html.gz', 'ab.html', 'ab.html.gz']);
    expect(cache.stats()).toMatchObject({ files: 4, purges: 1 });
    expect(await cache.purge(['/a/b/', '/nothing', '/../etc/passwd', 42 as unknown as string])).toBe(2);
    expect(await tree(root)).toEqual(['ab.html', 'ab.html.gz']);
  });

  it('finds files the index does not know by their names, but never through a planted link', async () => {
    const cache = await openCache(root);
    await mkdir(join(root, 'other'), { recursive: true });
    await writeFile(join(root, 'other', 'page.html'), 'written by another process');
    await writeFile(join(root, 'other', 'page.json'), '{}');
    await writeFile(join(root, 'other', 'page.html.gz'), 'gz');
    await mkdir(join(tmp.dir, 'outside'));
    await writeFile(join(tmp.dir, 'outside', 'victim.html'), 'keep me');
    await symlink(join(tmp.dir, 'outside'), join(root, 'planted'));
    expect(await cache.purge(['/other/page', '/planted/victim'])).toBe(3);
    expect(await readFile(join(tmp.dir, 'outside', 'victim.html'), 'utf8')).toBe('keep me');
    expect(existsSync(join(root, 'other', 'page.html'))).toBe(false);
  });

  it('discards a write whose request started before a purge of its page, however the two interleave', async () => {
    const cache = await openCache(root);
    const location = locate(cache, '/news');
    // Rendered before the purge, written after it.
    const early = cache.begin();
    await cache.purge(['/news']);
    expect(await cache.write(early, location, { contentType: 'text/html', body: Buffer.from(html('old')) })).toEqual({
      written: false,
      reason: 'purged',
    });
    // The purge lands while the write is on its way to the disk.
    const ticket = cache.begin();
    const writing = cache.write(ticket, location, { contentType: 'text/html', body: Buffer.from(html('old')) });
    const purging = cache.purge(['/news/']);
    expect(await writing).toEqual({ written: false, reason: 'purged' });
    await purging;
    expect(existsSync(join(root, 'news.html'))).toBe(false);
    // A request that started after the purge writes normally, and another page is unaffected.
    expect((await put(cache, '/news', html('new'))).written).toBe(true);
    expect(
      (await cache.write(early, locate(cache, '/other'), { contentType: 'text/html', body: Buffer.from('x') })).written,
    ).toBe(true);
    expect(cache.stats().refused.purged).toBe(2);
  });

  it('deletes a page that was written while a purge waited for its lock', async () => {
    const cache = await openCache(root);
    const ticket = cache.begin();
    const writing = cache.write(ticket, locate(cache, '/late'), {
      contentType: 'text/html',
      body: Buffer.from(html(1)),
    });
    // Let the write pass its checks and start installing, then purge.
    await new Promise((resolve) => setImmediate(resolve));
    const purged = cache.purge(['/late']);
    const result = await writing;
    await purged;
    // Either the write saw the purge (refused) or the purge ran after it (deleted): never a survivor.
    expect(result.written ? 'deleted after install' : result.reason).toMatch(/deleted after install|purged/);
    expect(existsSync(join(root, 'late.html'))).toBe(false);
  });

  it('a purge by another cache on the same root (another process) stops a write rendered before it', async () => {
    // Two caches on one root share nothing in memory, as two processes do.
    const editor = await openCache(root);
    const peer = await openCache(root);
    const location = locate(peer, '/shared');
    const early = peer.begin();
    await editor.purge(['/shared']);
    expect(await peer.write(early, location, { contentType: 'text/html', body: Buffer.from(html('old')) })).toEqual({
      written: false,
      reason: 'purged',
    });
    // The purge lands while the peer's write is on its way, in every interleaving: never a survivor.
    for (let round = 0; round < 20; round += 1) {
      const ticket = peer.begin();
      const writing = peer.write(ticket, location, { contentType: 'text/html', body: Buffer.from(html('old')) });
      for (let tick = 0; tick < round; tick += 1) await new Promise((resolve) => setImmediate(resolve));
      await editor.purge(['/shared']);
      // Once the editor's purge resolved, no old page is on disk, whatever the peer's write does later.
      expect(existsSync(join(root, 'shared.html')), `round ${round}`).toBe(false);
      await writing;
      expect(existsSync(join(root, 'shared.html')), `round ${round}, after the write`).toBe(false);
    }
    // The same for a clear by the other cache.
    for (let round = 0; round < 10; round += 1) {
      const writing = peer.write(peer.begin(), location, { contentType: 'text/html', body: Buffer.from(html('old')) });
      for (let tick = 0; tick < round; tick += 1) await new Promise((resolve) => setImmediate(resolve));
      await editor.clear();
      expect(existsSync(join(root, 'shared.html')), `clear round ${round}`).toBe(false);
      await writing;
      expect(existsSync(join(root, 'shared.html')), `clear round ${round}, after the write`).toBe(false);
    }
    // A request that began after the other's purge writes normally.
    expect((await put(peer, '/shared', html('new'))).written).toBe(true);
    expect(await readFile(join(root, 'shared.html'), 'utf8')).toContain('page new');
  });
});

describe('the byte budget and the index', () => {
  it('evicts the least recently written pages to stay within maxBytes', async () => {
    const page = 'x'.repeat(1000);
    const cache = await openCache(root, { maxBytes: 3500 });
    for (const url of ['/1', '/2', '/3']) await put(cache, url, page);
    await put(cache, '/1', page); // rewritten: now the most recent
    await put(cache, '/4', page);
    await cache.settled();
    expect(await tree(root)).toEqual(['1.html', '3.html', '4.html']);
    expect(cache.stats()).toMatchObject({ files: 3, bytes: 3000, evictions: 1 });
    expect(await put(cache, '/too-big', 'y'.repeat(4000))).toEqual({ written: false, reason: 'too-large' });
  });

  it('rebuilds the index from the tree on open, deleting leftovers of a crash mid-write or mid-clear', async () => {
    const first = await openCache(root, { gzip: true, compressMinBytes: 10 });
    await put(first, '/kept', html(1));
    await put(first, '/dir/', html(2));
    await first.close();
    // A crash mid-write leaves only a dot-named .tmp file (never a name nginx tries); a crash
    // mid-clear leaves a trash directory; a sibling may lose its page.
    await writeFile(join(root, '.cs-0123456789abcdef.tmp'), 'half a page');
    await mkdir(join(root, '.cs-trash-abcdef/x'), { recursive: true });
    await writeFile(join(root, 'orphan.html.gz'), 'gz');
    await writeFile(join(root, 'notes.unknown'), 'not ours');
    const second = await openCache(root, { maxBytes: 1_000_000 });
    expect(await tree(root)).toEqual([
      'dir/index.html',
      'dir/index.html.gz',
      'kept.html',
      'kept.html.gz',
      'notes.unknown',
    ]);
    expect(second.stats()).toMatchObject({ files: 4 });
    expect(await second.purge(['/dir'])).toBe(2);
    expect(second.stats().files).toBe(2);
  });

  it('applies the budget to what an earlier run left', async () => {
    const first = await openCache(root);
    for (const n of [1, 2, 3]) {
      await put(first, `/${n}`, 'z'.repeat(1000));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const second = await openCache(root, { maxBytes: 2000 });
    expect(await tree(root)).toEqual(['2.html', '3.html']);
    expect(second.stats().evictions).toBe(1);
  });
});

describe('clear() and close()', () => {
  it('empties the tree (rename away, then delete) and discards writes that started before it', async () => {
    const cache = await openCache(root);
    await put(cache, '/a/b/c', html(1));
    await put(cache, '/d', html(2));
    const before = cache.begin();
    await cache.clear();
    expect(await tree(root)).toEqual([]);
    expect(existsSync(root)).toBe(true);
    expect(
      await cache.write(before, locate(cache, '/d'), { contentType: 'text/html', body: Buffer.from('stale') }),
    ).toEqual({ written: false, reason: 'purged' });
    expect(cache.stats()).toMatchObject({ files: 0, bytes: 0, clears: 1, deletes: 2 });
    expect((await put(cache, '/d', html(3))).written).toBe(true);
  });

  it('refuses writes after close and says so for clear', async () => {
    const cache = await openCache(root);
    await cache.close();
    expect(await put(cache, '/x', html(1))).toEqual({ written: false, reason: 'closed' });
    await expect(cache.clear()).rejects.toMatchObject({ code: 'ERR_CACHESET_FS_CLOSED' });
  });

  it('validates a static Cache-Control set after opening', async () => {
    const cache = await openCache(root);
    cache.setCacheControl(' max-age=0, s-maxage=60 ');
    expect(cache.cacheControl).toBe('max-age=0, s-maxage=60');
    expect(() => cache.setCacheControl('a\nb')).toThrow(
      expect.objectContaining({ code: 'ERR_CACHESET_FS_INVALID_OPTIONS' }) as Error,
    );
    cache.setCacheControl(undefined);
    expect(cache.cacheControl).toBeUndefined();
  });

  // Make one file undeletable: an immutable file for root (who ignores permissions), a read-only
  // directory for anybody else.
  const undeletable =
    process.getuid?.() === 0 ? (spawnSync('chattr', ['-h']).error === undefined ? 'chattr' : undefined) : 'chmod';
  it.skipIf(undeletable === undefined)(
    'reports filesystem errors to the logger and counts them, without throwing',
    async () => {
      const logger = memoryLogger();
      const cache = await openCache(root, { logger });
      await put(cache, '/locked/page', html(1));
      const file = join(root, 'locked', 'page.html');
      const lock = (on: boolean): unknown =>
        undeletable === 'chattr'
          ? spawnSync('chattr', [on ? '+i' : '-i', file])
          : chmod(join(root, 'locked'), on ? 0o500 : 0o755);
      await lock(true);
      try {
        expect(await cache.purge(['/locked/page'])).toBe(0);
        expect(existsSync(file)).toBe(true);
        expect(cache.stats().errors).toBeGreaterThan(0);
        expect(logger.errors.join('\n')).toContain(`deleting ${file}`);
      } finally {
        await lock(false);
      }
    },
  );
});
