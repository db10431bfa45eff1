import type { ContentTypeProblem } from '../contentTypes/ContentTypeTable.js';
import type { PathProblem } from '../paths/PathProblem.js';

/** Why a response was judged unsafe to share from disk (DESIGN §3), before any byte is written. */
export type SharingProblem =
  /** Not a GET (HEAD has no body to keep; other methods are not cacheable). */
  | 'method'
  /** Not exactly 200. */
  | 'status'
  /** The request came from a user (the adapter's user resolver said so). */
  | 'authenticated'
  /** IAnonymousAccess says anonymous visitors may not see the content. */
  | 'not-public'
  /** The response sets a cookie. */
  | 'set-cookie'
  /** Cache-Control private or no-store. */
  | 'private'
  /** A Vary other than Accept-Encoding: nginx serves one file to everybody. */
  | 'vary'
  /** A cache-stop request variable (query parameter or cookie) is present. */
  | 'cache-stop'
  /** The body is already content-encoded (gzip, br): the file would be served as identity. */
  | 'content-encoding'
  /** Zero bytes: an empty file served as a page is never right (wsgi_cache's zero-byte files). */
  | 'empty-body'
  /** The response's Cache-Control differs from the one nginx sends for the static copy. */
  | 'cache-control-mismatch';

/** Why a write that was safe did not happen (or did not survive). */
export type StoreProblem =
  /** Larger than `maxFileBytes` (the body was not buffered) or than the whole byte budget. */
  | 'too-large'
  /** The response did not finish (client went away, handler failed, streamed without end). */
  | 'aborted'
  /** A purge of this URL (or `clear()`) happened after the request started: the body may be stale. */
  | 'purged'
  /** Another request is writing the same page with a body no purge has made stale: one write is enough. */
  | 'duplicate'
  /** A symbolic link inside the root lies on the path: never followed. */
  | 'symlink'
  /** A file stands where a directory is needed, or a directory where the file goes. */
  | 'path-conflict'
  /** The resolved directory is not under the root (a planted link or a race): never written. */
  | 'outside-root'
  /** The filesystem refused the write for another reason (full disk, permissions); logged. */
  | 'io-error'
  /** The cache was closed. */
  | 'closed';

/** Every reason a response was not written, as counted in `FsCacheStats.refused`. */
export type RefusalReason = PathProblem | ContentTypeProblem | SharingProblem | StoreProblem;
