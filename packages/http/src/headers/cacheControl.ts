/** Directives parsed from a Cache-Control value: lower-case names; `true` for directives without a value. */
export type CacheControlDirectives = ReadonlyMap<string, string | true>;

const MAX_LENGTH = 4_096;

/** Parses a Cache-Control header leniently (quoted values, stray commas); never throws. */
export function parseCacheControl(value: string | undefined): CacheControlDirectives {
  const directives = new Map<string, string | true>();
  if (value === undefined) return directives;
  const text = value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value;
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed.length === 0) continue;
    const eq = trimmed.indexOf('=');
    const name = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase();
    if (name.length === 0 || directives.has(name)) continue;
    let argument = eq < 0 ? '' : trimmed.slice(eq + 1).trim();
    if (argument.startsWith('"') && argument.endsWith('"') && argument.length >= 2) argument = argument.slice(1, -1);
    directives.set(name, eq < 0 ? true : argument);
  }
  return directives;
}

/** `max-age` (or another delta-seconds directive) as a number, when present and valid. */
export function deltaSeconds(directives: CacheControlDirectives, name: string): number | undefined {
  const value = directives.get(name);
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}
