import { suggestName } from '@cacheset/core';

/** The keys cacheset reads from a framework's per-request data and from a Fastify route's `config`. */
export const HINT_KEYS = ['cacheRuleset', 'cachePublished'] as const;

const OURS: ReadonlySet<string> = new Set(HINT_KEYS);
// Keys of other code share these objects; only keys whose length could be a near miss of ours are compared.
const SHORTEST = Math.min(...HINT_KEYS.map((k) => k.length)) - 3;
const LONGEST = Math.max(...HINT_KEYS.map((k) => k.length)) + 3;

/** A key that is not ours but is a near miss of one of ours (`cacheRulset`), with the key it likely meant. */
export interface MisspeltKey {
  readonly key: string;
  readonly meant: (typeof HINT_KEYS)[number];
}

/**
 * The first of `keys` that looks like a misspelt cacheset key. Route `config`, `res.locals` and
 * `ctx.state` are shared with other code, so "unknown" can only mean "close to one of ours".
 */
export function misspeltHintKey(keys: readonly string[]): MisspeltKey | undefined {
  for (const key of keys) {
    if (key.length < SHORTEST || key.length > LONGEST || OURS.has(key)) continue;
    const meant = suggestName(key, HINT_KEYS) as MisspeltKey['meant'] | undefined;
    if (meant !== undefined) return { key, meant };
  }
  return undefined;
}
