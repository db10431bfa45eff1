#!/usr/bin/env node
// `npm run stack`: the gallery with Redis, nginx (serving the disk dump) and Varnish (the shipped VCL)
// in front, on free loopback ports, for whichever of them are installed. Ctrl-C stops them all.
import 'reflect-metadata/lite';
import { CachesetError } from '@cacheset/core';
import { loadSettings } from './config/loadSettings.js';
import { runStack } from './stack/runStack.js';

async function main(): Promise<number> {
  let stack;
  try {
    stack = await runStack(loadSettings(process.argv.slice(2), process.env));
  } catch (error) {
    if (!CachesetError.is(error)) throw error;
    console.error(`cacheset gallery stack: ${error.message}`);
    return 2;
  }
  console.log(stack.summary);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('cacheset gallery stack: stopping Varnish, nginx, the site and Redis');
  await stack.stop();
  console.log('cacheset gallery stack: stopped');
  return 0;
}

process.exitCode = await main();
