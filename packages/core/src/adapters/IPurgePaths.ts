import type { AdapterToken } from './AdapterToken.js';

/**
 * Adapts an object to the URL paths that must be purged from caches when it changes. Bind any number
 * of these per class or token, each under its own name (the name only lets several coexist and lets a
 * more specific binding override a general one).
 *
 * - Relative paths start with `/` and are relative to the site root as the public sees it; purgers
 *   rewrite them for virtual hosting.
 * - Absolute paths are sent as they are (for example a special `/_purge_all` URL).
 */
export interface IPurgePaths {
  getRelativePaths(): Iterable<string>;
  getAbsolutePaths(): Iterable<string>;
}

export const IPurgePaths: AdapterToken<IPurgePaths> = Symbol.for('cacheset.IPurgePaths') as AdapterToken<IPurgePaths>;
