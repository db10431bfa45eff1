import { CachesetError } from '@cacheset/core';
import { HttpErrorCodes } from '../errors/httpErrorCodes.js';

/** RFC 9110 token characters: what a header field name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isHeaderName(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * A header-name list from configuration: "Accept, Accept-Language" or ["Accept", "Accept-Language"].
 * `*` is allowed (Vary: *). Throws `ERR_CACHESET_INVALID_HEADER_NAME` naming the bad entry.
 */
export function parseHeaderList(value: unknown): readonly string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (items === undefined) {
    throw new CachesetError(
      HttpErrorCodes.INVALID_HEADER_NAME,
      `expected header names as "A, B" or ["A", "B"], got ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  const names: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string')
      throw new CachesetError(
        HttpErrorCodes.INVALID_HEADER_NAME,
        `header names are strings, got ${JSON.stringify(item) ?? String(item)}.`,
      );
    const name = item.trim();
    if (name.length === 0) continue;
    if (name !== '*' && !isHeaderName(name)) {
      throw new CachesetError(
        HttpErrorCodes.INVALID_HEADER_NAME,
        `${JSON.stringify(name)} is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only).`,
      );
    }
    names.push(name);
  }
  return Object.freeze(names);
}
