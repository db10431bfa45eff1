/**
 * Entity tags (RFC 9110 §8.8.3). `opaque` is the text between the quotes; `weak` is the `W/` prefix.
 */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** `"<opaque>"`, or `W/"<opaque>"` for a weak tag. */
export function formatEntityTag(opaque: string, weak = false): string {
  // The same page's tag again (joinETagTokens hands back the same string): reuse the quoted form.
  if (opaque === lastOpaque && weak === lastWeak) return lastTag;
  lastOpaque = opaque;
  lastWeak = weak;
  lastTag = weak ? `W/"${opaque}"` : `"${opaque}"`;
  return lastTag;
}

let lastOpaque: string | undefined;
let lastWeak = false;
let lastTag = '';

/** More list items than any sane client sends; the rest of a hostile header is not scanned. */
const MAX_TAGS = 64;
const MAX_LENGTH = 16_384;

/**
 * Parses an If-None-Match / If-Match value: `*`, or a comma-separated list of (weak or strong) quoted
 * tags. Lazy clients' unquoted tags are accepted, as plone.app.caching does. Returns `'*'` for the
 * wildcard, or the tags (possibly empty); never throws.
 */
export function parseEntityTagList(header: string | undefined): '*' | EntityTag[] {
  if (header === undefined) return [];
  const text = header.length > MAX_LENGTH ? header.slice(0, MAX_LENGTH) : header;
  if (text.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  const n = text.length;
  while (i < n && tags.length < MAX_TAGS) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i += 1;
    if (i >= n) break;
    let weak = false;
    if ((text[i] === 'W' || text[i] === 'w') && text[i + 1] === '/') {
      weak = true;
      i += 2;
    }
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) {
        // An unterminated quote: what follows is one odd tag that never matches a real one.
        tags.push({ weak, opaque: text.slice(i) });
        break;
      }
      tags.push({ weak, opaque: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      const end = text.indexOf(',', i);
      const raw = end < 0 ? text.slice(i) : text.slice(i, end);
      const opaque = raw.replace(/\s+$/, '');
      if (opaque === '*') return '*';
      if (opaque.length > 0) tags.push({ weak, opaque });
      i = end < 0 ? n : end;
    }
  }
  return tags;
}

/** Weak comparison (RFC 9110 §8.8.3.2): the opaque parts match, whatever the W/ prefixes. */
export function weakMatch(list: '*' | readonly EntityTag[], opaque: string): boolean {
  return list === '*' || list.some((tag) => tag.opaque === opaque);
}

/** Strong comparison: both tags strong and the opaque parts equal. */
export function strongMatch(list: '*' | readonly EntityTag[], opaque: string, weak: boolean): boolean {
  if (list === '*') return true;
  return !weak && list.some((tag) => !tag.weak && tag.opaque === opaque);
}
