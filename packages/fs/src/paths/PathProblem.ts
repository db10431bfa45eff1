/**
 * Why a request URL has no place under the document root. Each is a refusal reason in the
 * statistics; none of them is ever an exception at the request.
 */
export type PathProblem =
  /** Not a path starting with `/` (absolute-form `http://host/...`, `*`, or empty). */
  | 'not-origin-form'
  /** A raw character outside printable ASCII, or a `#`. */
  | 'bad-character'
  /** A malformed percent-escape or bytes that are not UTF-8 (overlong forms included). */
  | 'bad-encoding'
  /** `%2F`: nginx decodes it into a separator, so the app and nginx would see different paths. */
  | 'encoded-slash'
  /** A backslash, raw or `%5C` (a separator on other systems). */
  | 'backslash'
  /** A `%` escape left after decoding once (`%252e`): somebody decodes twice somewhere. */
  | 'double-encoded'
  /** NUL or another control character after decoding. */
  | 'control-character'
  /** `%2E`: an encoded dot only ever hides a dot segment or a dot name from a filter. */
  | 'encoded-dot'
  /** A `.` or `..` segment, raw or encoded (nginx would resolve it; the app may not). */
  | 'dot-segment'
  /** An empty segment (`//`): nginx merges it, the app may not. */
  | 'empty-segment'
  /** A segment starting with `.`: dot names are the cache's own (temporary files, trash) and never served. */
  | 'hidden-name'
  /**
   * The query-variant marker `!` or an (encoded) `?` in a segment, a last segment equal to the
   * directory index name, or a directory segment ending with the first type's extension (`/a.html/b`).
   */
  | 'reserved-name'
  /** A file or directory name longer than the filesystem allows (255 bytes by default). */
  | 'name-too-long'
  /** The whole relative path is longer than the limit. */
  | 'path-too-long'
  /** A query string, and the policy allows no query (or not these parameters). */
  | 'query'
  /** An allowed query, but not in canonical form (sorted, `name=value`, unreserved characters only). */
  | 'query-not-canonical';
