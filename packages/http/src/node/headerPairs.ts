/** Header pairs as sent, lower-case, one pair per line of multi-line headers (Set-Cookie). */
export function headerPairs(
  headers: Readonly<Record<string, string | number | readonly string[] | undefined>>,
): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) pairs.push([name.toLowerCase(), String(v)]);
    else pairs.push([name.toLowerCase(), String(value)]);
  }
  return pairs;
}

/**
 * The headers named in `names` as a flat list (`[name, value, ...]`, a list value one line each), in
 * that order, as `valueOf` gives them now; names no longer set are left out.
 */
export function flatHeaders(
  names: readonly string[],
  valueOf: (name: string) => string | number | readonly string[] | undefined,
): string[] {
  const flat: string[] = [];
  for (const name of names) {
    const value = valueOf(name);
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const line of value as readonly string[]) flat.push(name, String(line));
    else flat.push(name, String(value));
  }
  return flat;
}
