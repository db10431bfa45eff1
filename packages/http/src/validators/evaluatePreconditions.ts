import { parseHttpDate } from '../dates/httpDate.js';
import { parseEntityTagList, strongMatch, weakMatch } from './entityTags.js';

export interface PreconditionInput {
  readonly method: string;
  header(name: string): string | undefined;
  /** The current ETag's opaque part, when ETags are configured. */
  readonly etag: string | undefined;
  readonly weakETag: boolean;
  /** The current Last-Modified, epoch ms, when known. */
  readonly lastModified: number | undefined;
}

/**
 * - `proceed`: render normally.
 * - `not-modified`: answer 304 (GET and HEAD only).
 * - `precondition-failed`: answer 412.
 * `ignoreRange` says that an If-Range did not match, so a Range header must be ignored (the full
 * representation is sent).
 */
export interface PreconditionResult {
  readonly outcome: 'proceed' | 'not-modified' | 'precondition-failed';
  readonly ignoreRange: boolean;
}

const PROCEED: PreconditionResult = Object.freeze({ outcome: 'proceed', ignoreRange: false });
const NOT_MODIFIED: PreconditionResult = Object.freeze({ outcome: 'not-modified', ignoreRange: false });
const FAILED: PreconditionResult = Object.freeze({ outcome: 'precondition-failed', ignoreRange: false });

/** Whole seconds: HTTP dates have one-second granularity. */
const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * RFC 9110 §13.2.2, in its order: If-Match, else If-Unmodified-Since; then If-None-Match (weak
 * comparison, lists, `*`), else If-Modified-Since (GET/HEAD only, with a known Last-Modified); then
 * If-Range. Validators the server does not have make a condition false, so a stale client never gets
 * a 304 from a server that stopped sending ETags. Malformed headers are ignored; this never throws.
 */
export function evaluatePreconditions(input: PreconditionInput): PreconditionResult {
  const safe = input.method === 'GET' || input.method === 'HEAD';
  const exists = input.etag !== undefined || input.lastModified !== undefined;

  const ifMatch = input.header('if-match');
  if (ifMatch !== undefined) {
    const list = parseEntityTagList(ifMatch);
    const passes = list === '*' ? exists : input.etag !== undefined && strongMatch(list, input.etag, input.weakETag);
    if (!passes) return FAILED;
  } else {
    const since = parseHttpDate(input.header('if-unmodified-since'));
    if (since !== undefined && input.lastModified !== undefined && seconds(input.lastModified) > seconds(since)) {
      return FAILED;
    }
  }

  const ifNoneMatch = input.header('if-none-match');
  if (ifNoneMatch !== undefined) {
    const list = parseEntityTagList(ifNoneMatch);
    const matched = list === '*' ? exists : input.etag !== undefined && list.length > 0 && weakMatch(list, input.etag);
    if (matched) return safe ? NOT_MODIFIED : FAILED;
  } else if (safe && input.lastModified !== undefined) {
    const since = parseHttpDate(input.header('if-modified-since'));
    if (since !== undefined && seconds(input.lastModified) <= seconds(since)) return NOT_MODIFIED;
  }

  if (input.method === 'GET' && input.header('range') !== undefined) {
    const ifRange = input.header('if-range');
    if (ifRange !== undefined && !ifRangeMatches(ifRange, input)) return { outcome: 'proceed', ignoreRange: true };
  }
  return PROCEED;
}

function ifRangeMatches(value: string, input: PreconditionInput): boolean {
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
    // If-Range needs a strong validator (RFC 9110 §13.1.5).
    if (input.etag === undefined || input.weakETag) return false;
    const list = parseEntityTagList(trimmed);
    return list !== '*' && list.length === 1 && strongMatch(list, input.etag, false);
  }
  const date = parseHttpDate(trimmed);
  return date !== undefined && input.lastModified !== undefined && seconds(date) === seconds(input.lastModified);
}
