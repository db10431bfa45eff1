import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { specName } from '../interfaces/Spec.js';
import { describeValue } from '../names/dottedName.js';
import type { AdapterLookup } from './AdapterLookup.js';
import { findViewAdapters } from './findViewAdapter.js';
import { ISurrogateKeys } from './ISurrogateKeys.js';

/** Visible ASCII except comma: keys are joined with spaces or commas in headers. */
const KEY = /^[\x21-\x2b\x2d-\x7e]+$/;

export function isSurrogateKey(value: unknown): value is string {
  return typeof value === 'string' && KEY.test(value);
}

/**
 * The cache tags of `value` from every named `ISurrogateKeys` adapter (a view without its own uses its
 * context's), de-duplicated in adapter order. Throws `ERR_CACHESET_INVALID_SURROGATE_KEYS` for a key
 * that is not visible ASCII without spaces and commas, and `ERR_CACHESET_ADAPTER_FAILED` when an
 * adapter throws.
 */
export function resolveSurrogateKeys(adapters: AdapterLookup, value: unknown): readonly string[] {
  const found = findViewAdapters(adapters, value, ISurrogateKeys);
  if (found === undefined) return [];
  const keys = new Set<string>();
  for (const match of found.matches) {
    const adapter = adapters.create(match, found.object);
    if (adapter === undefined) continue;
    const where = `the ISurrogateKeys adapter${match.name === '' ? '' : ` '${match.name}'`} bound for ${specName(match.spec)}`;
    if (typeof (adapter as Partial<ISurrogateKeys>).getKeys !== 'function') {
      throw new CachesetError(
        CoreErrorCodes.INVALID_ADAPTER,
        `${where} returned ${describeValue(adapter)}, which has no getKeys() method.`,
      );
    }
    let result: unknown;
    try {
      result = adapter.getKeys();
    } catch (error) {
      throw new CachesetError(
        CoreErrorCodes.ADAPTER_FAILED,
        `${where} threw: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (
      typeof result === 'string' ||
      typeof (result as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== 'function'
    ) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_SURROGATE_KEYS,
        `${where} returned ${describeValue(result)}; return an array of keys such as ["image:42"].`,
        { details: { value: result } },
      );
    }
    for (const key of result as Iterable<unknown>) {
      if (!isSurrogateKey(key)) {
        throw new CachesetError(
          CoreErrorCodes.INVALID_SURROGATE_KEYS,
          `${where} returned the key ${describeValue(key)}; keys are visible ASCII without spaces or commas (encode other characters, e.g. with encodeURIComponent).`,
          { details: { value: key } },
        );
      }
      keys.add(key);
    }
  }
  return [...keys];
}
