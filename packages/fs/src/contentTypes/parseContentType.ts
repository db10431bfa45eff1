/** A Content-Type header split into what matching needs. */
export interface ParsedContentType {
  /** Lower-case `type/subtype`. */
  readonly mediaType: string;
  /** Lower-case charset with `utf8` spelled `utf-8`, or undefined when the header names none. */
  readonly charset: string | undefined;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Normalizes a charset label for comparison: case-insensitive, `utf8` is `utf-8`. */
export function normalizeCharset(label: string): string {
  const lower = label.trim().toLowerCase();
  return lower === 'utf8' ? 'utf-8' : lower;
}

/** Parses a Content-Type header (RFC 9110 §8.3); undefined when it is missing or malformed. */
export function parseContentType(header: string | undefined): ParsedContentType | undefined {
  if (header === undefined) return undefined;
  const [typePart = '', ...params] = header.split(';');
  const mediaType = typePart.trim().toLowerCase();
  const slash = mediaType.indexOf('/');
  if (slash <= 0 || !TOKEN.test(mediaType.slice(0, slash)) || !TOKEN.test(mediaType.slice(slash + 1))) return undefined;
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.length > 0) charset = normalizeCharset(value);
  }
  return { mediaType, charset };
}
