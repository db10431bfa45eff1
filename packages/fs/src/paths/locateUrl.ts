import { canonicalQuery } from './canonicalQuery.js';
import { QUERY_MARKER, type CacheLocation } from './CacheLocation.js';
import type { PathProblem } from './PathProblem.js';
import type { PathRules } from './PathRules.js';

/** Printable ASCII except `#` and `\`, which have their own reasons. */
const RAW_ALLOWED = /^[\x21-\x7e]*$/;
const CONTROL = /[\x00-\x1f\x7f]/;
const ESCAPE_LEFT = /%[0-9A-Fa-f]{2}/;
const ENCODED_SLASH = /%2f/i;
const ENCODED_BACKSLASH = /%5c/i;
const ENCODED_DOT = /%2e/i;

export type Located = { readonly location: CacheLocation } | { readonly problem: PathProblem };

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Decodes a raw URL path once, exactly as nginx builds `$uri`, and refuses every path where the
 * result is not a plain, unambiguous relative name: nginx would normalize it differently from the
 * application (dot segments, `//`, `%2F`), it could leave the root (`..`, NUL, backslash), or the
 * filesystem cannot hold it (over-long names). Nothing here touches the disk.
 */
export function decodeUrlPath(
  rawPath: string,
  rules: PathRules,
): { readonly segments: readonly string[]; readonly directory: boolean } | PathProblem {
  if (!rawPath.startsWith('/')) return 'not-origin-form';
  if (rawPath.includes('\\')) return 'backslash';
  if (rawPath.includes('#') || !RAW_ALLOWED.test(rawPath)) return 'bad-character';
  const rawSegments = rawPath.slice(1).split('/');
  const directory = rawSegments[rawSegments.length - 1] === '';
  if (directory) rawSegments.pop();
  const segments: string[] = [];
  for (const raw of rawSegments) {
    if (raw === '') return 'empty-segment';
    if (ENCODED_SLASH.test(raw)) return 'encoded-slash';
    if (ENCODED_BACKSLASH.test(raw)) return 'backslash';
    if (ENCODED_DOT.test(raw))
      return raw.replace(/%2e/gi, '.').replace(/^\.{1,2}$/, '') === '' ? 'dot-segment' : 'encoded-dot';
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return 'bad-encoding';
    }
    if (CONTROL.test(segment)) return 'control-character';
    if (segment === '.' || segment === '..') return 'dot-segment';
    if (segment.includes('/') || segment.includes('\\')) return 'encoded-slash';
    if (ESCAPE_LEFT.test(segment)) return 'double-encoded';
    if (segment.startsWith('.')) return 'hidden-name';
    // `?` only arrives encoded (%3F); nginx sends such URIs to the app, so they are never written either.
    if (segment.includes(QUERY_MARKER) || segment.includes('?')) return 'reserved-name';
    if (byteLength(segment) > rules.maxNameBytes) return 'name-too-long';
    segments.push(segment);
  }
  return { segments, directory };
}

/**
 * Where a request URL's response lives under the document root, or why it has no place there.
 * `allowedQuery` lists the query parameters the policy lets vary the page (null: none).
 */
export function locateUrl(url: string, rules: PathRules, allowedQuery: readonly string[] | null): Located {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const decoded = decodeUrlPath(rawPath, rules);
  if (typeof decoded === 'string') return { problem: decoded };
  const query = canonicalQuery(q < 0 ? '' : url.slice(q + 1), allowedQuery);
  if (query === 'query' || query === 'query-not-canonical') return { problem: query };
  const { segments, directory } = decoded;
  const last = segments[segments.length - 1];
  // `/a/index` would be stored as `a/index.html`, the file of `/a/`: one of them must give way.
  if (!directory && last === rules.indexName) return { problem: 'reserved-name' };
  const dirSegments = directory ? segments : segments.slice(0, -1);
  if (dirSegments.some((s) => s.endsWith(rules.directSuffix))) return { problem: 'reserved-name' };
  const pageName = directory || last === undefined ? rules.indexName : last;
  const baseName = query === '' ? pageName : `${pageName}${QUERY_MARKER}${query}`;
  if (byteLength(baseName) + rules.suffixBytes > rules.maxNameBytes) return { problem: 'name-too-long' };
  const dir = dirSegments.join('/');
  if (byteLength(dir) + 1 + byteLength(baseName) + rules.suffixBytes > rules.maxPathBytes)
    return { problem: 'path-too-long' };
  return {
    location: {
      segments,
      directory: directory || segments.length === 0,
      query,
      dir,
      baseName,
      key: `/${segments.join('/')}`,
    },
  };
}

/**
 * The purge key of a path given to a purge (from `IPurgePaths`): the query is ignored (a purge covers
 * every kept query variant) and so is a trailing slash. Undefined for paths that can never have been
 * written.
 */
export function purgeKeyOf(
  path: string,
  rules: PathRules,
): { readonly key: string; readonly segments: readonly string[] } | undefined {
  const q = path.indexOf('?');
  const decoded = decodeUrlPath(q < 0 ? path : path.slice(0, q), rules);
  if (typeof decoded === 'string') return undefined;
  return { key: `/${decoded.segments.join('/')}`, segments: decoded.segments };
}
