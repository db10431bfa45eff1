/** Tags grouped so that each group, joined with the separator, fits in a header of `maxBytes`. */
export interface TagGroups {
  readonly groups: readonly (readonly string[])[];
  /** Tags longer than `maxBytes` on their own: no request can carry them. */
  readonly oversized: readonly string[];
}

/**
 * Splits a tag list over as few headers as fit under `maxBytes` each, keeping the order. Proxies
 * refuse or truncate oversized headers (Varnish answers 400 over `http_req_hdr_len`; a truncated
 * list would silently purge less), so long lists become several requests. Tags are ASCII (surrogate
 * keys are visible ASCII), so characters are bytes.
 */
export function splitTags(tags: Iterable<string>, separator: string, maxBytes: number): TagGroups {
  const groups: string[][] = [];
  const oversized: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const tag of tags) {
    if (tag.length > maxBytes) {
      oversized.push(tag);
      continue;
    }
    const added = current.length === 0 ? tag.length : length + separator.length + tag.length;
    if (added > maxBytes) {
      groups.push(current);
      current = [tag];
      length = tag.length;
    } else {
      current.push(tag);
      length = added;
    }
  }
  if (current.length > 0) groups.push(current);
  return { groups, oversized };
}
