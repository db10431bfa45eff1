import { withLeadingSlash } from './normalizePath.js';

/** Nothing to encode: the common case skips the per-character loop. */
const PLAIN = /^[A-Za-z0-9\-._~/!$&()*+,;=:@%]*$/;

const utf8 = new TextEncoder();
const HEX = '0123456789ABCDEF';

function percentEncode(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) out += `%${HEX[byte >> 4] ?? '0'}${HEX[byte & 15] ?? '0'}`;
  return out;
}

/** The WHATWG URL "path percent-encode set": what a browser escapes in the path it requests. */
function escapeInPath(code: number): boolean {
  return (
    code <= 0x20 ||
    code === 0x22 ||
    code === 0x23 ||
    code === 0x3c ||
    code === 0x3e ||
    code === 0x60 ||
    code === 0x7b ||
    code === 0x7d ||
    code >= 0x7f
  );
}

/** The "special-query percent-encode set" (http and https). */
function escapeInQuery(code: number): boolean {
  return (
    code <= 0x20 || code === 0x22 || code === 0x23 || code === 0x27 || code === 0x3c || code === 0x3e || code >= 0x7f
  );
}

/**
 * The request target a proxy must be sent for `path`: a leading slash added, and every character a
 * browser would escape percent-encoded as UTF-8 (`/media/töst file.csv` → `/media/t%C3%B6st%20file.csv`).
 * Proxies key their caches on the URL exactly as clients sent it, so the purge must spell it the same
 * way. Existing `%XX` escapes are kept (never double-encoded); the first `?` starts the query, which
 * is escaped with the query set. A `#` cannot start a fragment here (fragments never reach a proxy),
 * so it is data and becomes `%23`. Control characters are escaped too, so nothing in a path can break
 * the request line.
 */
export function encodePath(path: string): string {
  const full = withLeadingSlash(path);
  if (PLAIN.test(full)) return full;
  let out = '';
  let inQuery = false;
  for (const char of full) {
    const code = char.codePointAt(0) ?? 0;
    if (!inQuery && char === '?') {
      inQuery = true;
      out += char;
      continue;
    }
    out += (inQuery ? escapeInQuery(code) : escapeInPath(code)) ? percentEncode(char) : char;
  }
  return out;
}
