import type { PathProblem } from './PathProblem.js';

/** Characters allowed raw in a kept query: RFC 3986 unreserved, so the raw and decoded forms agree. */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/**
 * The canonical form of a query the policy allows, or why it is refused. A kept query becomes part
 * of a file name that nginx looks up from the raw `$args`, so it must be exactly canonical: every
 * parameter whitelisted, each once, as `name=value` of unreserved characters, sorted by name. Any
 * other spelling is refused (the app answers it) rather than written under a name nginx would never
 * ask for.
 */
export function canonicalQuery(rawQuery: string, allowed: readonly string[] | null): string | PathProblem {
  if (rawQuery === '') return '';
  if (allowed === null || allowed.length === 0) return 'query';
  const names = new Set<string>();
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return 'query-not-canonical';
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!UNRESERVED.test(name) || !UNRESERVED.test(value)) return 'query-not-canonical';
    if (!allowed.includes(name)) return 'query';
    if (names.has(name)) return 'query-not-canonical';
    names.add(name);
    pairs.push([name, value]);
  }
  const canonical = pairs
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
  return canonical === rawQuery ? canonical : 'query-not-canonical';
}

/** The regular expression (for nginx `map` and Apache `RewriteCond`) a raw query must match to be looked up at all. */
export const SERVABLE_QUERY_PATTERN = '^[A-Za-z0-9._~=&-]+$';
