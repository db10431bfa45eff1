/**
 * Where one URL lives under the document root, before the content type (and so the extension) is
 * known. The file is `<directory>/<baseName>.<extension>`:
 *
 * | URL | directory | baseName |
 * |---|---|---|
 * | `/` | `` | `index` |
 * | `/a` | `` | `a` |
 * | `/a/` | `a` | `index` |
 * | `/a/b?page=2` (allowed query) | `a` | `b!page=2` |
 *
 * The extension is always appended, even when the URL has one (`/cat.png` → `cat.png.png`): that is
 * what keeps `/a` (a file `a.html`) and `/a/` or `/a/b` (a directory `a`) apart, the collision
 * wsgi_cache failed on, and keeps `/a.html` from being served the copy of `/a`.
 */
export interface CacheLocation {
  /** Decoded path segments, without the empty one after a trailing slash. */
  readonly segments: readonly string[];
  /** The URL ended with `/`: the file is the directory index. */
  readonly directory: boolean;
  /** The canonical query, or '' for none. */
  readonly query: string;
  /** Relative directory (segments joined with `/`; '' for the root). */
  readonly dir: string;
  /** The file name without its extension. */
  readonly baseName: string;
  /**
   * What purges address: `/` + segments. `/a` and `/a/` share a key, so a purge of either removes
   * the page, its directory index, every content type, query variant and compressed sibling.
   */
  readonly key: string;
}

/** The separator between a page's name and its kept query (`b!page=2.html`); refused inside segments. */
export const QUERY_MARKER = '!';

/** Relative path of the file for `location` with `extension`. */
export function fileOf(location: CacheLocation, extension: string): string {
  const name = `${location.baseName}.${extension}`;
  return location.dir === '' ? name : `${location.dir}/${name}`;
}
