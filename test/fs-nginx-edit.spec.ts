/**
 * The seeds' flagged image through a real nginx serving the disk dump with `try_files`: once the
 * flag request's response has arrived, the very next GET through nginx shows the new image, every
 * time. The deletion of the dumped file is part of the flag request: its response is held back
 * until the file is gone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindAdapter, EventBus, IPurgePaths, Purge } from '@cacheset/core';
import { cachingHandler } from '@cacheset/http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServers } from './support/binaries.js';
import { rawRequest } from './support/httpRequest.js';
import { startFsSite, type FsSite } from './support/nginx.js';

class Image {
  constructor(readonly slug: string) {}
}

const ROUNDS = 60;

/** Polls until `check` holds (a dump is written after its response finished). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describeWithServers(
  '@cacheset/fs: a flag request is done when its dumped image is gone (real nginx)',
  ['nginx'],
  () => {
    const bus = new EventBus();
    const flagged = new Map<string, number>();
    const imageBody = (slug: string): string => {
      const flags = flagged.get(slug) ?? 0;
      return flags === 0
        ? `<svg xmlns="http://www.w3.org/2000/svg"><title>${slug}</title></svg>`
        : `<svg xmlns="http://www.w3.org/2000/svg"><title>placeholder ${flags}</title></svg>`;
    };
    let site: FsSite;

    beforeAll(async () => {
      site = await startFsSite({
        bus,
        policy: {
          operationMapping: { 'gallery.image': 'chain', 'gallery.flag': 'noCaching' },
          operations: { chain: { rulesets: { 'gallery.image': { operations: ['strongCaching', 'fsCache'] } } } },
        },
        cache: { durable: false, gzip: false },
        app: (caching, { container }) => {
          bindAdapter(container, {
            provides: IPurgePaths,
            for: Image,
            name: 'gallery.image',
            factory: (image: Image) => ({
              getRelativePaths: () => [`/images/${image.slug}`],
              getAbsolutePaths: () => [],
            }),
          });
          const image = cachingHandler(
            caching,
            (req, res) => {
              res.setHeader('Content-Type', 'image/svg+xml');
              res.end(imageBody((req.url ?? '').slice('/images/'.length)));
            },
            { ruleset: 'gallery.image' },
          );
          // The flag request: the image becomes a placeholder, and the edit purges every cached copy.
          const flag = cachingHandler(
            caching,
            (req, res) => {
              const slug = (req.url ?? '').slice('/flag/'.length);
              flagged.set(slug, (flagged.get(slug) ?? 0) + 1);
              bus.notify(new Purge(new Image(slug)));
              res.statusCode = 204;
              res.end();
            },
            { ruleset: 'gallery.flag' },
          );
          return (req, res) => ((req.url ?? '').startsWith('/flag/') ? flag(req, res) : image(req, res));
        },
      });
    });

    afterAll(async () => {
      await site?.stop();
    });

    it(`the GET right after the flag response shows the new image, ${ROUNDS} times in a row`, async () => {
      const file = join(site.root, 'images/cat.svg');
      const stale: string[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        // The current image, dumped and answered by nginx from the disk (a GET lets the app dump it).
        await until(async () => {
          if (existsSync(file) && readFileSync(file, 'utf8') === imageBody('cat')) return true;
          await rawRequest(`${site.nginx.url}/images/cat`);
          return false;
        }, 'the dump of the current /images/cat');
        const fromDisk = await rawRequest(`${site.nginx.url}/images/cat`);
        expect(fromDisk.headers['x-served-by'], 'nginx answers from the dump').toBeUndefined();
        if (fromDisk.text !== imageBody('cat')) stale.push(`round ${round}: the dump before the flag`);

        const flag = await rawRequest(`${site.nginx.url}/flag/cat`, { method: 'POST' });
        expect(flag.status).toBe(204);
        const after = await rawRequest(`${site.nginx.url}/images/cat`);
        if (after.text !== imageBody('cat')) stale.push(`round ${round}: the GET right after the flag`);
      }
      expect(stale, 'nginx served the image from before a flag').toEqual([]);
    });
  },
);
