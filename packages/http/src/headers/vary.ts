/**
 * Adds header names to a Vary value, case-insensitively and without duplicates, keeping what was
 * there; `*` absorbs everything (RFC 9110 §12.5.5).
 */
export function mergeVary(existing: string | undefined, add: readonly string[]): string | undefined {
  // The usual case: nothing there yet and one configured header.
  if (existing === undefined && add.length === 1) {
    const only = (add[0] as string).trim();
    return only.length === 0 ? undefined : only;
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (const part of [...(existing === undefined ? [] : existing.split(',')), ...add]) {
    const name = part.trim();
    if (name.length === 0) continue;
    if (name === '*') return '*';
    const lower = name.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    names.push(name);
  }
  return names.length === 0 ? undefined : names.join(', ');
}

/** The request-header names a Vary value lists, lower-case; `['*']` for Vary: *. */
export function varyNames(value: string | undefined): readonly string[] {
  if (value === undefined) return [];
  const names = value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n.length > 0);
  return names.includes('*') ? ['*'] : names;
}
