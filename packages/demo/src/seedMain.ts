#!/usr/bin/env node
// `npm run seed -- --images N`: replaces the gallery's images with N generated ones (default 24).
import 'reflect-metadata/lite';
import { CachesetError, runInUnitOfWork } from '@cacheset/core';
import { demoError, DemoErrorCodes } from './domain/DemoErrorCodes.js';
import { loadSettings } from './config/loadSettings.js';
import { seedGallery } from './db/seedGallery.js';
import { Site } from './server/Site.js';

function imagesArgument(argv: readonly string[]): { images: number; rest: string[] } {
  const rest: string[] = [];
  let images = 24;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--images' || arg.startsWith('--images=')) {
      const value = arg.includes('=') ? arg.slice('--images='.length) : argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) > 1000)
        throw demoError(
          DemoErrorCodes.INVALID_SETTINGS,
          `--images ${value ?? ''}: give a whole number of images from 0 to 1000, such as --images 24.`,
        );
      images = Number(value);
    } else rest.push(arg);
  }
  return { images, rest };
}

async function main(): Promise<number> {
  try {
    const { images, rest } = imagesArgument(process.argv.slice(2));
    const site = await Site.open(loadSettings(rest, process.env));
    try {
      // One unit of work: the removals' and additions' purges reach the disk dump, the RAM cache (and
      // through Redis every process) and the proxies once each, when the whole seed has succeeded.
      await runInUnitOfWork(
        async () => {
          site.gallery.clear();
          await seedGallery(site.gallery, {
            images,
            progress: (done, total) => process.stdout.write(done === total ? `${total} images\n` : '.'),
          });
        },
        { label: 'seed' },
      );
      await site.stack.purger?.flush();
      console.log(
        `cacheset gallery: the gallery in ${site.settings.dataDir} now holds ${site.gallery.count()} images.`,
      );
      if (site.settings.redisUrl === undefined && site.settings.redisClusterNodes === undefined)
        console.log(
          'A site already running on this data folder keeps its RAM copies until restarted' +
            ' (set REDIS_URL to share them).',
        );
    } finally {
      await site.close();
    }
    return 0;
  } catch (error) {
    if (!CachesetError.is(error)) throw error;
    console.error(`cacheset gallery: ${error.message}`);
    return error.code === DemoErrorCodes.INVALID_SETTINGS ? 2 : 1;
  }
}

process.exitCode = await main();
