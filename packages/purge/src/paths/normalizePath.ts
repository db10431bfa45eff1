/**
 * Gives a path its leading slash, as plone.cachepurging's `getURLsToPurge` does: `foo/bar` becomes
 * `/foo/bar` and the empty path becomes `/` (the site root).
 */
export function withLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
