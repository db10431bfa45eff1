#!/usr/bin/env node
// The import boundaries of the packages, checked in `npm run lint` (and by test/importBoundaries.spec.ts):
//   1. a plugin (http, ram, purge, fs) imports no other plugin, for code or for types, anywhere in its
//      folder (sources, tests, examples): what several packages do together lives in examples/ and test/;
//   2. the core imports no plugin, and no server, disk or Redis module;
//   3. a server adapter (http/src/{node,express,fastify,koa}) imports the host (runtime/HttpCaching,
//      runtime/HttpSettings), errors and other adapter code, never an operation's internals.
// Imports are read with the TypeScript compiler's own pre-processor (`ts.preProcessFile`): it sees
// `import`, `import type`, `export ... from` and `import()`, which a regular expression would not all
// catch, and the compiler is already a dependency of the repository.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PLUGINS = ['http', 'ram', 'purge', 'fs', 'admin'];
const ADAPTERS = ['node', 'express', 'fastify', 'koa'];

/** Modules the core must not use: servers, the disk, Redis, HTTP clients. */
const SERVER_DISK_REDIS =
  /^(node:)?(http|https|http2|net|tls|dgram|fs|fs\/promises)$|^(express|fastify|fastify-plugin|koa|ioredis|redis|undici)(\/|$)/;

/**
 * Deliberate exceptions, each with its reason. The core reads a configuration file (`loadConfigFile`):
 * that is the application's configuration, not a cache kept on disk.
 */
export const EXCEPTIONS = [{ file: 'packages/core/src/config/loadConfig.ts', specifier: 'node:fs/promises' }];

/** What an adapter file may import, relative to http/src: the host, errors, adapter code. */
const ADAPTER_MAY_IMPORT = [
  ...ADAPTERS.map((dir) => `${dir}/`),
  'runtime/HttpCaching.js',
  'runtime/HttpSettings.js',
  'errors/',
];

const SOURCE = /\.(ts|mts|cts|mjs|js)$/;
const SKIPPED = new Set(['node_modules', 'dist', 'coverage', '.git']);

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Every import specifier of a source text. */
export function specifiersOf(text) {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** The package folder (`http`) a repository path lies in, or undefined. */
function packageOf(file) {
  const parts = file.split('/');
  return parts[0] === 'packages' ? parts[1] : undefined;
}

/**
 * The problems of one file (a path relative to the repository, with '/') importing `specifiers`.
 * Pure, so that the test can check each rule on files that do not exist.
 */
export function problemsOf(file, specifiers) {
  const problems = [];
  const owner = packageOf(file);
  for (const specifier of specifiers) {
    if (EXCEPTIONS.some((e) => e.file === file && e.specifier === specifier)) continue;
    const scoped = /^@cacheset\/([^/]+)/.exec(specifier)?.[1];
    const target = specifier.startsWith('.')
      ? relative(ROOT, resolve(ROOT, dirname(file), specifier))
          .split(sep)
          .join('/')
      : undefined;
    const targetPackage = scoped ?? (target === undefined ? undefined : packageOf(target));
    const say = (rule) => problems.push(`${file}: imports '${specifier}': ${rule}`);
    if (owner !== undefined && owner !== targetPackage && PLUGINS.includes(targetPackage)) {
      if (PLUGINS.includes(owner)) say(`a plugin (${owner}) must not import another plugin (${targetPackage})`);
      else if (owner === 'core') say(`the core must not import a plugin (${targetPackage})`);
    }
    if (owner === 'core' && file.startsWith('packages/core/src/') && SERVER_DISK_REDIS.test(specifier))
      say('the core must not use a server, disk or Redis module');
    const adapter = ADAPTERS.find((dir) => file.startsWith(`packages/http/src/${dir}/`));
    if (adapter !== undefined && target?.startsWith('packages/http/src/')) {
      const inside = target.slice('packages/http/src/'.length);
      if (!ADAPTER_MAY_IMPORT.some((allowed) => inside.startsWith(allowed)))
        say(`a server adapter must not import an operation's internals (${inside}); go through the host or core`);
    }
  }
  return problems;
}

/** Every problem in the repository's packages. */
export function checkImports(root = ROOT) {
  return walk(join(root, 'packages')).flatMap((path) => {
    const file = relative(root, path).split(sep).join('/');
    return problemsOf(file, specifiersOf(readFileSync(path, 'utf8')));
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkImports();
  if (problems.length > 0) {
    console.error(`Import boundaries: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log('Import boundaries: plugins import only the core; the core no server, disk or Redis module.');
}
