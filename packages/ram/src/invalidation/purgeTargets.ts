import { resolvePurgePaths, resolveSurrogateKeys, type AdapterLookup } from '@cacheset/core';
import { ramError } from '../errors/ramError.js';
import { RamErrorCodes } from '../errors/ramErrorCodes.js';
import { pathProblem } from '../paths/canonicalPath.js';
import type { ObjectPathResolver } from '../paths/ObjectPathResolver.js';

export interface PurgeTargets {
  /** The object's own path (as given, not canonical yet): it and everything under it are invalidated. */
  readonly paths: readonly string[];
  /** The pages of its `IPurgePaths` adapters (as given): each page alone, not what lies under it. */
  readonly pages: readonly string[];
  readonly tags: readonly string[];
  /** Adapters that failed; what the others gave is still used. */
  readonly errors: readonly unknown[];
}

/** The path part of an absolute purge path: '/x' stays, 'http://host/x?y' becomes '/x'; anything else has none. */
function pathOfAbsolute(value: string): string | undefined {
  if (value.startsWith('/')) return value;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.pathname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a `Purge` of `object` invalidates: its own path (objectPath option or IObjectPath adapter) as
 * a subtree, since its views and values live under it; the paths of its `IPurgePaths` adapters as
 * pages, since they name the pages that show it, exactly as a caching proxy is told to purge them
 * (the front page `/` of a gallery that lists every image is that page, not the whole site); and the
 * surrogate keys of its `ISurrogateKeys` adapters (responses tagged with them). A failing adapter
 * costs only its own part.
 */
export function purgeTargets(
  object: unknown,
  resolver: ObjectPathResolver,
  adapters: AdapterLookup | undefined,
): PurgeTargets {
  const paths: string[] = [];
  const pages: string[] = [];
  const tags: string[] = [];
  const errors: unknown[] = [];
  try {
    const own = resolver.find(object, 'Purge');
    if (own !== undefined) paths.push(own);
  } catch (error) {
    errors.push(error);
  }
  if (adapters !== undefined) {
    const purgePaths = resolvePurgePaths(adapters, object);
    errors.push(...purgePaths.errors);
    for (const p of purgePaths.relative) {
      const problem = pathProblem(p);
      if (problem === undefined) pages.push(p);
      else
        errors.push(
          ramError(
            RamErrorCodes.INVALID_PATH,
            `Purge: an IPurgePaths adapter gave the path ${JSON.stringify(p)}, which ${problem}; it was skipped.`,
            p,
          ),
        );
    }
    for (const a of purgePaths.absolute) {
      const p = pathOfAbsolute(a);
      if (p !== undefined && pathProblem(p) === undefined) pages.push(p);
    }
    try {
      tags.push(...resolveSurrogateKeys(adapters, object));
    } catch (error) {
      errors.push(error);
    }
  }
  return { paths, pages, tags, errors };
}
