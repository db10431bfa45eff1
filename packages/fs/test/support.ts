import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CachesetLogger } from '@cacheset/core';
import { FsCache, type CacheLocation, type FsCacheOptions } from '../src/index.js';
import { MARKS_DIR } from '../src/store/SharedPurgeMarks.js';

/** A temporary directory for one test, removed by `cleanup()`. */
export async function tempDir(): Promise<{ readonly dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cacheset-fs-unit-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A logger that keeps what it is told (and fails the test if asked to, by reading `errors`). */
export function memoryLogger(): CachesetLogger & { readonly errors: string[] } {
  const errors: string[] = [];
  return { errors, warn: (m) => void errors.push(m), error: (m) => void errors.push(m) };
}

export async function openCache(root: string, options: Omit<FsCacheOptions, 'root'> = {}): Promise<FsCache> {
  return FsCache.open({ durable: false, logger: memoryLogger(), ...options, root });
}

export function locate(cache: FsCache, url: string, allowed: readonly string[] | null = null): CacheLocation {
  const located = cache.locate(url, allowed);
  if ('problem' in located) throw new Error(`${url}: ${located.problem}`);
  return located.location;
}

/** Writes a page now (ticket taken now). */
export function put(
  cache: FsCache,
  url: string,
  body: string | Buffer,
  contentType = 'text/html; charset=utf-8',
): ReturnType<FsCache['write']> {
  return cache.write(cache.begin(), locate(cache, url), {
    contentType,
    body: typeof body === 'string' ? Buffer.from(body) : body,
  });
}

/** Every file under `dir`, relative and sorted (links listed, never followed), but the cache's own marks. */
export async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((path) => !path.startsWith(`${MARKS_DIR}/`))
    .sort();
}
