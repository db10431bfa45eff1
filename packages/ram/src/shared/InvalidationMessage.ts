import { isSurrogateKey } from '@cacheset/core';
import { canonicalPath, pathProblem } from '../paths/canonicalPath.js';

/**
 * What one invalidation covers: everything, or subtrees, pages and tags. All paths are canonical.
 * A subtree (`paths`) is an object's path and everything under it: its views and values live there.
 * A page (`pages`) is that path alone: every request target with it (query-string variants, the
 * trailing-slash twin), not what lies under it. That is what a caching proxy purges for a URL, and
 * what the pages an `IPurgePaths` adapter names need: `/` as a page is the front page, as a subtree
 * it would be the whole site.
 */
export interface Invalidation {
  readonly all: boolean;
  readonly paths: readonly string[];
  readonly pages: readonly string[];
  readonly tags: readonly string[];
}

/**
 * The broadcast form: the sender's id, so it can ignore its own messages, and the number the sender
 * gave this broadcast, which receivers answer with once they applied it (absent in messages of
 * senders that wait for no answer).
 */
interface Wire {
  readonly o: string;
  readonly s?: string;
  readonly a: boolean;
  readonly p: readonly string[];
  /** Exact pages; absent in messages of senders that have none to send. */
  readonly x?: readonly string[];
  readonly t: readonly string[];
}

export function encodeInvalidation(origin: string, invalidation: Invalidation, sequence?: string): string {
  const wire: Wire = {
    o: origin,
    ...(sequence === undefined ? {} : { s: sequence }),
    a: invalidation.all,
    p: invalidation.paths,
    t: invalidation.tags,
  };
  return JSON.stringify(invalidation.pages.length === 0 ? wire : { ...wire, x: invalidation.pages });
}

/** The paths canonicalised again, so that a sender can never make a receiver misread one; undefined if one is bad. */
function canonicalPaths(list: readonly unknown[]): string[] | undefined {
  const paths: string[] = [];
  for (const p of list) {
    if (p === '') paths.push('');
    else if (pathProblem(p) === undefined) paths.push(canonicalPath(p as string));
    else return undefined;
  }
  return paths;
}

/**
 * Parses a broadcast message; undefined for anything malformed (another program on the channel, a
 * newer format): a bad message must not break the subscriber.
 */
export function decodeInvalidation(
  text: string,
): { origin: string; sequence: string | undefined; invalidation: Invalidation } | undefined {
  let wire: unknown;
  try {
    wire = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof wire !== 'object' || wire === null) return undefined;
  const w = wire as Partial<Wire>;
  if (typeof w.o !== 'string' || typeof w.a !== 'boolean' || !Array.isArray(w.p) || !Array.isArray(w.t))
    return undefined;
  if (w.x !== undefined && !Array.isArray(w.x)) return undefined;
  if (w.s !== undefined && typeof w.s !== 'string') return undefined;
  const paths = canonicalPaths(w.p);
  const pages = canonicalPaths(w.x ?? []);
  if (paths === undefined || pages === undefined) return undefined;
  if (!(w.t as unknown[]).every(isSurrogateKey)) return undefined;
  return { origin: w.o, sequence: w.s, invalidation: { all: w.a, paths, pages, tags: w.t as string[] } };
}
