import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';

/** RFC 9111 §1.2.2: caches treat delta-seconds above 2^31 as 2^31; larger values are configuration mistakes. */
export const MAX_DELTA_SECONDS = 2_147_483_648;

const UNITS: ReadonlyMap<string, number> = new Map([
  ...['s', 'sec', 'secs', 'second', 'seconds'].map((u) => [u, 1] as const),
  ...['m', 'min', 'mins', 'minute', 'minutes'].map((u) => [u, 60] as const),
  ...['h', 'hr', 'hrs', 'hour', 'hours'].map((u) => [u, 3600] as const),
  ...['d', 'day', 'days'].map((u) => [u, 86_400] as const),
  ...['w', 'week', 'weeks'].map((u) => [u, 604_800] as const),
  ...['y', 'year', 'years'].map((u) => [u, 31_536_000] as const),
]);

const PART = /(\d+)\s*([a-z]*)\s*/gy;

/**
 * Seconds from a number of seconds or a readable duration: 600, '600', '10m', '1h30m', '1 day',
 * '2 weeks'. Throws `ERR_CACHESET_INVALID_OPTION` for anything else (negative, fractional, unknown
 * unit, over 2^31 seconds).
 */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= MAX_DELTA_SECONDS) return value;
    throw durationError(
      value,
      Number.isInteger(value) && value > MAX_DELTA_SECONDS
        ? 'is more than 2^31 seconds (68 years)'
        : 'is not a whole, non-negative number of seconds',
    );
  }
  if (typeof value !== 'string') throw durationError(value, 'is not a duration');
  const text = value.trim().toLowerCase();
  if (text.length === 0) throw durationError(value, 'is empty');
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = PART.exec(text)) !== null) {
    const unitName = match[2] ?? '';
    const unit =
      unitName === '' ? (PART.lastIndex === text.length && consumed === 0 ? 1 : undefined) : UNITS.get(unitName);
    if (unit === undefined) {
      const problem =
        unitName !== ''
          ? `has the unknown unit "${unitName}"`
          : PART.lastIndex === text.length
            ? 'mixes a bare number with units'
            : 'is not a duration';
      throw durationError(value, problem);
    }
    total += Number(match[1]) * unit;
    consumed = PART.lastIndex;
    if (consumed === text.length) break;
  }
  if (consumed !== text.length) throw durationError(value, 'is not a duration');
  if (total > MAX_DELTA_SECONDS) throw durationError(value, 'is more than 2^31 seconds (68 years)');
  return total;
}

function durationError(value: unknown, problem: string): CachesetError {
  return new CachesetError(
    CoreErrorCodes.INVALID_OPTION,
    `${describeValue(value)} ${problem}; give whole seconds (600) or a readable duration ("90s", "10m", "1h30m", "1d", "2w").`,
    { details: { value } },
  );
}
