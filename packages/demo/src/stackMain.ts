#!/usr/bin/env node
// `npm run stack`: the gallery with Redis, nginx (serving the disk dump) and Varnish (the shipped VCL)
// in front, on free loopback ports, for whichever of them are installed. Ctrl-C stops them all.
// `npm run stack -- --apps 3 --varnish 2 --redis`: three application processes behind nginx, two
// Varnish instances in front of it, one Redis, every application purging every Varnish.
import 'reflect-metadata/lite';
import { CachesetError } from '@cacheset/core';
import { loadSettings } from './config/loadSettings.js';
import { runFleet } from './stack/runFleet.js';
import { runStack } from './stack/runStack.js';
import { readStackShape } from './stack/StackShape.js';

async function main(): Promise<number> {
  let stack: { readonly summary: string; stop(): Promise<void> };
  try {
    const { shape, rest } = readStackShape(process.argv.slice(2));
    const settings = loadSettings(rest, process.env);
    stack = shape.apps === 1 && shape.varnish === 1 ? await runStack(settings) : await runFleet(settings, shape);
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
