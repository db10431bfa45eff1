import { describeValue } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';

const MAX_PATH_LENGTH = 4096;
const MAX_DEPTH = 256;

/**
 * Why `path` cannot be an object or request path, or undefined when it can: a string that starts with
 * `/`, at most 4096 characters and 256 segments, without NUL or line breaks (the shared tier joins
 * paths with line breaks).
 */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string') return `is ${describeValue(path)}, not a string`;
  if (!path.startsWith('/')) return 'does not start with "/"';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  if (/[\0\r\n]/.test(path)) return 'contains NUL or a line break';
  let depth = 0;
  for (let i = 0; i < path.length; i += 1) if (path.charCodeAt(i) === 47) depth += 1;
  if (depth > MAX_DEPTH) return `has more than ${MAX_DEPTH} segments`;
  return undefined;
}

/** Throws `ERR_CACHESET_RAM_INVALID_PATH` naming `where` when `path` is not a path. */
export function assertPath(path: unknown, where: string): asserts path is string {
  const problem = pathProblem(path);
  if (problem !== undefined) {
    throw ramError(
      RamErrorCodes.INVALID_PATH,
      `${where}: the path ${describeValue(path)} ${problem}; paths look like "/images/cat".`,
      path,
    );
  }
}

function canonicalSegment(segment: string): string {
  // Purge paths come from adapters ("/café"), request paths from the wire ("/caf%C3%A9"): both must
  // land on the same spelling. Decoding then encoding each segment does that and keeps an encoded
  // "/" (%2F) inside its segment.
  try {
    return encodeURIComponent(decodeURIComponent(segment));
  } catch {
    return encodeURIComponent(segment);
  }
}

const CANONICAL = /^(?:\/[A-Za-z0-9\-_.!~*'()]+)+$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * The spelling invalidation compares: no empty segments (`/a/` and `/a` are the same object), dot
 * segments resolved, each segment percent-encoded one way; the root is `''`. Call it on valid paths.
 */
export function canonicalPath(path: string): string {
  // Most paths are already canonical: plain segments that encoding leaves as they are.
  if (CANONICAL.test(path) && !DOT_SEGMENT.test(path)) return path;
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '' || raw === '.') continue;
    if (raw === '..') {
      out.pop();
      continue;
    }
    out.push(canonicalSegment(raw));
  }
  return out.length === 0 ? '' : `/${out.join('/')}`;
}

/**
 * Whether `path` is `ancestor` or lies under it, segment-wise (SCM-9): `/a` covers `/a` and `/a/b`,
 * not `/ab`; the root covers everything. Both canonical.
 */
export function isUnder(path: string, ancestor: string): boolean {
  return (
    ancestor === '' ||
    path === ancestor ||
    (path.length > ancestor.length && path.startsWith(ancestor) && path.charCodeAt(ancestor.length) === 47)
  );
}

/** `''`, `/a`, `/a/b` for `/a/b`: every path whose invalidation covers it. */
export function ancestorsOf(canonical: string): string[] {
  const result = [''];
  let at = canonical.indexOf('/', 1);
  while (at > 0) {
    result.push(canonical.slice(0, at));
    at = canonical.indexOf('/', at + 1);
  }
  if (canonical !== '') result.push(canonical);
  return result;
}
