import { DateTime } from 'luxon';
import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { specName } from '../interfaces/Spec.js';
import { describeValue } from '../names/dottedName.js';
import type { AdapterLookup } from './AdapterLookup.js';
import { findViewAdapter } from './findViewAdapter.js';
import { isPromiseLike } from '../async/isPromiseLike.js';
import { ILastModified } from './ILastModified.js';

/**
 * When `value` last changed, from its most specific `ILastModified` adapter. A view (an object with a
 * `context`) that has no adapter of its own delegates to its context, as z3c.caching's view adapter
 * does; a catch-all adapter on `Interface` applies only after that delegation. Returns undefined when
 * nothing knows.
 *
 * Throws `ERR_CACHESET_INVALID_LAST_MODIFIED` when an adapter returns anything but a valid luxon
 * `DateTime` (a JS Date, a string, an invalid DateTime), and `ERR_CACHESET_ADAPTER_FAILED` when it throws.
 */
export async function resolveLastModified(
  adapters: AdapterLookup,
  value: unknown,
): Promise<DateTime<true> | undefined> {
  return await resolveLastModifiedNow(adapters, value);
}

/**
 * Like `resolveLastModified`, but synchronous when the adapter answers synchronously (the common
 * case: a date already on the object), so request paths pay for a promise only when there is one.
 * May throw synchronously or return a rejected promise, with the same errors.
 */
export function resolveLastModifiedNow(
  adapters: AdapterLookup,
  value: unknown,
): DateTime<true> | undefined | Promise<DateTime<true> | undefined> {
  const found = findViewAdapter(adapters, value, ILastModified);
  if (found === undefined) return undefined;
  const { match, object } = found;
  const adapter = adapters.create(match, object);
  if (adapter === undefined) return undefined;
  const source = `the ILastModified adapter bound for ${specName(match.spec)}`;
  if (typeof (adapter as Partial<ILastModified>).lastModified !== 'function') {
    throw new CachesetError(
      CoreErrorCodes.INVALID_ADAPTER,
      `${source} returned ${describeValue(adapter)}, which has no lastModified() method.`,
      { details: { for: specName(match.spec) } },
    );
  }
  const failed = (error: unknown): CachesetError =>
    new CachesetError(
      CoreErrorCodes.ADAPTER_FAILED,
      `${source} threw: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { for: specName(match.spec) } },
    );
  let result: unknown;
  try {
    result = adapter.lastModified();
  } catch (error) {
    throw failed(error);
  }
  if (!isPromiseLike(result)) return checkLastModified(result, source);
  return Promise.resolve(result).then(
    (settled) => checkLastModified(settled, source),
    (error: unknown) => {
      throw failed(error);
    },
  );
}

/**
 * Accepts undefined/null (unknown) or a valid luxon DateTime; anything else is an
 * `ERR_CACHESET_INVALID_LAST_MODIFIED` naming its source.
 */
export function checkLastModified(value: unknown, source: string): DateTime<true> | undefined {
  if (value === undefined || value === null) return undefined;
  if (DateTime.isDateTime(value)) {
    if (value.isValid) return value as DateTime<true>;
    throw new CachesetError(
      CoreErrorCodes.INVALID_LAST_MODIFIED,
      `${source} returned an invalid DateTime (${value.invalidReason ?? 'invalid'}${value.invalidExplanation ? `: ${value.invalidExplanation}` : ''}). Return a valid DateTime or undefined when the time is unknown.`,
      { details: { reason: value.invalidReason } },
    );
  }
  const hint =
    value instanceof Date
      ? 'a JS Date; wrap it: DateTime.fromJSDate(date)'
      : typeof value === 'string'
        ? 'a string, which may have no timezone; parse it with an explicit zone: DateTime.fromISO(text, { zone: "utc" })'
        : `${describeValue(value)}`;
  throw new CachesetError(
    CoreErrorCodes.INVALID_LAST_MODIFIED,
    `${source} returned ${hint}. ILastModified must return a timezone-aware luxon DateTime or undefined.`,
    { details: { value } },
  );
}
