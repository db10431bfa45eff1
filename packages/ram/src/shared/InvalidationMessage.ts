import { isSurrogateKey } from '@cacheset/core';
import { canonicalPath, pathProblem } from '../paths/canonicalPath.js';

/** What one invalidation covers: everything, or canonical paths (and what lies under them) and tags. */
export interface Invalidation {
  readonly all: boolean;
  readonly paths: readonly string[];
  readonly tags: readonly string[];
}

/** The broadcast form: the sender's id, so it can ignore its own messages. */
interface Wire {
  readonly o: string;
  readonly a: boolean;
  readonly p: readonly string[];
  readonly t: readonly string[];
}

export function encodeInvalidation(origin: string, invalidation: Invalidation): string {
  return JSON.stringify({ o: origin, a: invalidation.all, p: invalidation.paths, t: invalidation.tags } satisfies Wire);
}

/**
 * Parses a broadcast message; undefined for anything malformed (another program on the channel, a
 * newer format): a bad message must not break the subscriber. Paths are canonicalised again, so a
 * sender can never make a receiver misread one.
 */
export function decodeInvalidation(text: string): { origin: string; invalidation: Invalidation } | undefined {
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
  const paths: string[] = [];
  for (const p of w.p as unknown[]) {
    if (p === '') paths.push('');
    else if (pathProblem(p) === undefined) paths.push(canonicalPath(p as string));
    else return undefined;
  }
  if (!(w.t as unknown[]).every(isSurrogateKey)) return undefined;
  return { origin: w.o, invalidation: { all: w.a, paths, tags: w.t as string[] } };
}
