#!/usr/bin/env node
// The `cacheset` command. It runs the compiled program; inside the repository that exists once
// `npx tsc -b` has run, which this says instead of failing with a module-not-found trace.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("cacheset: the command is not built yet; run 'npx tsc -b' in the repository first\n");
  process.exitCode = 1;
} else {
  await import(main.href);
}
