/**
 * One content type the filesystem cache can keep. The type travels in the file name: a response of
 * this type is written as `<url path>.<extension>`, and the generated nginx `types` block maps the
 * extension back to exactly `mediaType` (plus `; charset=<charset>`), so the static copy is served
 * with the Content-Type the application sent.
 */
export interface ContentTypeEntry {
  /** The file extension, lower-case ASCII letters and digits, no dot: `html`, `png`. */
  readonly extension: string;
  /** The media type, lower-case: `text/html`, `image/png`. */
  readonly mediaType: string;
  /**
   * The charset announced with the type (`utf-8`), or undefined for types that carry none (images,
   * JSON, whose encoding is fixed by its RFC). A response with another charset is not written.
   */
  readonly charset?: string;
  /** Text-like: worth pre-compressed `.gz` / `.br` siblings. Default false. */
  readonly compressible?: boolean;
}

/** The Content-Type header value nginx will send for a file of this entry. */
export function servedContentType(entry: ContentTypeEntry): string {
  return entry.charset === undefined ? entry.mediaType : `${entry.mediaType}; charset=${entry.charset}`;
}

/**
 * The default table, in the order nginx tries the extensions (pages first: every extension costs
 * a stat() on a miss, and the earlier a type is, the cheaper its hits).
 */
export const DEFAULT_CONTENT_TYPES: readonly ContentTypeEntry[] = Object.freeze(
  [
    { extension: 'html', mediaType: 'text/html', charset: 'utf-8', compressible: true },
    { extension: 'json', mediaType: 'application/json', compressible: true },
    { extension: 'png', mediaType: 'image/png' },
    { extension: 'jpg', mediaType: 'image/jpeg' },
    { extension: 'webp', mediaType: 'image/webp' },
    { extension: 'avif', mediaType: 'image/avif' },
    { extension: 'gif', mediaType: 'image/gif' },
    { extension: 'svg', mediaType: 'image/svg+xml', compressible: true },
    { extension: 'xml', mediaType: 'application/xml', compressible: true },
    { extension: 'txt', mediaType: 'text/plain', charset: 'utf-8', compressible: true },
    { extension: 'css', mediaType: 'text/css', charset: 'utf-8', compressible: true },
    { extension: 'js', mediaType: 'text/javascript', charset: 'utf-8', compressible: true },
  ].map((entry) => Object.freeze(entry)),
);
