import type { Dirent } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentTypeTable } from '../contentTypes/ContentTypeTable.js';
import { QUERY_MARKER } from '../paths/CacheLocation.js';
import type { PathRules } from '../paths/PathRules.js';
import { removeFile, TEMP_FILE } from './atomicFiles.js';
import type { PageRecord } from './FileIndex.js';

/** Directories `clear()` moves the tree into before deleting it. */
export const TRASH_PREFIX = '.cs-trash-';

export interface ScannedPage extends PageRecord {
  readonly mtimeMs: number;
}

export interface ScanResult {
  /** Pages found, least recently written first. */
  readonly pages: readonly ScannedPage[];
  /** Leftovers of interrupted writes and clears, and orphaned siblings, deleted. */
  readonly removed: number;
}

/** The purge key of a page file (`a/b!page=2.html` → `/a/b`, `a/index.html` → `/a`). */
export function keyOfFile(file: string, extension: string, indexName: string): string {
  const slash = file.lastIndexOf('/');
  const dir = slash < 0 ? '' : file.slice(0, slash);
  const name = file.slice(slash + 1, file.length - extension.length - 1);
  const marker = name.indexOf(QUERY_MARKER);
  const page = marker < 0 ? name : name.slice(0, marker);
  if (page === indexName) return `/${dir}`;
  return `/${dir === '' ? '' : `${dir}/`}${page}`;
}

/**
 * Rebuilds the index from the tree when a cache opens, so the byte budget and purges cover pages
 * written by an earlier run. Symbolic links are never followed; dot names other than the cache's
 * leftovers are left alone. Leftover temporary files (a crash mid-write) and trash directories (a
 * crash mid-clear) are deleted, as are compressed siblings whose page is gone.
 */
export async function scanTree(
  root: string,
  table: ContentTypeTable,
  rules: PathRules,
  onError: (error: unknown, path: string) => void,
): Promise<ScanResult> {
  const pages: ScannedPage[] = [];
  const siblings = new Map<string, { path: string; bytes: number }[]>();
  let removed = 0;
  const stack: string[] = [''];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, dir), { withFileTypes: true });
    } catch (error) {
      onError(error, join(root, dir));
      continue;
    }
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const abs = join(root, rel);
      try {
        if (entry.isSymbolicLink()) continue;
        if (entry.isDirectory()) {
          if (dir === '' && entry.name.startsWith(TRASH_PREFIX)) {
            await rm(abs, { recursive: true, force: true });
            removed += 1;
          } else if (!entry.name.startsWith('.')) stack.push(rel);
          continue;
        }
        if (!entry.isFile()) continue;
        if (TEMP_FILE.test(entry.name)) {
          if (await removeFile(abs)) removed += 1;
          continue;
        }
        if (entry.name.startsWith('.')) continue;
        const suffix = entry.name.slice(-3);
        if (suffix === '.gz' || suffix === '.br') {
          const page = rel.slice(0, -3);
          const list = siblings.get(page) ?? [];
          list.push({ path: rel, bytes: (await lstat(abs)).size });
          siblings.set(page, list);
          continue;
        }
        const dot = entry.name.lastIndexOf('.');
        if (dot <= 0) continue;
        const extension = entry.name.slice(dot + 1);
        if (table.byExtension(extension) === undefined) continue;
        const stats = await lstat(abs);
        pages.push({
          file: rel,
          key: keyOfFile(rel, extension, rules.indexName),
          siblings: [],
          bytes: stats.size,
          mtimeMs: stats.mtimeMs,
        });
      } catch (error) {
        onError(error, abs);
      }
    }
  }
  const complete = pages.map((page) => {
    const own = siblings.get(page.file) ?? [];
    siblings.delete(page.file);
    return { ...page, siblings: own.map((s) => s.path), bytes: page.bytes + own.reduce((sum, s) => sum + s.bytes, 0) };
  });
  for (const orphans of siblings.values()) {
    for (const orphan of orphans) {
      try {
        if (await removeFile(join(root, orphan.path))) removed += 1;
      } catch (error) {
        onError(error, join(root, orphan.path));
      }
    }
  }
  complete.sort((a, b) => a.mtimeMs - b.mtimeMs);
  return { pages: complete, removed };
}
