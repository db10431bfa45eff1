import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';
import { parseDuration } from './parseDuration.js';

/**
 * One option of a caching operation: its default and how a configured value is read. Every option
 * also accepts `null` ("none"), which a per-ruleset setting can use to switch off a global one.
 */
export interface OptionSpec<T> {
  /** What the operation uses when neither the ruleset nor the operation's global options set it. */
  readonly default: T | null;
  /** For documentation and error messages: 'duration', 'boolean', 'string list', ... */
  readonly kind: string;
  readonly description: string;
  /** Reads a configured value; throws `ERR_CACHESET_INVALID_OPTION` saying what is wrong. */
  parse(value: unknown): T | null;
  /** Checks a parsed value against the rest of the configuration; returns a problem or undefined. */
  check?(value: T, context: OptionCheckContext): string | undefined;
}

/** What an option's `check` may ask about the configuration being compiled. */
export interface OptionCheckContext {
  readonly operationName: string;
  hasOperation(name: string): boolean;
  operationNames(): readonly string[];
}

function invalid(value: unknown, expected: string): CachesetError {
  return new CachesetError(CoreErrorCodes.INVALID_OPTION, `${describeValue(value)} is not ${expected}.`, {
    details: { value },
  });
}

function option<T>(
  kind: string,
  defaultValue: T | null,
  description: string,
  read: (value: unknown) => T,
): OptionSpec<T> {
  return Object.freeze({
    default: defaultValue,
    kind,
    description,
    parse: (value: unknown) => (value === null ? null : read(value)),
  });
}

export function booleanOption(defaultValue: boolean | null, description = ''): OptionSpec<boolean> {
  return option('boolean', defaultValue, description, (value) => {
    if (typeof value !== 'boolean') throw invalid(value, 'true or false');
    return value;
  });
}

/** Seconds, written as a number or a readable duration ('10m', '1d'). */
export function durationOption(defaultValue: number | null, description = ''): OptionSpec<number> {
  return option('duration', defaultValue, description, parseDuration);
}

export function integerOption(
  defaultValue: number | null,
  description = '',
  range: { readonly min?: number; readonly max?: number } = {},
): OptionSpec<number> {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return option('integer', defaultValue, description, (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw invalid(value, `an integer from ${min} to ${max}`);
    return value;
  });
}

export function stringOption(
  defaultValue: string | null,
  description = '',
  allowed?: readonly string[],
): OptionSpec<string> {
  return option(
    allowed === undefined ? 'string' : `one of ${allowed.join(', ')}`,
    defaultValue,
    description,
    (value) => {
      if (typeof value !== 'string') throw invalid(value, 'a string');
      if (allowed !== undefined && !allowed.includes(value))
        throw invalid(value, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return value;
    },
  );
}

export function stringListOption(
  defaultValue: readonly string[] | null,
  description = '',
): OptionSpec<readonly string[]> {
  return option(
    'string list',
    defaultValue === null ? null : Object.freeze([...defaultValue]),
    description,
    (value) => {
      if (!Array.isArray(value)) throw invalid(value, 'a list of strings');
      const bad = value.find((item) => typeof item !== 'string' || item.length === 0);
      if (bad !== undefined) throw invalid(value, `a list of non-empty strings (item ${describeValue(bad)})`);
      return Object.freeze([...(value as string[])]);
    },
  );
}
