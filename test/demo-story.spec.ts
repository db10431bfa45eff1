/**
 * The gallery's whole story on its embedded defaults (SQLite, RAM cache in process, headers and
 * 304s, disk dump), through a real HTTP server: browse, edit, flag, rename, delete, and every
 * layer shows the change on the next request while what was not touched stays cached.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { placeholderImages, type Image } from '@cacheset/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from './support/demo.js';
import { waitUntil } from './support/purgeWait.js';

let demo: Demo;
let images: Image[];

const dumped = (path: string): string => join(demo.settings.dumpRoot, path);

beforeAll(async () => {
  demo = await startDemo({ images: 6 });
  images = demo.running.site.gallery.newest(10);
});

afterAll(async () => {
  await demo?.stop();
});

/** An image of the seeded gallery that no other test touches. */
const image = (index: number): Image => images[index] as Image;

describe('the gallery on its embedded defaults', () => {
  it('serves the front page, image pages, full images, thumbnails and the feed with the policy’s headers', async () => {
    const front = await demo.get('/');
    expect(front.status).toBe(200);
    expect(front.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(front.headers['cache-control']).toBe('max-age=0, s-maxage=86400, must-revalidate');
    for (const each of images) expect(front.text).toContain(`/data/${each.id}/thumb`);

    const first = image(0);
    const page = await demo.get(`/images/${first.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<h1>${first.title}</h1>`);
    expect(page.headers['last-modified']).toBe(first.updatedAt.toUTCString());

    const full = await demo.get(`/data/${first.id}`);
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe(first.contentType);
    expect(full.body.equals(demo.running.site.gallery.storedFile(first.id, 'full')?.bytes ?? Buffer.alloc(0))).toBe(
      true,
    );
    expect(full.headers['last-modified']).toBe(first.updatedAt.toUTCString());
    const thumb = await demo.get(`/data/${first.id}/thumb`);
    expect(thumb.headers['content-type']).toBe('image/png');
    expect(thumb.body.readUInt32BE(16)).toBe(480); // the PNG's width, from its header

    const feed = await demo.get('/feed.json');
    expect(feed.headers['content-type']).toMatch(/^application\/feed\+json/);
    const parsed = JSON.parse(feed.text) as { version: string; items: { id: string; url: string; image: string }[] };
    expect(parsed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(parsed.items.map((item) => item.id)).toEqual(images.map((each) => each.id));
    expect(parsed.items[0]?.url).toBe(`${demo.base}/images/${first.slug}`);
  });

  it('answers repeat visits of the front page and the feed from RAM, without rendering', async () => {
    await demo.get('/');
    await demo.get('/feed.json');
    const before = { front: demo.renders('/'), feed: demo.renders('/feed.json') };
    const again = await demo.get('/');
    const feed = await demo.get('/feed.json');
    expect(again.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(feed.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect({ front: demo.renders('/'), feed: demo.renders('/feed.json') }).toEqual(before);
  });

  it('dumps what every visitor may share to disk, where nginx serves it from', async () => {
    const first = image(0);
    await demo.get(`/data/${first.id}/thumb`);
    await waitUntil('the thumbnail on disk', () => existsSync(dumped(`data/${first.id}/thumb.png`)));
    const onDisk = await readFile(dumped(`data/${first.id}/thumb.png`));
    expect(onDisk.equals(demo.running.site.gallery.storedFile(first.id, 'thumb')?.bytes ?? Buffer.alloc(0))).toBe(true);
    await demo.get('/');
    await waitUntil('the front page on disk', () => existsSync(dumped('index.html')));
  });

  it('an edit makes the image page, its data, the feed and the front page fresh on the next request', async () => {
    const edited = image(1);
    const paths = ['/', '/feed.json', `/images/${edited.slug}`, `/data/${edited.id}`, `/data/${edited.id}/thumb`];
    const before = new Map<string, Awaited<ReturnType<Demo['get']>>>();
    for (const path of paths) before.set(path, await demo.get(path));
    for (const path of paths) await demo.get(path); // now in RAM and on disk where the layer keeps them

    const answer = await demo.api('POST', edited.id, { title: 'A freshly edited title', description: 'Edited.' });
    expect(answer.status).toBe(200);

    for (const path of ['/', '/feed.json', `/images/${edited.slug}`]) {
      const now = await demo.get(path);
      expect(now.text, path).toContain('A freshly edited title');
      // A browser revalidating with what it had must get the new page, not a 304.
      const revalidated = await demo.get(path, { 'if-none-match': before.get(path)?.headers.etag ?? '' });
      expect(revalidated.status, `${path} revalidated with the old ETag`).toBe(200);
    }
    for (const path of [`/data/${edited.id}`, `/data/${edited.id}/thumb`]) {
      const old = before.get(path)?.headers['last-modified'] ?? '';
      const now = await demo.get(path, { 'if-modified-since': old });
      expect(now.status, `${path} revalidated with the old Last-Modified`).toBe(200);
      expect(Date.parse(now.headers['last-modified'] ?? '')).toBeGreaterThan(Date.parse(old));
    }
    // The disk dump never keeps the old page: it is deleted, then written again from the new data.
    await waitUntil('the edited page back on disk', () => existsSync(dumped(`images/${edited.slug}.html`)));
    expect(await readFile(dumped(`images/${edited.slug}.html`), 'utf8')).toContain('A freshly edited title');
  });

  it('a flagged image’s data URLs show the placeholder on the very next request', async () => {
    const flagged = image(2);
    await demo.get(`/data/${flagged.id}`);
    await demo.get(`/data/${flagged.id}/thumb`);
    expect((await demo.api('POST', flagged.id, { flagged: true })).status).toBe(200);
    const full = await demo.get(`/data/${flagged.id}`);
    const thumb = await demo.get(`/data/${flagged.id}/thumb`);
    expect(full.body.equals(placeholderImages().full.bytes)).toBe(true);
    expect(thumb.body.equals(placeholderImages().thumb.bytes)).toBe(true);
    expect((await demo.get(`/images/${flagged.slug}`)).text).toContain('withdrawn by an editor');
    const feed = JSON.parse((await demo.get('/feed.json')).text) as { items: { id: string }[] };
    expect(feed.items.map((item) => item.id)).not.toContain(flagged.id);
    await waitUntil('the placeholder on disk', async () =>
      (await readFile(dumped(`data/${flagged.id}.png`)).catch(() => Buffer.alloc(0))).equals(
        placeholderImages().full.bytes,
      ),
    );
  });

  it('a rename moves the page: the old URL answers 301 to the new one, never cached', async () => {
    const renamed = image(3);
    await demo.get(`/images/${renamed.slug}`);
    expect((await demo.api('POST', renamed.id, { slug: 'a-new-name' })).status).toBe(200);
    const old = await demo.get(`/images/${renamed.slug}`);
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe('/images/a-new-name');
    expect(old.headers['cache-control']).toContain('no-store');
    expect((await demo.get('/images/a-new-name')).text).toContain(renamed.title);
    expect((await demo.get(`/data/${renamed.id}`)).status).toBe(200); // the data URLs keep the id
  });

  it('a deleted image is a 404 everywhere, and no dumped file is left', async () => {
    const removed = image(4);
    for (const path of [`/images/${removed.slug}`, `/data/${removed.id}`, `/data/${removed.id}/thumb`])
      await demo.get(path);
    await waitUntil('the image on disk', () =>
      existsSync(dumped(`data/${removed.id}.${removed.contentType === 'image/png' ? 'png' : 'jpg'}`)),
    );
    expect((await demo.api('DELETE', removed.id)).status).toBe(204);
    for (const path of [`/images/${removed.slug}`, `/data/${removed.id}`, `/data/${removed.id}/thumb`]) {
      const answer = await demo.get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers['cache-control'], path).toContain('no-store');
    }
    expect((await demo.get('/')).text).not.toContain(removed.id);
    await waitUntil('no dumped file of the deleted image', () =>
      [
        `images/${removed.slug}.html`,
        `data/${removed.id}.png`,
        `data/${removed.id}.jpg`,
        `data/${removed.id}/thumb.png`,
      ].every((file) => !existsSync(dumped(file))),
    );
  });

  it('unknown ids and addresses are 404s that no layer keeps', async () => {
    for (const path of ['/data/nosuchimage', '/data/nosuchimage/thumb', '/images/no-such-image', '/nowhere']) {
      const first = await demo.get(path);
      const second = await demo.get(path);
      expect([first.status, second.status], path).toEqual([404, 404]);
      expect(second.headers['x-ramcache'], path).toBeUndefined();
      expect(first.headers['cache-control'], path).toBe('max-age=0, must-revalidate, private, no-store');
    }
    expect(existsSync(dumped('data/nosuchimage.html'))).toBe(false);
  });

  it('refuses bad API input with a message per field and changes nothing', async () => {
    const kept = image(5);
    const answer = await demo.api('POST', kept.id, { title: '', slug: 'Not A Slug', colour: 'red' });
    expect(answer.status).toBe(400);
    const { error } = JSON.parse(answer.text) as { error: { code: string; fields: Record<string, string> } };
    expect(error.code).toBe('ERR_CACHESET_DEMO_INVALID_INPUT');
    expect(Object.keys(error.fields)).toEqual(['colour']);
    const semantic = JSON.parse((await demo.api('POST', kept.id, { title: ' ', slug: 'Not A Slug' })).text) as {
      error: { fields: Record<string, string> };
    };
    expect(Object.keys(semantic.error.fields).sort()).toEqual(['slug', 'title']);
    expect(demo.running.site.gallery.find(kept.id)?.title).toBe(kept.title);
    expect((await demo.api('POST', 'nosuchimage', { title: 'x' })).status).toBe(404);
    const unauthorised = await demo.get(`/api/images/${kept.id}`);
    expect(unauthorised.status).toBe(404);
  });
});

// Issue 10 item 1: a per-request view named in a route-level preHandler (`request.cachePublished = …`) gets the
// full intercept: 304s and RAM hits without rendering.
describe('a per-request view gets 304s and RAM hits (Fastify route preHandler)', () => {
  it('answers If-Modified-Since on /data/:id with a 304, without rendering', async () => {
    const first = image(0);
    const answer = await demo.get(`/data/${first.id}`);
    const renders = demo.renders(`/data/${first.id}`);
    const revalidated = await demo.get(`/data/${first.id}`, {
      'if-modified-since': answer.headers['last-modified'] ?? '',
    });
    expect(revalidated.status).toBe(304);
    expect(demo.renders(`/data/${first.id}`)).toBe(renders);
  });

  it('keeps an untouched image page in RAM while another image is edited (counted renders)', async () => {
    const untouched = image(5);
    await demo.get(`/images/${untouched.slug}`);
    await demo.get(`/images/${untouched.slug}`);
    const renders = demo.renders(`/images/${untouched.slug}`);
    expect((await demo.api('POST', image(0).id, { description: 'Another edit.' })).status).toBe(200);
    const again = await demo.get(`/images/${untouched.slug}`);
    expect(again.headers['x-ramcache']).toBe('cacheset.ramcache');
    expect(demo.renders(`/images/${untouched.slug}`)).toBe(renders);
  });
});

describe('the disk dump is purged before the edit’s response finishes', () => {
  it('a flagged image’s dumped file is gone (or already the placeholder) when the API answers', async () => {
    const flagged = image(0);
    await demo.get(`/data/${flagged.id}`);
    const file = dumped(`data/${flagged.id}.${flagged.contentType === 'image/png' ? 'png' : 'jpg'}`);
    await waitUntil('the image on disk', () => existsSync(file));
    const answer = await demo.api('POST', flagged.id, { flagged: true });
    const onDisk = await readFile(file).catch(() => undefined);
    expect(answer.status).toBe(200);
    expect(onDisk === undefined || onDisk.equals(placeholderImages().full.bytes)).toBe(true);
    await demo.api('POST', flagged.id, { flagged: false });
  });
});
