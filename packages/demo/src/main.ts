#!/usr/bin/env node
// `npm start`: the gallery on its embedded defaults (SQLite, RAM cache, headers and 304s, disk dump),
// or with the settings of the environment, --port and --config.
import 'reflect-metadata/lite';
import { CachesetError } from '@cacheset/core';
import { loadSettings } from './config/loadSettings.js';
import { DemoErrorCodes } from './domain/DemoErrorCodes.js';
import { describeSite } from './server/describeSite.js';
import { startSite } from './server/startSite.js';

async function main(): Promise<number> {
  let running;
  try {
    const settings = loadSettings(process.argv.slice(2), process.env);
    running = await startSite(settings, {
      progress: (done, total) => {
        if (done === 1) process.stdout.write(`cacheset gallery: first start, generating ${total} images`);
        process.stdout.write(done === total ? ' done\n' : '.');
      },
    });
  } catch (error) {
    if (CachesetError.is(error)) {
      console.error(`cacheset gallery: ${error.message}`);
      return error.code === DemoErrorCodes.INVALID_SETTINGS ? 2 : 1;
    }
    throw error;
  }
  console.log(describeSite(running));
  const site = running;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  console.log('cacheset gallery: stopping');
  await site.close();
  return 0;
}

process.exitCode = await main();
