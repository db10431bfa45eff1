import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { specName } from '../interfaces/Spec.js';
import { describeValue } from '../names/dottedName.js';
import type { AdapterLookup } from './AdapterLookup.js';
import { IPurgePaths } from './IPurgePaths.js';

export interface PurgePaths {
  /** Paths relative to the public site root (to be rewritten for virtual hosting), de-duplicated, in adapter order. */
  readonly relative: readonly string[];
  /** Paths sent as they are, de-duplicated, in adapter order. */
  readonly absolute: readonly string[];
  /** One error per adapter that failed; the other adapters' paths are still returned. */
  readonly errors: readonly CachesetError[];
}

/**
 * All purge paths of `value`, from every named `IPurgePaths` adapter (for each name the most specific
 * binding). An adapter that throws or returns something other than strings is reported in `errors`
 * and does not cost the paths of the others.
 */
export function resolvePurgePaths(adapters: AdapterLookup, value: unknown): PurgePaths {
  const relative = new Set<string>();
  const absolute = new Set<string>();
  const errors: CachesetError[] = [];
  let matches;
  try {
    matches = adapters.findRegistrations(value, IPurgePaths);
  } catch (error) {
    return { relative: [], absolute: [], errors: [asError(error, 'looking up IPurgePaths adapters')] };
  }
  for (const match of matches) {
    const label = `the IPurgePaths adapter '${match.name}' bound for ${specName(match.spec)}`;
    let adapter;
    try {
      adapter = adapters.create(match, value);
    } catch (error) {
      errors.push(asError(error, label));
      continue;
    }
    if (adapter === undefined) continue;
    const instance = adapter;
    // Each list is collected on its own, so one failing method does not cost the other's paths.
    for (const [method, target] of [
      ['getRelativePaths', relative],
      ['getAbsolutePaths', absolute],
    ] as const) {
      try {
        if (typeof instance[method] !== 'function') {
          throw new CachesetError(
            CoreErrorCodes.INVALID_ADAPTER,
            `${label} returned ${describeValue(instance)}, which has no ${method}() method.`,
          );
        }
        for (const p of collect(() => instance[method](), `${label}: ${method}()`)) target.add(p);
      } catch (error) {
        errors.push(asError(error, label));
      }
    }
  }
  return { relative: [...relative], absolute: [...absolute], errors };
}

function collect(call: () => Iterable<string>, where: string): string[] {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    throw new CachesetError(
      CoreErrorCodes.ADAPTER_FAILED,
      `${where} threw: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (result === undefined || result === null) return [];
  if (
    typeof result === 'string' ||
    typeof (result as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function'
  ) {
    throw new CachesetError(
      CoreErrorCodes.INVALID_PURGE_PATHS,
      `${where} returned ${describeValue(result)}; return an array (or other iterable) of path strings.`,
      { details: { value: result } },
    );
  }
  const paths: string[] = [];
  for (const item of result as Iterable<unknown>) {
    if (typeof item !== 'string') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_PURGE_PATHS,
        `${where} returned a non-string path ${describeValue(item)}; paths are strings such as "/images/cat".`,
        { details: { value: item } },
      );
    }
    paths.push(item);
  }
  return paths;
}

function asError(error: unknown, where: string): CachesetError {
  if (CachesetError.is(error)) return error;
  return new CachesetError(
    CoreErrorCodes.ADAPTER_FAILED,
    `${where} failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
