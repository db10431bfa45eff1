import { createHash } from 'node:crypto';

/** Longer tags are hashed: an ETag echoes request input (Accept-Language) and must stay small. */
const MAX_ETAG_LENGTH = 512;

/** Characters allowed in an entity tag besides the ones the ancestors map (RFC 9110 etagc, minus '"'). */
const NEEDS_ESCAPE = /[^\x21\x23-\x7e]/gu;
/** Anything the mapping or the escaping would change: `"`, `,` or a character outside etagc. */
const NEEDS_WORK = /[^\x21\x23-\x2b\x2d-\x7e]/;

function percentEncode(ch: string): string {
  // Buffer turns a lone surrogate into U+FFFD instead of throwing, as encodeURIComponent would.
  let out = '';
  for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * plone.app.caching's join: `|` + tokens joined by `|`, then `,` → `;` and `"` → `'`. Anything else an
 * entity tag may not contain (spaces, controls, non-ASCII) is percent-encoded, and very long tags are
 * replaced by a digest, so the result is always a valid opaque tag. Undefined when no token has a value.
 */
export function joinETagTokens(tokens: readonly (string | undefined)[]): string | undefined {
  // Consecutive requests for one page give the same tokens: hand back the same string, already
  // flattened and checked, instead of building and scanning a new one for every request.
  if (sameTokens(tokens, lastTokens)) return lastJoined;
  const joined = computeJoined(tokens);
  lastTokens = tokens.slice();
  lastJoined = joined;
  return joined;
}

let lastTokens: readonly (string | undefined)[] = [];
let lastJoined: string | undefined;

function sameTokens(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function computeJoined(tokens: readonly (string | undefined)[]): string | undefined {
  let joined = '';
  let any = false;
  for (const token of tokens) {
    joined += '|';
    if (token !== undefined) {
      joined += token;
      any = true;
    }
  }
  if (!any) return undefined;
  // Mapping keeps the length and escaping only adds to it: a tag already too long is hashed as it is,
  // so a huge token (a hostile Accept-Language) costs one digest, not passes over every character.
  if (joined.length > MAX_ETAG_LENGTH) return digestTag(joined);
  // Most tags (numbers, versions, ids) need nothing: skip the three passes over the string.
  if (!NEEDS_WORK.test(joined)) return joined;
  const escaped = joined.replaceAll(',', ';').replaceAll('"', "'").replace(NEEDS_ESCAPE, percentEncode);
  return escaped.length <= MAX_ETAG_LENGTH ? escaped : digestTag(escaped);
}

function digestTag(text: string): string {
  return `|sha256:${createHash('sha256').update(text).digest('base64url')}`;
}
