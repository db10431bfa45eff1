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
